package dev.tessera.templates;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Writes the kinds of picture files a template folder meets, with known content. */
final class TestPictures {
    private TestPictures() {}

    static BufferedImage flat(int w, int h, int type, int argb) {
        BufferedImage img = new BufferedImage(w, h, type);
        int[] row = new int[w];
        Arrays.fill(row, argb);
        for (int y = 0; y < h; y++) img.setRGB(0, y, w, 1, row, 0, w);
        return img;
    }

    static void write(BufferedImage img, String format, Path file) throws IOException {
        if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no writer for " + format);
    }

    /** A grey PNG of one value, 8 or 16 bits per sample, written through a grey raster. */
    static void greyPng(Path file, int w, int h, int value8, boolean sixteenBit) throws IOException {
        BufferedImage img = new BufferedImage(w, h, sixteenBit ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        int[] row = new int[w];
        Arrays.fill(row, sixteenBit ? value8 * 257 : value8);
        for (int y = 0; y < h; y++) r.setSamples(0, y, w, 1, 0, row);
        write(img, "png", file);
    }

    /**
     * A CMYK JPEG as print software writes it: four stored channels (Adobe's inverted convention)
     * marked by an Adobe APP14 segment with transform 0, filled with one ink mix (0..255 each).
     */
    static void cmykJpeg(Path file, int w, int h, int c, int m, int y, int k) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        int[] stored = {255 - c, 255 - m, 255 - y, 255 - k};
        for (int j = 0; j < h; j++)
            for (int i = 0; i < w; i++) raster.setPixel(i, j, stored);
        ImageWriter writer = jdkJpegWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
        byte[] jpeg = bytes.toByteArray();
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        ByteArrayOutputStream marked = new ByteArrayOutputStream();
        marked.write(jpeg, 0, 2);
        marked.write(app14);
        marked.write(jpeg, 2, jpeg.length - 2);
        Files.write(file, marked.toByteArray());
    }

    private static ImageWriter jdkJpegWriter() {
        for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.")) return w;
        }
        throw new IllegalStateException("the JDK's JPEG writer is missing");
    }
}
