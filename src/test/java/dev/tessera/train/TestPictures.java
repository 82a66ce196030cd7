package dev.tessera.train;

import dev.tessera.image.Images;
import dev.tessera.templates.ImageGridSource;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Random pictures and tile sets for the learned path's tests. */
final class TestPictures {
    private TestPictures() {}

    /** Random colour blocks of {@code block} px, about one pixel in six flipped, so that cells have structure inside. */
    static BufferedImage blocks(SplittableRandom rnd, int width, int height, int block) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int by = 0; by < height; by += block)
            for (int bx = 0; bx < width; bx += block) {
                int rgb = rnd.nextInt(1 << 24);
                for (int y = by; y < Math.min(height, by + block); y++)
                    for (int x = bx; x < Math.min(width, bx + block); x++) img.setRGB(x, y, rnd.nextInt(6) == 0 ? rgb ^ 0x3f3f3f : rgb);
            }
        return img;
    }

    /** columns × rows tiles cut from one random picture of 4-px blocks, 16 px each, saved in {@code dir}. */
    static TemplateSet tiles(SplittableRandom rnd, Path dir, int columns, int rows) throws Exception {
        Path sheet = dir.resolve("sheet-" + rnd.nextInt(1 << 30) + ".png");
        Images.write(blocks(rnd, columns * 16, rows * 16, 4), sheet);
        return new ImageGridSource(sheet, columns, rows).build();
    }
}
