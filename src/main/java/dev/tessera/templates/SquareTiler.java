package dev.tessera.templates;

import dev.tessera.image.Resampler;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.SortedSet;

/**
 * Turns one picture (or a region of one) into a square template at every prepared size. The
 * picture is read once, into a master tile no larger than the largest size (or its own resolution,
 * if smaller); each size is resampled from the master, so a photo's full resolution is read once
 * however many sizes are asked for, and a small sprite is never shrunk before being enlarged.
 */
final class SquareTiler {
    private final TileFit fit;
    private final int background;
    private final SortedSet<Integer> sizes;

    SquareTiler(TileFit fit, int background, SortedSet<Integer> sizes) {
        this.fit = fit;
        this.background = background & 0xffffff;
        this.sizes = sizes;
    }

    /** One tile per size, in the order of {@code sizes}, each size·size pixels 0xFFRRGGBB. */
    int[][] tiles(BufferedImage img, Rectangle region) {
        int largest = sizes.last();
        float[] master;
        int side;
        if (fit == TileFit.CROP) {
            int square = Math.min(region.width, region.height);
            Rectangle centre = new Rectangle(region.x + (region.width - square) / 2, region.y + (region.height - square) / 2, square, square);
            side = Math.min(square, largest);
            master = Resampler.resize(img, centre, background, side, side);
        } else {
            int longSide = Math.max(region.width, region.height);
            side = Math.min(longSide, largest);
            double scale = (double) side / longSide;
            int w = Math.max(1, (int) Math.round(region.width * scale)), h = Math.max(1, (int) Math.round(region.height * scale));
            master = onPaper(Resampler.resize(img, region, background, w, h), w, h, side);
        }
        int[][] out = new int[sizes.size()][];
        int k = 0;
        for (int size : sizes) {
            float[] planes = size == side ? master : Resampler.resize(master, side, side, size, size);
            out[k] = new int[size * size];
            TemplateSet.pack(planes, out[k++], 0);
        }
        return out;
    }

    /** A w×h picture centred on a side×side sheet of background colour. */
    private float[] onPaper(float[] picture, int w, int h, int side) {
        float[] sheet = new float[3 * side * side];
        int[] paper = {(background >> 16) & 0xff, (background >> 8) & 0xff, background & 0xff};
        int x0 = (side - w) / 2, y0 = (side - h) / 2;
        for (int c = 0; c < 3; c++) {
            Arrays.fill(sheet, c * side * side, (c + 1) * side * side, paper[c]);
            for (int y = 0; y < h; y++)
                System.arraycopy(picture, (c * h + y) * w, sheet, (c * side + y0 + y) * side + x0, w);
        }
        return sheet;
    }
}
