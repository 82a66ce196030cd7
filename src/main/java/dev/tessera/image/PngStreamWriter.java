package dev.tessera.image;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes an 8-bit RGB PNG a band of rows at a time, so an output far larger than the Java heap
 * (a 16,384² mosaic is 768 MB of RGB) needs only one band in memory. The file appears atomically:
 * rows go to a temporary file in the same folder, renamed when the last row is written; a writer
 * closed early deletes it and leaves nothing behind.
 */
public final class PngStreamWriter implements AutoCloseable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int FILTER_SUB = 1;  // each byte minus its left neighbour: cheap, and suits smooth tiles
    // zlib level 3: measured on a 2048² photo mosaic, 2.4x faster than the default 6 for 7% more bytes.
    private static final int COMPRESSION = 3;

    private final Path file;
    private final Path tmp;
    private final int width;
    private final int height;
    private final DataOutputStream raw;
    private final Deflater deflater;
    private final DeflaterOutputStream pixels;
    private final byte[] line;
    private int rowsWritten;
    private boolean closed;

    public PngStreamWriter(Path file, int width, int height) throws IOException {
        if (width < 1 || height < 1) throw new IllegalArgumentException("PNG size " + width + "x" + height + " is empty");
        if ((long) width * 3 + 1 > Integer.MAX_VALUE) throw new IllegalArgumentException("PNG width " + width + " is too large");
        this.file = file;
        this.width = width;
        this.height = height;
        this.tmp = AtomicFile.temporaryFor(file);
        this.raw = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16));
        raw.write(SIGNATURE);
        DataOutputStreamChunk ihdr = new DataOutputStreamChunk();
        ihdr.data.writeInt(width);
        ihdr.data.writeInt(height);
        ihdr.data.write(new byte[] {8, 2, 0, 0, 0});  // 8 bits, truecolour RGB, deflate, adaptive filters, no interlace
        ihdr.writeTo(raw, "IHDR");
        this.deflater = new Deflater(COMPRESSION);
        this.pixels = new DeflaterOutputStream(new IdatStream(raw), deflater, 1 << 16);
        this.line = new byte[width * 3 + 1];
    }

    /** Appends {@code count} rows of {@code width} pixels (0xRRGGBB, alpha ignored) from {@code argb}. */
    public void writeRows(int[] argb, int count) throws IOException {
        if (closed) throw new IllegalStateException("PNG writer for " + file + " is closed");
        if (rowsWritten + count > height)
            throw new IllegalArgumentException(file + ": " + (rowsWritten + count) + " rows written, image has " + height);
        for (int r = 0; r < count; r++) {
            line[0] = FILTER_SUB;
            int prevR = 0, prevG = 0, prevB = 0;
            for (int x = 0, o = r * width; x < width; x++) {
                int p = argb[o + x], red = (p >> 16) & 0xff, green = (p >> 8) & 0xff, blue = p & 0xff;
                line[1 + 3 * x] = (byte) (red - prevR);
                line[2 + 3 * x] = (byte) (green - prevG);
                line[3 + 3 * x] = (byte) (blue - prevB);
                prevR = red;
                prevG = green;
                prevB = blue;
            }
            pixels.write(line);
        }
        rowsWritten += count;
    }

    public int rowsWritten() {
        return rowsWritten;
    }

    /** Finishes the file if every row was written (then renames it into place); otherwise deletes it. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        boolean complete = rowsWritten == height;
        try {
            pixels.finish();
            new DataOutputStreamChunk().writeTo(raw, "IEND");
            raw.close();
            if (complete) Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            // A stream given its Deflater leaves it open: ended here, or its ~300 KB of native zlib
            // state per PNG waits for a garbage collection (measured: +200 MB over 800 mosaics).
            deflater.end();
            Files.deleteIfExists(tmp);
        }
        if (!complete) throw new IOException(file + ": only " + rowsWritten + " of " + height + " rows were written; no file left behind");
    }

    /** Frames the compressed stream into IDAT chunks. */
    private static final class IdatStream extends OutputStream {
        private final DataOutputStream out;

        IdatStream(DataOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) return;
            writeChunk(out, "IDAT", b, off, len);
        }
    }

    private static final class DataOutputStreamChunk {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        final DataOutputStream data = new DataOutputStream(bytes);

        void writeTo(DataOutputStream out, String type) throws IOException {
            byte[] b = bytes.toByteArray();
            writeChunk(out, type, b, 0, b.length);
        }
    }

    private static void writeChunk(DataOutputStream out, String type, byte[] b, int off, int len) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(b, off, len);
        out.writeInt(len);
        out.write(t);
        out.write(b, off, len);
        out.writeInt((int) crc.getValue());
    }
}
