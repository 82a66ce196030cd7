package dev.tessera.train;

import dev.tessera.eval.CieLab;
import dev.tessera.eval.Ciede2000;
import dev.tessera.eval.Luma;
import dev.tessera.eval.Ssim;
import dev.tessera.model.SeenLossConfig;
import java.util.Arrays;

/**
 * The {@link dev.tessera.model.SeenLoss} of hard mosaics (one template pasted per cell), in plain
 * Java and incrementally: what {@link LocalSearch} needs to try thousands of single-cell changes.
 *
 * <p>Because each area factor divides the cell, a cell's pixels at every level are its template's
 * own area averages, so the colour terms are sums over cells: the term of every (cell, template)
 * pair is computed once. Only SSIM couples cells (its 11×11 windows reach 5 pixels into the
 * neighbours at every level); a change is scored by recomputing the SSIM map over the window
 * positions the cell touches. Computes what {@code SeenLoss.loss} computes on the pasted mosaic, in
 * double (a test holds the two together).
 */
final class SeenObjective {
    private static final int WINDOW = Ssim.WINDOW;
    private static final double CBRT_EPS = 1e-6, CBRT_SHIFT = Math.cbrt(CBRT_EPS);

    private final SeenLossConfig config;
    private final int rows, columns, n;
    /** Per factor: the level's side lengths and the cell's side at that level. */
    private final int[] levelW, levelH, cellSide;
    /** Per factor: colour term of (template k, cell c) at [k * cells + c], already divided by the level's count. */
    private final double[][] colour;
    /** Per factor: template luma at the level, N × side². */
    private final double[][] templateLuma;
    /** Per factor: the target's luma, its windowed mean and second moment (valid map). */
    private final double[][] targetLuma, targetMean, targetSquare;
    /** Per factor: the target's and the templates' pixels at the level, planar (for the DESIGN §6 figures of a cell). */
    private final float[][] targetLevel, templateLevel;
    /** Per factor: CIELAB of the target's pixels at the level, interleaved. */
    private final double[][] targetCieLab;
    /** Per factor: the current mosaic's luma. */
    private final double[][] mosaicLuma;
    private final int[] choice;

    /**
     * @param target 3×(rows·s)×(columns·s) planes, RGB 0..255
     * @param templates N×3×s×s planes, RGB 0..255
     * @param start the first choice per cell, row-major
     */
    SeenObjective(float[] target, float[] templates, int n, int s, int rows, int columns, SeenLossConfig config, int[] start) {
        this.config = config;
        this.rows = rows;
        this.columns = columns;
        this.n = n;
        int levels = config.factors().size(), cells = rows * columns, w = columns * s, h = rows * s;
        if (target.length != 3 * w * h) throw new IllegalArgumentException("target has " + target.length + " values for " + w + "×" + h);
        if (templates.length != n * 3 * s * s) throw new IllegalArgumentException("templates have " + templates.length + " values");
        checkSize(config, w, h);
        levelW = new int[levels];
        levelH = new int[levels];
        cellSide = new int[levels];
        colour = new double[levels][];
        templateLuma = new double[levels][];
        targetLuma = new double[levels][];
        targetMean = new double[levels][];
        targetSquare = new double[levels][];
        mosaicLuma = new double[levels][];
        targetLevel = new float[levels][];
        templateLevel = new float[levels][];
        targetCieLab = new double[levels][];
        for (int l = 0; l < levels; l++) {
            int f = config.factors().get(l);
            if (s % f != 0)
                throw new IllegalArgumentException("seen loss: area factor " + f + " does not divide the " + s + "-px templates");
            int side = s / f, lw = w / f, lh = h / f;
            levelW[l] = lw;
            levelH[l] = lh;
            cellSide[l] = side;
            float[] t = area(target, w, h, f);
            float[] tiles = new float[n * 3 * side * side];
            for (int k = 0; k < n; k++)
                System.arraycopy(area(Arrays.copyOfRange(templates, k * 3 * s * s, (k + 1) * 3 * s * s), s, s, f), 0, tiles,
                        k * 3 * side * side, 3 * side * side);
            colour[l] = colourTerms(t, lw, lh, tiles, side, config.colourWeights().get(l));
            targetLevel[l] = t;
            templateLevel[l] = tiles;
            targetCieLab[l] = new double[3 * lw * lh];
            for (int i = 0; i < lw * lh; i++)
                System.arraycopy(CieLab.fromSrgb(t[i], t[lw * lh + i], t[2 * lw * lh + i]), 0, targetCieLab[l], 3 * i, 3);
            templateLuma[l] = luma(tiles, side * side);
            targetLuma[l] = luma(t, lw * lh);
            if (ssimFits(l)) {
                double[] y = targetLuma[l], yy = new double[y.length];
                for (int i = 0; i < y.length; i++) yy[i] = y[i] * y[i];
                targetMean[l] = Ssim.windowMeans(y, lw, 0, lh - WINDOW, 0, lw - WINDOW, lw - WINDOW + 1);
                targetSquare[l] = Ssim.windowMeans(yy, lw, 0, lh - WINDOW, 0, lw - WINDOW, lw - WINDOW + 1);
            }
            mosaicLuma[l] = new double[lw * lh];
        }
        choice = new int[cells];
        for (int c = 0; c < cells; c++) place(c, start[c]);
    }

