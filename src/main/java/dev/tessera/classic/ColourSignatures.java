package dev.tessera.classic;

import dev.tessera.image.Resampler;
import dev.tessera.ops.NearestSearch;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.util.stream.IntStream;

/**
 * What classic matching compares: each cell (and each template) as k×k sub-cell mean colours,
 * averaged over exact areas in sRGB (as the eye and the quality measure average a mosaic seen from
 * afar), six numbers per sub-cell: Oklab L, a·{@value #CHROMA_WEIGHT}, b·{@value #CHROMA_WEIGHT}, and
 * sRGB/255·{@value #RGB_WEIGHT}. Squared Euclidean distance between signatures is the match cost.
 *
 * <p>The weights were settled by measurement against metapixel (bench/RESULTS.md, "classic
 * signature"): plain Oklab matched structure but lost colour fidelity (CIEDE2000) and PSNR;
 * CIELAB won CIEDE2000 and lost 0.6 dB; weighting Oklab's chroma up (×1.5, toward CIEDE2000's
 * balance) and adding half-weight sRGB (what PSNR measures) beat metapixel on all three figures
 * on all three test photos. Also each cell's mean sRGB colour, for tinting.
 */
final class ColourSignatures {
    /** Tile size templates are analysed at: sub-cells of up to 16 per side get 2×2 pixels or more. */
    static final int TEMPLATE_ANALYSIS_SIZE = 32;
    static final float CHROMA_WEIGHT = 1.5f;
    static final float RGB_WEIGHT = 0.5f;
    /** Numbers per sub-cell; lightness (Oklab L) comes first. */
    static final int PER_SUBCELL = 6;

    final int count;
    final int subcells;
    final float[] features;  // count × k² × PER_SUBCELL
    final float[] meanRgb;   // count × 3, sRGB 0..255

    private ColourSignatures(int count, int subcells, float[] features, float[] meanRgb) {
        this.count = count;
        this.subcells = subcells;
        this.features = features;
        this.meanRgb = meanRgb;
    }

    int dims() {
        return PER_SUBCELL * subcells * subcells;
    }

    /** Squared Euclidean distance, in double, between item i's signature here and item j's in {@code other}. */
    double squaredDistance(int i, ColourSignatures other, int j) {
        return NearestSearch.squaredDistance(features, i, other.features, j, dims());
    }

    /**
     * The cells of {@code grid} in {@code image} (transparency composited on white), tone-mapped
     * into the range of {@code toneTo} first when it is not null; {@code toneUsed}[0] receives the map.
     */
    static ColourSignatures ofCells(BufferedImage image, CellGrid grid, int k, ColourSignatures toneTo, ToneMap[] toneUsed) {
        int w = grid.columns() * k, h = grid.rows() * k;
        float[] planes = Resampler.resize(image, grid.region(), 0xffffff, w, h);
        if (toneTo != null) {
            ToneMap tone = ToneMap.between(planes, toneTo);
            tone.apply(planes);
            toneUsed[0] = tone;
        }
        float[] features = new float[grid.cells() * PER_SUBCELL * k * k], mean = new float[grid.cells() * 3];
        // Rows of cells on all cores: three cube roots per sub-cell, a quarter million for a 512² picture.
        IntStream.range(0, grid.rows()).parallel().forEach(r -> {
            for (int c = 0; c < grid.columns(); c++) gather(planes, w, h, c * k, r * k, k, r * grid.columns() + c, features, mean);
        });
        return new ColourSignatures(grid.cells(), k, features, mean);
    }

    static ColourSignatures ofTemplates(TemplateSet set, int k) {
        int s = analysisSize(set, k), n = set.count();
        float[] all = set.planes(s);
        float[] features = new float[n * PER_SUBCELL * k * k], mean = new float[n * 3];
        int tile = 3 * s * s;
        // Thousands of independent templates: worth both cores (it is on the start-up path of every run).
        IntStream.range(0, n).parallel().forEach(i -> {
            float[] one = java.util.Arrays.copyOfRange(all, i * tile, (i + 1) * tile);
            gather(s == k ? one : Resampler.resize(one, s, s, k, k), k, k, 0, 0, k, i, features, mean);
        });
        return new ColourSignatures(n, k, features, mean);
    }

    /**
     * The tile size templates are analysed at: {@value #TEMPLATE_ANALYSIS_SIZE}, or k itself when
     * the set is of pictures and has k prepared. Picture tiles are area-averaged from their source
     * at every size, and area-averaging a 32-px tile down to k px (k dividing 32) covers exactly the
     * source areas a k-px tile averages: the same numbers up to the 8-bit rounding of the stored
     * tiles, for a quarter of the work at k = 16 (on the start-up path of every run). Glyphs are
     * drawn at each size, not shrunk, so they keep the 32-px analysis.
     */
    static int analysisSize(TemplateSet set, int k) {
        return !set.isGlyphSet() && TEMPLATE_ANALYSIS_SIZE % k == 0 && set.preparedSizes().contains(k) ? k : TEMPLATE_ANALYSIS_SIZE;
    }

    /** The k×k block at (x0, y0) of 3×h×w planes → signature and mean of item {@code item}. */
    private static void gather(float[] planes, int w, int h, int x0, int y0, int k, int item, float[] features, float[] mean) {
        int plane = w * h, base = item * PER_SUBCELL * k * k;
        double sr = 0, sg = 0, sb = 0;
        for (int y = 0; y < k; y++)
            for (int x = 0; x < k; x++) {
                int p = (y0 + y) * w + x0 + x, o = base + PER_SUBCELL * (y * k + x);
                float r = planes[p], g = planes[plane + p], b = planes[2 * plane + p];
                Oklab.fromSrgb(r, g, b, features, o);
                features[o + 1] *= CHROMA_WEIGHT;
                features[o + 2] *= CHROMA_WEIGHT;
                features[o + 3] = RGB_WEIGHT * r / 255f;
                features[o + 4] = RGB_WEIGHT * g / 255f;
                features[o + 5] = RGB_WEIGHT * b / 255f;
                sr += r;
                sg += g;
                sb += b;
            }
        mean[3 * item] = (float) (sr / (k * k));
        mean[3 * item + 1] = (float) (sg / (k * k));
        mean[3 * item + 2] = (float) (sb / (k * k));
    }
}
