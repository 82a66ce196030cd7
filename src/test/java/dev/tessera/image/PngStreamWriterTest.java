package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngStreamWriterTest {
    @Test
    void bandsWrittenInPiecesDecodeToTheSamePixels(@TempDir Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom();
        int w = 1 + rnd.nextInt(300), h = 1 + rnd.nextInt(200);
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) argb[i] = rnd.nextInt(1 << 24);
        Path file = dir.resolve("out.png");
        try (PngStreamWriter png = new PngStreamWriter(file, w, h)) {
            for (int y = 0; y < h; ) {
                int band = Math.min(h - y, 1 + rnd.nextInt(17));
                int[] rows = new int[band * w];
                System.arraycopy(argb, y * w, rows, 0, rows.length);
                png.writeRows(rows, band);
                y += band;
            }
        }
        BufferedImage img = Images.read(file);
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                assertEquals(argb[y * w + x], img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
    }

    /** More bands than the writer keeps in flight, some of one row, some large: order and checksum hold. */
    @Test
    void manyBandsCompressedInParallelDecodeStrictlyToTheSamePixels(@TempDir Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom();
        long seed = rnd.nextLong();
        rnd = new SplittableRandom(seed);
        int w = 64 + rnd.nextInt(200), h = 4 * PngStreamWriter.IN_FLIGHT * 8 + rnd.nextInt(50);
        int[] argb = new int[w * h];
        // Smooth runs with noise, as tiles are: deflate finds matches, so back-references are exercised.
        for (int i = 0; i < argb.length; i++) argb[i] = (i / 7 % 5 == 0) ? rnd.nextInt(1 << 24) : (i % w) * 0x010203 & 0xffffff;
        Path file = dir.resolve("many.png");
        try (PngStreamWriter png = new PngStreamWriter(file, w, h)) {
            for (int y = 0; y < h; ) {
                int band = Math.min(h - y, rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(40));
                png.writeRows(java.util.Arrays.copyOfRange(argb, y * w, (y + band) * w), band);
                y += band;
            }
        }
        // ImageIO stops once it has the rows, reading neither the Adler-32 nor past it: checked here.
        assertEquals((long) h * (3 * w + 1), inflatedIdat(file), "inflated length, seed " + seed);
        BufferedImage img = Images.readIntact(file);
        assertEquals(w, img.getWidth());
        assertEquals(h, img.getHeight());
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                assertEquals(argb[y * w + x], img.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y + ", seed " + seed);
    }

    /**
     * Every chunk's CRC checked, the IDAT data inflated as one zlib stream to its end (the
     * Inflater checks the Adler-32 there); returns the number of bytes it held.
     */
    private static long inflatedIdat(Path file) throws IOException {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(Files.readAllBytes(file));
        in.position(8);
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        boolean end = false;
        while (!end) {
            int length = in.getInt();
            byte[] typeAndData = new byte[4 + length];
            in.get(typeAndData);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(typeAndData);
            assertEquals((int) crc.getValue(), in.getInt(), "chunk CRC");
            String type = new String(typeAndData, 0, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (type.equals("IDAT")) idat.write(typeAndData, 4, length);
            end = type.equals("IEND");
        }
        assertEquals(0, in.remaining(), "bytes after IEND");
        java.util.zip.Inflater inflater = new java.util.zip.Inflater();
        try {
            inflater.setInput(idat.toByteArray());
            byte[] out = new byte[1 << 16];
            long total = 0;
            while (!inflater.finished()) {
                int n = inflater.inflate(out);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) throw new AssertionError("zlib stream ends early");
                total += n;
            }
            assertEquals(0, inflater.getRemaining(), "bytes after the zlib stream");
            return total;
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError("zlib stream damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    @Test
    void anUnfinishedImageLeavesNoFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("half.png");
        PngStreamWriter png = new PngStreamWriter(file, 4, 4);
        png.writeRows(new int[8], 2);
        assertThrows(IOException.class, png::close);
        assertFalse(Files.exists(file));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "temporary file left behind");
        }
    }
}