    int cells() {
        return choice.length;
    }

    int templates() {
        return n;
    }

    int choice(int cell) {
        return choice[cell];
    }

    int[] choice() {
        return choice.clone();
    }

    /** The colour part of (template k, cell c), summed over factors and divided by their number: how classic-like ranking sees it. */
    double colour(int cell, int k) {
        double sum = 0;
        for (double[] level : colour) sum += level[k * choice.length + cell];
        return sum / colour.length;
    }

    /** The loss of the current choice, computed from scratch. */
    double total() {
        double sum = 0;
        for (int l = 0; l < colour.length; l++) {
            for (int c = 0; c < choice.length; c++) sum += colour[l][choice[c] * choice.length + c];
            if (config.ssimWeight() > 0 && ssimFits(l)) {
                int hv = levelH[l] - WINDOW + 1, wv = levelW[l] - WINDOW + 1;
                sum += config.ssimWeight() * (1 - ssimSum(l, 0, hv - 1, 0, wv - 1) / ((double) hv * wv));
            }
        }
        return sum / colour.length;
    }

    /** The change of {@link #total} if cell {@code c} took template {@code k}; the choice is left as it was. */
    double delta(int c, int k) {
        return delta(c, k, null);
    }

    /**
     * The change of {@link #total} if cell {@code c} took template {@code k}, and, when
     * {@code ssimChange} is given, the change of each level's mean SSIM written into it.
     */
    double delta(int c, int k, double[] ssimChange) {
        return delta(c, k, config.ssimWeight() > 0 || ssimChange != null ? ssimAround(c) : null, ssimChange);
    }

    /**
     * As {@link #delta(int, int, double[])}, given {@link #ssimNear} of the current choice (computed
     * once for all the templates a cell tries; null when neither the loss nor the caller needs SSIM).
     */
    double delta(int c, int k, double[] ssimBefore, double[] ssimChange) {
        int current = choice[c];
        if (ssimChange != null) Arrays.fill(ssimChange, 0);
        if (k == current) return 0;
        double d = 0;
        for (int l = 0; l < colour.length; l++) d += colour[l][k * choice.length + c] - colour[l][current * choice.length + c];
        if (ssimBefore != null) {
            double[] after = ssimAround(c, k);
            for (int l = 0; l < after.length; l++) {
                d -= config.ssimWeight() * (after[l] - ssimBefore[l]);
                if (ssimChange != null) ssimChange[l] = after[l] - ssimBefore[l];
            }
        }
        return d / colour.length;
    }

    /** Per level: the current SSIM map's sum over the window positions cell {@code c} reaches, over the map's size. */
    double[] ssimNear(int c) {
        return ssimAround(c);
    }

