package dev.tessera.classic;

import dev.tessera.image.Resampler;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;

/**
 * What classic matching compares: each cell (and each template) as k×k sub-cell mean colours,
 * averaged over exact areas in sRGB (as the eye and the quality measure average a mosaic seen from
 * afar) and then expressed in Oklab, k² × (L, a, b) per cell. Also each cell's mean sRGB colour,
 * for tinting.
 */
final class ColourSignatures {
    /** Tile size templates are analysed at: divisible by every k up to 8 that divides 32, large enough for the rest. */
    static final int TEMPLATE_ANALYSIS_SIZE = 32;

    final int count;
    final int subcells;
    final float[] oklab;    // count × k² × 3
    final float[] meanRgb;  // count × 3, sRGB 0..255

    private ColourSignatures(int count, int subcells, float[] oklab, float[] meanRgb) {
        this.count = count;
        this.subcells = subcells;
        this.oklab = oklab;
        this.meanRgb = meanRgb;
    }

    int dims() {
        return 3 * subcells * subcells;
    }

    /** The cells of {@code grid} in {@code image}; transparency is composited on white. */
    static ColourSignatures ofCells(BufferedImage image, CellGrid grid, int k) {
        int w = grid.columns() * k, h = grid.rows() * k;
        float[] planes = Resampler.resize(image, grid.region(), 0xffffff, w, h);
        float[] oklab = new float[grid.cells() * 3 * k * k], mean = new float[grid.cells() * 3];
        for (int r = 0; r < grid.rows(); r++)
            for (int c = 0; c < grid.columns(); c++)
                gather(planes, w, h, c * k, r * k, k, r * grid.columns() + c, oklab, mean);
        return new ColourSignatures(grid.cells(), k, oklab, mean);
    }

    static ColourSignatures ofTemplates(TemplateSet set, int k) {
        int s = TEMPLATE_ANALYSIS_SIZE, n = set.count();
        float[] all = set.planes(s);
        float[] oklab = new float[n * 3 * k * k], mean = new float[n * 3];
        float[] one = new float[3 * s * s];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, i * one.length, one, 0, one.length);
            float[] small = Resampler.resize(one, s, s, k, k);
            gather(small, k, k, 0, 0, k, i, oklab, mean);
        }
        return new ColourSignatures(n, k, oklab, mean);
    }

    /** The k×k block at (x0, y0) of 3×h×w planes → signature and mean of item {@code item}. */
    private static void gather(float[] planes, int w, int h, int x0, int y0, int k, int item, float[] oklab, float[] mean) {
        int plane = w * h, base = item * 3 * k * k;
        double sr = 0, sg = 0, sb = 0;
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++) {
                int p = (y0 + y) * w + x0 + x;
                float r = planes[p], g = planes[plane + p], b = planes[2 * plane + p];
                Oklab.fromSrgb(r, g, b, oklab, base + 3 * (y * k + x));
                sr += r;
                sg += g;
                sb += b;
            }
        mean[3 * item] = (float) (sr / (k * k));
        mean[3 * item + 1] = (float) (sg / (k * k));
        mean[3 * item + 2] = (float) (sb / (k * k));
    }
}
