package dev.tessera.classic;

import dev.tessera.image.Images;
import dev.tessera.templates.ImageGridSource;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Random pictures and template sets for classic-mode tests. */
final class ClassicFixtures {
    private ClassicFixtures() {}

    /** Blocks of random colours within [lo, hi] per channel, block × block pixels each. */
    static BufferedImage blocks(SplittableRandom rnd, int width, int height, int block, int lo, int hi) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int by = 0; by < height; by += block)
            for (int bx = 0; bx < width; bx += block) {
                int rgb = channel(rnd, lo, hi) << 16 | channel(rnd, lo, hi) << 8 | channel(rnd, lo, hi);
                for (int y = by; y < Math.min(height, by + block); y++)
                    for (int x = bx; x < Math.min(width, bx + block); x++)
                        img.setRGB(x, y, (rnd.nextInt(8) == 0 ? rgb ^ 0x0f0f0f : rgb));
            }
        return img;
    }

    private static int channel(SplittableRandom rnd, int lo, int hi) {
        return lo + rnd.nextInt(hi - lo + 1);
    }

    /** A set of columns × rows random tiles cut from one random picture. */
    static TemplateSet tiles(SplittableRandom rnd, Path dir, int columns, int rows, int lo, int hi) throws IOException {
        Path sheet = dir.resolve("sheet-" + rnd.nextInt(1 << 30) + ".png");
        Images.write(blocks(rnd, columns * 16, rows * 16, 4, lo, hi), sheet);
        return new ImageGridSource(sheet, columns, rows).build();
    }
}
