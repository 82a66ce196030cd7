package dev.tessera.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.TesseraCommand;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TemplatesCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter(), err = new StringWriter();

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine cli = TesseraCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void prepareThenListAndPreviewThePreparedSet() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path photos = Files.createDirectory(dir.resolve("photos"));
        int n = 3 + rnd.nextInt(5);
        for (int i = 0; i < n; i++)
            TestPictures.write(TestPictures.flat(30, 40, BufferedImage.TYPE_INT_RGB, rnd.nextInt(0x1000000)), "jpeg", photos.resolve("p" + i + ".jpg"));
        Files.writeString(photos.resolve("README"), "not a photo");
        Path prepared = dir.resolve("prepared");
        assertEquals(0, run("templates", "prepare", "--dir", photos.toString(), "--sizes", "8,24", "-o", prepared.toString()), err.toString());
        assertTrue(err.toString().contains("warning: skipped") && err.toString().contains("README"), err.toString());
        String hash = TemplateSet.open(prepared).contentHash();
        assertTrue(out.toString().contains("hash " + hash), out.toString());

        assertEquals(0, run("templates", "list", "--set", prepared.toString()), err.toString());
        assertTrue(out.toString().contains("templates " + n + ", analysis 8 px, prepared sizes [8, 24]"), out.toString());
        assertTrue(out.toString().contains("hash " + hash) && out.toString().contains((n - 1) + "\tp" + (n - 1) + ".jpg\tp" + (n - 1)), out.toString());

        Path sheet = dir.resolve("sheet.png");
        assertEquals(0, run("templates", "preview", "--set", prepared.toString(), "--tile-size", "16", "--columns", "2", "-o", sheet.toString()), err.toString());
        BufferedImage img = ImageIO.read(sheet.toFile());
        int rows = (n + 1) / 2;
        assertEquals(2 * 17 + 1, img.getWidth());
        assertEquals(rows * 17 + 1, img.getHeight());
    }

    @Test
    void glyphsGridAndBadFlags() throws Exception {
        assertEquals(0, run("templates", "list", "--glyphs"), err.toString());
        assertTrue(out.toString().contains("templates 62,"), out.toString());
        assertEquals(0, run("templates", "list", "--glyphs", "ab", "--foreground", "red,#00f", "--background", "black"), err.toString());
        assertTrue(out.toString().contains("templates 4,") && out.toString().contains("U+0061#ff0000"), out.toString());

        Path sheet = dir.resolve("sheet.png");
        TestPictures.write(TestPictures.flat(60, 40, BufferedImage.TYPE_INT_RGB, 0x336699), "png", sheet);
        assertEquals(0, run("templates", "list", "--grid", sheet.toString(), "--grid-tiles", "3x2"), err.toString());
        assertTrue(out.toString().contains("templates 6,") && out.toString().contains("\tr1c2\t"), out.toString());

        assertEquals(2, run("templates", "list", "--grid", sheet.toString()));
        assertTrue(err.toString().contains("--grid needs --grid-tiles"), err.toString());
        assertEquals(2, run("templates", "list", "--glyphs", "--background", "mauve-ish"));
        assertTrue(err.toString().contains("--background 'mauve-ish' is not a colour"), err.toString());
        assertEquals(2, run("templates", "list", "--dir", dir.toString(), "--font", "x.ttf"));
        assertEquals(3, run("templates", "list", "--glyphs", "AA"));
        assertTrue(err.toString().contains("tessera templates list: character 'A' (U+0041) is listed twice"), err.toString());
        assertEquals(3, run("templates", "list", "--set", dir.toString()));
        assertTrue(err.toString().contains("not a prepared template set"), err.toString());
    }
}
