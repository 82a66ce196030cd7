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
