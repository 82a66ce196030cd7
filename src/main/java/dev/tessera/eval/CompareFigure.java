package dev.tessera.eval;

import java.util.Locale;

/**
 * The three DESIGN §6 figures as columns of a comparison: which way is better, and how each is
 * shown. Comparisons use the shown (rounded) value, so the bold entry of a table is always one a
 * reader can see is best, and a difference below the shown precision is a tie, not a win.
 */
public enum CompareFigure {
    PSNR("PSNR", "dB", true, 2),
    SSIM("SSIM", "", true, 4),
    CIEDE2000("CIEDE2000", "", false, 3);

    private final String label;
    private final String unit;
    private final boolean higherIsBetter;
    private final int decimals;

    CompareFigure(String label, String unit, boolean higherIsBetter, int decimals) {
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.decimals = decimals;
    }

    public String label() {
        return label;
    }

    /** "dB" for PSNR, "" for the others. */
    public String unit() {
        return unit;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** This figure of one scale, unrounded. */
    public double of(ScaleFigures f) {
        return switch (this) {
            case PSNR -> f.psnr();
            case SSIM -> f.ssim();
            case CIEDE2000 -> f.deltaE00();
        };
    }

    /** As tables show it: "inf" for identical images' PSNR, "n/a" where SSIM is undefined. */
    public String format(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** The shown value as a number, for comparing; NaN stays NaN (it never wins). */
    double shown(double v) {
        if (!Double.isFinite(v)) return v;
        return Double.parseDouble(format(v));
    }

    /** Whether a is strictly better than b as shown; NaN is worse than anything. */
    boolean better(double a, double b) {
        double x = shown(a), y = shown(b);
        if (Double.isNaN(x)) return false;
        if (Double.isNaN(y)) return true;
        return higherIsBetter ? x > y : x < y;
    }
}
