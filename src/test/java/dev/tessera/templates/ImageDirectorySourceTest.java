package dev.tessera.templates;

import static dev.tessera.templates.GlyphSourceTest.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDirectorySourceTest {
    @TempDir
    Path dir;

    private final long seed = System.nanoTime();
    private final Random rnd = new Random(seed);
    private final StringWriter report = new StringWriter();

    @Test
    void everyKindOfFileIsDecodedOrSkippedWithAWarning() throws Exception {
        int paper = rnd.nextInt(0x1000000), alphaColour = rnd.nextInt(0x1000000), jpegColour = rnd.nextInt(0x1000000);
        int alpha = 40 + rnd.nextInt(180), grey = rnd.nextInt(256), grey16 = rnd.nextInt(256);
        TestPictures.write(TestPictures.flat(30, 20, BufferedImage.TYPE_INT_ARGB, alpha << 24 | alphaColour), "png", dir.resolve("a-alpha.png"));
        TestPictures.write(TestPictures.flat(40, 40, BufferedImage.TYPE_INT_RGB, jpegColour), "jpeg", dir.resolve("b-photo.jpg"));
        TestPictures.greyPng(dir.resolve("c-grey.png"), 17, 23, grey, false);
        TestPictures.greyPng(dir.resolve("d-grey16.png"), 20, 20, grey16, true);
        TestPictures.cmykJpeg(dir.resolve("e-cmyk.jpg"), 24, 24, 0, 255, 255, 0);
        byte[] noiseJpeg = noiseJpeg(64);
        Files.write(dir.resolve("f-truncated.jpg"), Arrays.copyOf(noiseJpeg, noiseJpeg.length * 3 / 5));
        byte[] garbage = new byte[500];
        rnd.nextBytes(garbage);
        Files.write(dir.resolve("g-garbage.png"), garbage);
        Files.writeString(dir.resolve("h-notes.txt"), "not a picture");
        TestPictures.write(TestPictures.flat(8, 8, BufferedImage.TYPE_INT_RGB, 0), "png", dir.resolve(".hidden.png"));
        Files.createDirectories(dir.resolve("sub"));
        TestPictures.write(TestPictures.flat(8, 8, BufferedImage.TYPE_INT_RGB, 0x123456), "png", dir.resolve("sub/i-nested.png"));

        TemplateSet set = source().background(paper).sizes(List.of(16)).build();
        String ctx = "seed " + seed + "; report:\n" + report;
        assertEquals(List.of("a-alpha.png", "b-photo.jpg", "c-grey.png", "d-grey16.png", "e-cmyk.jpg", "sub/i-nested.png"), set.ids(), ctx);
        assertEquals("a-alpha", set.name(0));
        String[] lines = report.toString().split("\n");
        assertEquals(3, Arrays.stream(lines).filter(l -> l.contains("warning: skipped")).count(), ctx);
        for (String bad : List.of("f-truncated.jpg", "g-garbage.png", "h-notes.txt"))
            assertEquals(1, Arrays.stream(lines).filter(l -> l.contains("warning: skipped") && l.contains(bad)).count(), ctx + bad);
        assertTrue(report.toString().contains("skipped 3 of 9 files in " + dir), ctx);

        assertFlat(set, 0, composite(alphaColour, alpha, paper), 1, ctx + " (alpha over paper)");
        assertFlat(set, 1, jpegColour, 8, ctx + " (JPEG)");
        assertFlat(set, 2, grey * 0x010101, 1, ctx + " (8-bit grey, stored value kept)");
        assertFlat(set, 3, grey16 * 0x010101, 1, ctx + " (16-bit grey)");
        int cmyk = set.tileArgb(4, 8)[27] & 0xffffff;
        assertTrue((cmyk >> 16) > 200 && ((cmyk >> 8) & 0xff) < 60 && (cmyk & 0xff) < 60,
                "magenta + yellow ink should read as red, got #" + Integer.toHexString(cmyk));
        assertFlat(set, 5, 0x123456, 0, ctx);
    }

    @Test
    void cropKeepsTheCentreAndPadKeepsTheWholePicture() throws Exception {
        int left = rnd.nextInt(0x1000000), right = rnd.nextInt(0x1000000), paper = rnd.nextInt(0x1000000);
        BufferedImage wide = TestPictures.flat(40, 20, BufferedImage.TYPE_INT_RGB, left);
        for (int y = 0; y < 20; y++) for (int x = 20; x < 40; x++) wide.setRGB(x, y, right);
        TestPictures.write(wide, "png", dir.resolve("wide.png"));
        int[] crop = source().background(paper).build().tileArgb(0, 8);
        int[] pad = source().background(paper).fit(TileFit.PAD).build().tileArgb(0, 8);
        String ctx = "seed " + seed;
        for (int y = 0; y < 8; y++) {
            assertTrue(close(crop[y * 8], left, 0) && close(crop[y * 8 + 7], right, 0), ctx + " crop row " + y);
            boolean picture = y >= 2 && y < 6;
            assertTrue(close(pad[y * 8], picture ? left : paper, 0) && close(pad[y * 8 + 7], picture ? right : paper, 0), ctx + " pad row " + y);
        }
    }

    @Test
    void shrinkingAveragesExactlyTheAreaEachPixelCovers() throws Exception {
        int[][] grey = new int[256][256];
        BufferedImage noise = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++) {
                grey[y][x] = rnd.nextInt(256);
                noise.setRGB(x, y, grey[y][x] * 0x010101);
            }
        TestPictures.write(noise, "png", dir.resolve("noise.png"));
        int[] tile = source().build().tileArgb(0, 8);
        for (int ty = 0; ty < 8; ty++)
            for (int tx = 0; tx < 8; tx++) {
                double mean = 0;
                for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) mean += grey[ty * 32 + y][tx * 32 + x];
                mean /= 1024;
                // Nearest or bilinear sampling picks a few pixels of the 32×32 block: off by tens of levels.
                assertEquals(mean, tile[ty * 8 + tx] & 0xff, 0.5 + 1e-3, "seed " + seed + " pixel " + tx + "," + ty);
            }
    }

    @Test
    void decodingOnSeveralThreadsGivesTheSameSet() throws Exception {
        for (int i = 0; i < 12; i++)
            TestPictures.write(TestPictures.flat(10 + i, 30 - i, BufferedImage.TYPE_INT_RGB, rnd.nextInt(0x1000000)), "png",
                    dir.resolve(String.format("p%02d.png", i)));
        TemplateSet one = source().threads(1).build(), two = source().threads(3).build();
        assertEquals(12, one.count());
        assertEquals(one.contentHash(), two.contentHash());
        assertTrue(report.toString().contains("12/12"), "the progress bar reaches the end: " + report);
    }

    @Test
    void anEmptyOrUnreadableFolderIsAnErrorThatSaysSo() throws Exception {
        IOException empty = assertThrows(IOException.class, () -> source().build());
        assertTrue(empty.getMessage().contains(dir + ": the folder has no files"), empty.getMessage());
        Files.writeString(dir.resolve("a.txt"), "text");
        Files.write(dir.resolve("b.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        IOException unreadable = assertThrows(IOException.class, () -> source().build());
        assertTrue(unreadable.getMessage().contains("none of its 2 files is an image"), unreadable.getMessage());
        IOException missing = assertThrows(IOException.class, () -> new ImageDirectorySource(dir.resolve("nope")).report(quiet()).build());
        assertTrue(missing.getMessage().contains("nope: not a folder"), missing.getMessage());
        assertFalse(report.toString().isEmpty(), "skipped files were reported");
    }

    private ImageDirectorySource source() {
        return new ImageDirectorySource(dir).report(new PrintWriter(report, true));
    }

    private static PrintWriter quiet() {
        return new PrintWriter(new StringWriter());
    }

    private byte[] noiseJpeg(int side) throws IOException {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) for (int x = 0; x < side; x++) img.setRGB(x, y, rnd.nextInt(0x1000000));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    private static int composite(int rgb, int alpha, int paper) {
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            double a = alpha / 255.0;
            out |= (int) Math.round(a * ((rgb >> shift) & 0xff) + (1 - a) * ((paper >> shift) & 0xff)) << shift;
        }
        return out;
    }

    private static void assertFlat(TemplateSet set, int i, int expected, int tolerance, String ctx) {
        for (int size : set.preparedSizes())
            for (int v : set.tileArgb(i, size))
                assertTrue(close(v, expected, tolerance), set.id(i) + " at " + size + " px: #" + Integer.toHexString(v & 0xffffff)
                        + ", expected #" + Integer.toHexString(expected) + " ±" + tolerance + "; " + ctx);
    }
}