    /** How many cells away a cell's template can still change another cell's SSIM windows: ⌈10 / cell side⌉ at the finest level that has SSIM. */
    int reachInCells() {
        int reach = 0;
        for (int l = 0; l < colour.length; l++) reach = Math.max(reach, (WINDOW - 1 + cellSide[l] - 1) / cellSide[l]);
        return reach;
    }

    /** Marks cell {@code c} and every cell within {@code reach} cells of it (a square) in {@code marks}. */
    void markNeighbours(int c, int reach, boolean[] marks) {
        int r = c / columns, col = c % columns;
        for (int y = Math.max(0, r - reach); y <= Math.min(rows - 1, r + reach); y++)
            for (int x = Math.max(0, col - reach); x <= Math.min(columns - 1, col + reach); x++) marks[y * columns + x] = true;
    }

    double ssimWeight() {
        return config.ssimWeight();
    }

    /** Number of area factors. */
    int levels() {
        return colour.length;
    }

    /**
     * What cell {@code c} with template {@code k} adds to each level's DESIGN §6 colour figures:
     * [2l] to the mean squared RGB error (over all channels of the level's pixels), [2l + 1] to the
     * mean CIEDE2000. Both are sums over cells, so a mosaic's figures are sums of these.
     */
    double[] figures(int c, int k) {
        double[] out = new double[2 * colour.length];
        for (int l = 0; l < colour.length; l++) levelFigures(l, c, k, out, true);
        return out;
    }

    /** What cell {@code c} with template {@code k} adds to the full-size mean squared RGB error: {@code figures(c, k)[0]}, without CIEDE2000's work. */
    double fullSquaredError(int c, int k) {
        double[] out = new double[2];
        levelFigures(0, c, k, out, false);
        return out[0];
    }

