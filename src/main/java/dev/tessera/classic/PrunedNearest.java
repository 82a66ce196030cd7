package dev.tessera.classic;

import dev.tessera.ops.NearestSearch;
import java.util.stream.IntStream;

/**
 * The exact nearest template of every cell, found without computing most full distances.
 *
 * <p>Pooling a signature's k×k sub-cells into 4×4 blocks (each block mean times the pooling factor
 * f = k/4) gives a vector whose squared distance is a lower bound of the full one: within a block
 * of f² sub-cells, Σ(x_i − y_i)² ≥ f²·(x̄ − ȳ)² (the mean of squares is at least the square of the
 * mean). So the coarse distances (96 numbers a signature instead of 1,536 at k = 16, one
 * sixteenth of the arithmetic, in libtessera's blocked search) rank the templates, and only those
 * whose bound is below the best full distance found so far can be nearer: measured on the metapixel
 * benchmark's photos and tiles (1,024 cells × 1,700 templates, k = 16), 3.7 candidates per cell on
 * average, 28 at most, instead of 1,700.
 *
 * <p>Full distances are summed directly in double, so the result is the exact nearest (ties to the
 * lower index) and its squared distance; a bound counts as below when it is within the float
 * rounding of the coarse search ({@link #MARGIN} of the norms) of the best, so rounding never
 * prunes the true nearest.
 */
final class PrunedNearest {
    private PrunedNearest() {}

    /** Blocks per side of the coarse signature. */
    static final int BLOCKS = 4;
    /** Relative rounding allowance of the coarse distances (|q|² + |r|² − 2q·r in float, ~100 terms). */
    static final double MARGIN = 1e-5;
    /** Cells per coarse pass: bounds the cells × templates matrix (1,024 × 10,000 floats is 40 MB). */
    private static final int CHUNK = 1024;

    /** Whether k×k signatures pool into 4×4 blocks with something to gain (k = 8, 12, 16, ...). */
    static boolean applies(int subcells) {
        return subcells >= 2 * BLOCKS && subcells % BLOCKS == 0;
    }

    /** Nearest template of each cell: indices and squared distances; k must satisfy {@link #applies}. */
    static NearestSearch.Neighbours search(ColourSignatures cells, ColourSignatures templates) {
        int k = cells.subcells;
        if (!applies(k) || templates.subcells != k)
            throw new IllegalArgumentException("pruned search needs equal sub-cell counts divisible into 4x4 blocks, got " + k
                    + " and " + templates.subcells);
        int m = cells.count, n = templates.count;
        float[] coarseT = coarse(templates), coarseC = coarse(cells);
        int cd = coarseT.length / n;
        double[] normT = norms(coarseT, cd);
        int[] index = new int[m];
        float[] distance = new float[m];
        for (int c0 = 0; c0 < m; c0 += CHUNK) {
            int count = Math.min(CHUNK, m - c0), first = c0;
            float[] queries = java.util.Arrays.copyOfRange(coarseC, c0 * cd, (c0 + count) * cd);
            float[] bounds = NearestSearch.distances(queries, coarseT, cd);
            double[] normC = norms(queries, cd);
            IntStream.range(0, count).parallel().forEach(q -> {
                int cell = first + q, row = q * n;
                int start = 0;
                for (int t = 1; t < n; t++) if (bounds[row + t] < bounds[row + start]) start = t;
                int best = start;
                double bestDistance = cells.squaredDistance(cell, templates, start);
                for (int t = 0; t < n; t++) {
                    if (t == start || bounds[row + t] - MARGIN * (normC[q] + normT[t]) > bestDistance) continue;
                    double s = cells.squaredDistance(cell, templates, t);
                    if (s < bestDistance || (s == bestDistance && t < best)) {
                        bestDistance = s;
                        best = t;
                    }
                }
                index[cell] = best;
                distance[cell] = (float) bestDistance;
            });
        }
        return new NearestSearch.Neighbours(m, 1, index, distance);
    }

    /** Signatures pooled to 4×4 blocks, each block's mean times the pooling factor. */
    static float[] coarse(ColourSignatures s) {
        int k = s.subcells, f = k / BLOCKS, per = ColourSignatures.PER_SUBCELL, d = s.dims();
        int cd = BLOCKS * BLOCKS * per;
        float[] out = new float[s.count * cd];
        IntStream.range(0, s.count).parallel().forEach(i -> {
            for (int by = 0; by < BLOCKS; by++)
                for (int bx = 0; bx < BLOCKS; bx++)
                    for (int ch = 0; ch < per; ch++) {
                        double sum = 0;
                        for (int y = by * f; y < (by + 1) * f; y++)
                            for (int x = bx * f; x < (bx + 1) * f; x++) sum += s.features[i * d + (y * k + x) * per + ch];
                        out[i * cd + (by * BLOCKS + bx) * per + ch] = (float) (sum / f);  // f · mean = sum / f
                    }
        });
        return out;
    }

    private static double[] norms(float[] v, int d) {
        double[] out = new double[v.length / d];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int x = 0; x < d; x++) s += (double) v[i * d + x] * v[i * d + x];
            out[i] = s;
        }
        return out;
    }
}
