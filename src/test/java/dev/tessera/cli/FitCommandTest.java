package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitCommandTest {
    private static int threads;

    @TempDir
    Path dir;

    /** One LibTorch thread: on a loaded machine the many small ops would wait at OpenMP barriers. */
    @BeforeAll
    static void oneThread() {
        threads = torch.get_num_threads();
        torch.set_num_threads(1);
    }

    @AfterAll
    static void restoreThreads() {
        torch.set_num_threads(threads);
    }

    /** A picture of gradients and noise, so neighbouring cells want different templates. */
    private Path picture(String name, int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | Math.min(255, (x ^ y) * 4 + rnd.nextInt(40)));
        Path p = dir.resolve(name);
        Images.write(img, p);
        return p;
    }

    @Test
    void fitIsNeverWorseThanClassicOnTheLossAndWritesTheMosaicAndItsMap() throws Exception {
        Path image = picture("photo.png", 64, 48, 1);
        Path tiles = picture("tiles.png", 24, 24, 2);
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "-o", out.toString(), "--steps", "30", "--lr", "0.1");
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("fit: loss (\\S+) -> (\\S+) ").matcher(r.out());
        assertTrue(m.find(), r.out());
        double classic = Double.parseDouble(m.group(1)), fit = Double.parseDouble(m.group(2));
        assertTrue(fit <= classic, "fit " + fit + " vs classic " + classic);
        assertTrue(r.out().contains("classic:") && r.out().contains("fit:") && r.out().contains("CIEDE2000"), r.out());
        assertTrue(r.err().contains("fit step 30/30"), r.err());
        BufferedImage mosaic = Images.read(out.resolve("photo.png"));
        assertEquals(64, mosaic.getWidth());
        assertEquals(48, mosaic.getHeight());
        IndexMap map = IndexMap.load(out.resolve("photo.json"));
        assertEquals(8, map.columns());
        assertEquals(6, map.rows());
        assertEquals(9, map.templateNames().size());
    }

    @Test
    void aMissingImageIsABadInputNamingTheFile() {
        TesseraCommandTest.Run r = TesseraCommandTest.run("fit", dir.resolve("nope.png").toString(), "-o", dir.resolve("out").toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("nope.png"), r.err());
    }
}