    /** Level {@code l}'s two figures of cell c with template k into out[2l], out[2l + 1] (the latter only {@code withColourDifference}). */
    private void levelFigures(int l, int c, int k, double[] out, boolean withColourDifference) {
        int r = c / columns, col = c % columns;
        int side = cellSide[l], lw = levelW[l], plane = lw * levelH[l], area = side * side;
        float[] t = targetLevel[l], tiles = templateLevel[l];
        double sse = 0, de = 0;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                int p = (r * side + y) * lw + col * side + x, q = y * side + x;
                double rr = tiles[(k * 3) * area + q], gg = tiles[(k * 3 + 1) * area + q], bb = tiles[(k * 3 + 2) * area + q];
                double dr = rr - t[p], dg = gg - t[plane + p], db = bb - t[2 * plane + p];
                sse += dr * dr + dg * dg + db * db;
                if (!withColourDifference) continue;
                double[] lab = CieLab.fromSrgb(rr, gg, bb);
                de += Ciede2000.difference(lab[0], lab[1], lab[2], targetCieLab[l][3 * p], targetCieLab[l][3 * p + 1],
                        targetCieLab[l][3 * p + 2]);
            }
        out[2 * l] = sse / (3.0 * plane);
        out[2 * l + 1] = de / plane;
    }

    /** Each level's mean SSIM of the current mosaic, from scratch (NaN where the window does not fit). */
    double[] ssimMeans() {
        double[] out = new double[colour.length];
        for (int l = 0; l < colour.length; l++) {
            if (!ssimFits(l)) {
                out[l] = Double.NaN;
                continue;
            }
            int hv = levelH[l] - WINDOW + 1, wv = levelW[l] - WINDOW + 1;
            out[l] = ssimSum(l, 0, hv - 1, 0, wv - 1) / ((double) hv * wv);
        }
        return out;
    }

    /** Cell {@code c} takes template {@code k}. */
    void set(int c, int k) {
        place(c, k);
    }

    /** Per factor: (SSIM map sum over the window positions cell c reaches) / the map's size. */
    private double[] ssimAround(int c) {
        return ssimAround(c, choice[c]);
    }

    /**
     * As {@link #ssimAround(int)} with template {@code k} in cell {@code c}; reads the mosaic and
     * writes nothing shared, so the templates a cell tries can be scored side by side.
     */
    private double[] ssimAround(int c, int k) {
        int r = c / columns, col = c % columns;
        double[] out = new double[colour.length];
        for (int l = 0; l < colour.length; l++) {
            if (!ssimFits(l)) continue;
            int side = cellSide[l], hv = levelH[l] - WINDOW + 1, wv = levelW[l] - WINDOW + 1;
            int u0 = Math.max(0, r * side - WINDOW + 1), u1 = Math.min(hv - 1, r * side + side - 1);
            int v0 = Math.max(0, col * side - WINDOW + 1), v1 = Math.min(wv - 1, col * side + side - 1);
            out[l] = ssimSum(l, u0, u1, v0, v1, r * side, col * side, k) / ((double) hv * wv);
        }
        return out;
    }

    /** Σ of the SSIM map over valid positions [u0, u1] × [v0, v1] of level l. */
    private double ssimSum(int l, int u0, int u1, int v0, int v1) {
        return ssimSum(l, u0, u1, v0, v1, -1, -1, -1);
    }

    /**
     * As {@link #ssimSum(int, int, int, int, int)} with template {@code k}'s luma in the cell whose
     * block at level l starts at row y0, column x0 (k < 0: the mosaic as it is).
     */
    private double ssimSum(int l, int u0, int u1, int v0, int v1, int y0, int x0, int k) {
        int lw = levelW[l], wv = lw - WINDOW + 1, pw = v1 - v0 + 1, side = cellSide[l];
        double[] tile = templateLuma[l];
        double[] x = mosaicLuma[l], y = targetLuma[l];
        int ph = u1 - u0 + WINDOW, cols = v1 - v0 + WINDOW;
        double[] xx = new double[ph * cols], xy = new double[ph * cols], xs = new double[ph * cols];
        for (int i = 0; i < ph; i++)
            for (int j = 0; j < cols; j++) {
                int p = (u0 + i) * lw + v0 + j, dy = u0 + i - y0, dx = v0 + j - x0;
                double a = k >= 0 && dy >= 0 && dy < side && dx >= 0 && dx < side ? tile[(k * side + dy) * side + dx] : x[p];
                xs[i * cols + j] = a;
                xx[i * cols + j] = a * a;
                xy[i * cols + j] = a * y[p];
            }
        double[] mx = Ssim.windowMeans(xs, cols, 0, u1 - u0, 0, pw - 1, pw), mxx = Ssim.windowMeans(xx, cols, 0, u1 - u0, 0, pw - 1, pw);
        double[] mxy = Ssim.windowMeans(xy, cols, 0, u1 - u0, 0, pw - 1, pw);
        double[] my = targetMean[l], myy = targetSquare[l];
        double sum = 0;
        for (int i = 0; i <= u1 - u0; i++)
            for (int j = 0; j < pw; j++) {
                int q = i * pw + j, t = (u0 + i) * wv + v0 + j;
                sum += Ssim.local(mx[q], my[t], mxx[q], myy[t], mxy[q]);
            }
        return sum;
    }

    private boolean ssimFits(int l) {
        return levelW[l] >= WINDOW && levelH[l] >= WINDOW;
    }

    /** Checks that SSIM's window fits every level when the structure term is on. */
    static void checkSize(SeenLossConfig config, int width, int height) {
        if (config.ssimWeight() == 0) return;
        for (int f : config.factors())
            if (width / f < WINDOW || height / f < WINDOW)
                throw new IllegalArgumentException("image " + width + "×" + height + " is " + width / f + "×" + height / f
                        + " at area factor " + f + ", smaller than the 11×11 SSIM window: use a larger image or smaller factors");
    }

    private void place(int c, int k) {
        choice[c] = k;
        int r = c / columns, col = c % columns;
        for (int l = 0; l < colour.length; l++) {
            int side = cellSide[l], lw = levelW[l];
            double[] lum = templateLuma[l], out = mosaicLuma[l];
            for (int y = 0; y < side; y++)
                System.arraycopy(lum, k * side * side + y * side, out, (r * side + y) * lw + col * side, side);
        }
    }

    /** Per (template, cell): Σ over the cell's level pixels of the colour difference, divided by 3·(level pixels). */
    private double[] colourTerms(float[] target, int lw, int lh, float[] tiles, int side, double weight) {
        int cells = rows * columns, area = side * side, plane = lw * lh;
        double[] targetLab = oklab(target, plane), tileLab = oklab(tiles, area);
        double cw = config.chromaWeight() * config.chromaWeight(), rgb = config.rgbWeight() / (255.0 * 255.0);
        double norm = 3.0 * plane;
        double[] out = new double[n * cells];
        java.util.stream.IntStream.range(0, n).parallel().forEach(k -> {
            for (int c = 0; c < cells; c++) {
                int r = c / columns, col = c % columns;
                double sum = 0;
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++) {
                        int p = (r * side + y) * lw + col * side + x, q = k * area + y * side + x;
                        double dl = tileLab[3 * q] - targetLab[3 * p], da = tileLab[3 * q + 1] - targetLab[3 * p + 1],
                                db = tileLab[3 * q + 2] - targetLab[3 * p + 2];
                        sum += dl * dl + cw * (da * da + db * db);
                        for (int ch = 0; ch < 3; ch++) {
                            double d = tiles[(k * 3 + ch) * area + y * side + x] - target[ch * plane + p];
                            sum += rgb * d * d;
                        }
                    }
                out[k * cells + c] = weight * sum / norm;
            }
        });
        return out;
    }

    /**
     * Oklab of planar images ({@code imagePixels} values per plane, images one after another as 3
     * planes each), interleaved L, a, b per pixel; with the shifted cube root of {@code model.Oklab},
     * so the two agree.
     */
    private static double[] oklab(float[] planes, int imagePixels) {
        int pixels = planes.length / 3;
        double[] out = new double[3 * pixels];
        for (int i = 0; i < pixels; i++) {
            int base = i / imagePixels * 3 * imagePixels + i % imagePixels;
            double r = lin(planes[base]), g = lin(planes[base + imagePixels]), b = lin(planes[base + 2 * imagePixels]);
            double lc = root(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
            double mc = root(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
            double sc = root(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
            out[3 * i] = 0.2104542553 * lc + 0.7936177850 * mc - 0.0040720468 * sc;
            out[3 * i + 1] = 1.9779984951 * lc - 2.4285922050 * mc + 0.4505937099 * sc;
            out[3 * i + 2] = 0.0259040371 * lc + 0.7827717662 * mc - 0.8086757660 * sc;
        }
        return out;
    }

    private static double lin(double v) {
        double c = v / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((Math.max(c, 0.04045) + 0.055) / 1.055, 2.4);
    }

    private static double root(double x) {
        return Math.signum(x) * (Math.cbrt(Math.abs(x) + CBRT_EPS) - CBRT_SHIFT);
    }

    /** BT.601 luma of planar images ({@code imagePixels} values per plane, 3 planes per image). */
    private static double[] luma(float[] planes, int imagePixels) {
        int pixels = planes.length / 3;
        double[] out = new double[pixels];
        for (int i = 0; i < pixels; i++) {
            int base = i / imagePixels * 3 * imagePixels + i % imagePixels;
            out[i] = Luma.R * planes[base] + Luma.G * planes[base + imagePixels] + Luma.B * planes[base + 2 * imagePixels];
        }
        return out;
    }

    /** Area average by f×f blocks of planar 3×h×w (or N×3×h×w) values. */
    private static float[] area(float[] planes, int w, int h, int f) {
        if (f == 1) return planes.clone();
        int images = planes.length / (w * h), ow = w / f, oh = h / f;
        float[] out = new float[images * ow * oh];
        double inv = 1.0 / (f * f);
        for (int i = 0; i < images; i++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    double s = 0;
                    for (int dy = 0; dy < f; dy++)
                        for (int dx = 0; dx < f; dx++) s += planes[i * w * h + (y * f + dy) * w + x * f + dx];
                    out[i * ow * oh + y * ow + x] = (float) (s * inv);
                }
        return out;
    }
}
