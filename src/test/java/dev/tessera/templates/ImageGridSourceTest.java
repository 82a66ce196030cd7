package dev.tessera.templates;

import static dev.tessera.templates.GlyphSourceTest.close;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridSourceTest {
    @TempDir
    Path dir;

    @Test
    void eachCellBecomesOneTemplateRowByRow() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int columns = 2 + rnd.nextInt(4), rows = 2 + rnd.nextInt(3), cell = 10 + rnd.nextInt(20);
        int[] colours = new int[columns * rows];
        BufferedImage sheet = new BufferedImage(columns * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < colours.length; i++) {
            colours[i] = rnd.nextInt(0x1000000);
            for (int y = 0; y < cell; y++)
                for (int x = 0; x < cell; x++) sheet.setRGB((i % columns) * cell + x, (i / columns) * cell + y, colours[i]);
        }
        Path file = dir.resolve("sheet.png");
        TestPictures.write(sheet, "png", file);
        TemplateSet set = new ImageGridSource(file, columns, rows).build();
        assertEquals(columns * rows, set.count());
        assertEquals("r1c0", set.id(columns));
        for (int i = 0; i < colours.length; i++)
            for (int v : set.tileArgb(i, 32))
                assertTrue(close(v, colours[i], 0), "seed " + seed + ": cell " + set.id(i) + " #" + Integer.toHexString(v & 0xffffff));
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> new ImageGridSource(file, columns * cell + 1, 1).build());
        assertTrue(tooMany.getMessage().contains("too small for"), tooMany.getMessage());
    }
}
