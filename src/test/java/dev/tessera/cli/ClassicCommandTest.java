package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassicCommandTest {
    @TempDir
    Path dir;

    private Path picture(String name, int w, int h) {
        SplittableRandom rnd = new SplittableRandom();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | rnd.nextInt(256));
        Path p = dir.resolve("in").resolve(name);
        Images.write(img, p);
        return p;
    }

    @Test
    void aCorruptInputDoesNotStopTheBatchAndOutputsAreSkippedOnRerun() throws Exception {
        picture("a.png", 64, 48);
        picture("b.png", 40, 40);
        Files.write(dir.resolve("in/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("classic", dir.resolve("in").toString(), "-o", out.toString(), "-j", "2");
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("broken.png"), r.err());
        assertTrue(r.out().contains("2 written, 0 skipped, 1 failed"), r.out());
        for (String stem : new String[] {"a", "b"})
            for (String ext : new String[] {"png", "json", "txt", "html"})
                assertTrue(Files.exists(out.resolve(stem + "." + ext)), stem + "." + ext);
        assertEquals(64, Images.read(out.resolve("a.png")).getWidth());
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".part")), "temporary file left behind");
        }
        TesseraCommandTest.Run again = TesseraCommandTest.run("classic", dir.resolve("in/a.png").toString(), dir.resolve("in/b.png").toString(),
                "-o", out.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("0 written, 2 skipped"), again.out());
    }

    @Test
    void anIndexMapReRendersAtAnotherTileSizeWithTheSameChoices() throws Exception {
        Path in = picture("p.png", 48, 32);
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("classic", in.toString(), "-o", out.toString(), "--templates", "glyphs",
                "--cell", "8", "--min-distance", "1", "--eval");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("PSNR") && r.out().contains("distinct templates used"), r.out());
        IndexMap map = IndexMap.load(out.resolve("p.json"));
        assertEquals(6, map.columns());
        assertEquals(4, map.rows());
        Path big = dir.resolve("big.png");
        TesseraCommandTest.Run render = TesseraCommandTest.run("render", "--index", out.resolve("p.json").toString(), "--templates", "glyphs",
                "--tile", "32", "-o", big.toString());
        assertEquals(0, render.exit(), render.err());
        BufferedImage img = Images.read(big);
        assertEquals(6 * 32, img.getWidth());
        assertEquals(4 * 32, img.getHeight());
        Path other = dir.resolve("other.png");
        TesseraCommandTest.Run refused = TesseraCommandTest.run("render", "--index", out.resolve("p.json").toString(), "--glyphs", "AB",
                "-o", other.toString());
        assertEquals(3, refused.exit());
        assertTrue(refused.err().contains("template set"), refused.err());
        assertFalse(Files.exists(other));
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertEquals(2, TesseraCommandTest.run("classic", "x.png", "-o", dir.toString(), "--cells", "0x3").exit());
        TesseraCommandTest.Run r = TesseraCommandTest.run("classic", dir.resolve("missing.png").toString(), "-o", dir.toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("missing.png"), r.err());
    }
}
