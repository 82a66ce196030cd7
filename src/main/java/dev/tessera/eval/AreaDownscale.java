package dev.tessera.eval;

import java.awt.image.BufferedImage;

/**
 * Area (box-filter) downscaling with exact fractional coverage: each output pixel is the average of
 * the source area it covers, source pixels cut by its border counting with the covered fraction.
 * This is how a picture looks from further away, and it is linear, so downscaling two images the
 * same way never creates a difference that was not there.
 *
 * <p>Coverage is computed in integers: along an axis of m source pixels mapped onto n, output pixel
 * i spans [i·m, (i+1)·m) and source pixel j spans [j·n, (j+1)·n) in units of 1/n source pixel, so
 * the weights are exact overlaps of integer intervals, and every output pixel's weights sum to m.
 */
public final class AreaDownscale {
    private AreaDownscale() {}

    /** Reads one source row into three channel rows of the source width. */
    private interface RowSource {
        void read(int y, double[] r, double[] g, double[] b);
    }

    /** {@code img} averaged down to width×height (no larger than the image in either axis). */
    public static RgbImage to(RgbImage img, int width, int height) {
        int w = img.width(), h = img.height(), n = w * h;
        double[] planes = img.planes();
        return resample(w, h, width, height, (y, r, g, b) -> {
            System.arraycopy(planes, y * w, r, 0, w);
            System.arraycopy(planes, n + y * w, g, 0, w);
            System.arraycopy(planes, 2 * n + y * w, b, 0, w);
        });
    }

    /**
     * A decoded image averaged down to width×height, read a row at a time, so that a print-size
     * mosaic never needs a full-resolution copy in doubles.
     */
    public static RgbImage to(BufferedImage img, int width, int height) {
        int w = img.getWidth();
        int[] argb = new int[w];
        return resample(w, img.getHeight(), width, height, (y, r, g, b) -> {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                r[x] = (p >> 16) & 0xff;
                g[x] = (p >> 8) & 0xff;
                b[x] = p & 0xff;
            }
        });
    }

    /**
     * The size of the ½ or ¼ view of a width×height image: each side divided by the factor and
     * rounded half up, at least 1 (odd sides give a factor a little off 2 or 4, covered exactly).
     */
    public static int scaledSide(int side, int factor) {
        if (side < 1 || factor < 1) throw new IllegalArgumentException("side and factor must be positive, got " + side + ", " + factor);
        return Math.max(1, (side + factor / 2) / factor);
    }

    private static RgbImage resample(int srcW, int srcH, int dstW, int dstH, RowSource source) {
        if (dstW < 1 || dstH < 1) throw new IllegalArgumentException("target size must be positive, got " + dstW + "x" + dstH);
        if (dstW > srcW || dstH > srcH)
            throw new IllegalArgumentException("cannot area-downscale " + srcW + "x" + srcH + " to the larger " + dstW + "x" + dstH);
        Coverage cols = new Coverage(srcW, dstW);
        Coverage rows = new Coverage(srcH, dstH);
        int n = dstW * dstH;
        double[] out = new double[3 * n];
        double[] r = new double[srcW], g = new double[srcW], b = new double[srcW];
        double[][] reduced = new double[3][dstW];
        double norm = (double) srcW * srcH;
        for (int oy = 0; oy < dstH; oy++) {
            for (int sy = rows.first(oy); sy <= rows.last(oy); sy++) {
                source.read(sy, r, g, b);
                cols.reduce(r, reduced[0]);
                cols.reduce(g, reduced[1]);
                cols.reduce(b, reduced[2]);
                long wy = rows.overlap(oy, sy);
                for (int c = 0; c < 3; c++)
                    for (int ox = 0; ox < dstW; ox++) out[c * n + oy * dstW + ox] += wy * reduced[c][ox];
            }
        }
        // Weights along each axis sum to the source side, so the full 2-D weight sums to srcW·srcH;
        // the clamp takes off the last-bit overshoot rounding can leave above 255.
        for (int i = 0; i < out.length; i++) out[i] = Math.min(255, out[i] / norm);
        return RgbImage.wrap(dstW, dstH, out);
    }

    /** Which source pixels an output pixel covers along one axis, and by how much (units of 1/n). */
    private static final class Coverage {
        private final long m;
        private final long n;

        Coverage(int source, int target) {
            this.m = source;
            this.n = target;
        }

        int first(int i) {
            return (int) (i * m / n);
        }

        int last(int i) {
            return (int) (((i + 1) * m - 1) / n);
        }

        long overlap(int i, int j) {
            long lo = Math.max(i * m, j * n), hi = Math.min((i + 1) * m, (j + 1) * n);
            return hi - lo;
        }

        /** out[i] = Σ_j overlap(i, j)·row[j], not yet divided by m. */
        void reduce(double[] row, double[] out) {
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int j = first(i); j <= last(i); j++) sum += overlap(i, j) * row[j];
                out[i] = sum;
            }
        }
    }
}
