package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    /** Both ways in: every guarantee about hostile files must hold for each. */
    interface Reader {
        BufferedImage read(Path file) throws IOException;
    }

    private static final Reader[] READERS = {Images::read, Images::readIntact};

    @TempDir
    Path dir;

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeAllocating() throws IOException {
        Path bomb = Files.write(dir.resolve("bomb.png"), HandMadePng.declaring(50_000, 50_000));
        assertTrue(Files.size(bomb) < 200, "the bomb should be tiny, is " + Files.size(bomb) + " bytes");
        for (Reader reader : READERS) {
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class, () -> reader.read(bomb)));
            assertTrue(e.getMessage().startsWith(bomb.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("50,000x50,000"), e.getMessage());
            assertTrue(e.getMessage().contains(Images.MAX_PIXELS_PROPERTY), e.getMessage());
        }
    }

    @Test
    void aBombJustUnderTheArrayLimitIsRefusedWithoutTheRasterBeingAllocated() throws IOException {
        // 20,000² RGB is a 1.2 GB byte raster: it would fit the test heap, so only the refusal keeps it out.
        Path bomb = Files.write(dir.resolve("large.png"), HandMadePng.declaring(20_000, 20_000));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (Reader reader : READERS) {
            long before = threads.getThreadAllocatedBytes(thread);
            assertThrows(IOException.class, () -> reader.read(bomb));
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertTrue(allocated < 16L << 20, "refusing the header allocated " + allocated + " bytes");
        }
    }

    @Test
    void thePixelLimitIsASystemProperty() throws IOException {
        Path file = dir.resolve("photo.png");
        Images.write(noise(300, 200), file);
        String previous = System.getProperty(Images.MAX_PIXELS_PROPERTY);
        try {
            System.setProperty(Images.MAX_PIXELS_PROPERTY, "59_999");
            for (Reader reader : READERS) {
                IOException e = assertThrows(IOException.class, () -> reader.read(file));
                assertTrue(e.getMessage().contains("300x200 = 60,000 pixels") && e.getMessage().contains("59,999"), e.getMessage());
            }
            System.setProperty(Images.MAX_PIXELS_PROPERTY, "60000");
            for (Reader reader : READERS) assertEquals(300, reader.read(file).getWidth());
            System.setProperty(Images.MAX_PIXELS_PROPERTY, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.read(file));
            assertTrue(e.getMessage().contains(Images.MAX_PIXELS_PROPERTY) && e.getMessage().contains("lots"), e.getMessage());
        } finally {
            if (previous == null) System.clearProperty(Images.MAX_PIXELS_PROPERTY);
            else System.setProperty(Images.MAX_PIXELS_PROPERTY, previous);
        }
        assertEquals(Images.DEFAULT_MAX_PIXELS, Images.maxPixels());
    }

    @Test
    void aZeroSizeImageIsRefusedNamingTheFile() throws IOException {
        for (int[] size : new int[][] {{0, 10}, {10, 0}}) {
            Path empty = Files.write(dir.resolve("empty-" + size[0] + "x" + size[1] + ".png"), HandMadePng.declaring(size[0], size[1]));
            for (Reader reader : READERS) {
                IOException e = assertThrows(IOException.class, () -> reader.read(empty));
                assertTrue(e.getMessage().startsWith(empty.toString()), e.getMessage());
            }
        }
    }

    @Test
    void aNonImageFileIsRefusedNamingTheFile() throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.png"), "not a picture at all\n");
        for (Reader reader : READERS) {
            IOException e = assertThrows(IOException.class, () -> reader.read(notes));
            assertTrue(e.getMessage().startsWith(notes.toString()) && e.getMessage().contains("not an image"), e.getMessage());
        }
    }

    @Test
    void aTruncatedJpegIsReadWholeSizeByReadAndRefusedByReadIntact() throws IOException {
        Path whole = dir.resolve("whole.jpg");
        Images.write(noise(96, 64), whole);
        byte[] jpeg = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length * 3 / 5));
        BufferedImage partial = Images.read(cut);
        assertEquals(96, partial.getWidth());
        assertEquals(64, partial.getHeight());
        IOException e = assertThrows(IOException.class, () -> Images.readIntact(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void greyFilesReadAsStoredThroughBothPaths() throws IOException {
        int level = 1 + new SplittableRandom().nextInt(254);
        BufferedImage grey = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 2, 0, level);
        Path file = dir.resolve("grey.png");
        Images.write(grey, file);
        for (Reader reader : READERS) {
            int rgb = reader.read(file).getRGB(3, 2);
            assertEquals(level, rgb & 0xff, "level " + level + " read as " + Integer.toHexString(rgb));
            assertEquals(level, (rgb >> 16) & 0xff);
        }
    }

    private static BufferedImage noise(int w, int h) {
        SplittableRandom rnd = new SplittableRandom();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
        return img;
    }
}
