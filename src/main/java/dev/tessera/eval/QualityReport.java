package dev.tessera.eval;

import java.util.List;
import java.util.Locale;

/**
 * What a mosaic looks like against its input at the three viewing scales of DESIGN §6, and, when
 * known, how many distinct templates it uses (a mosaic can win the figures with few templates).
 *
 * @param full              at the input's size
 * @param half              at ½ of it
 * @param quarter           at ¼ of it
 * @param distinctTemplates templates used at least once, or null when only pixels were given
 */
public record QualityReport(ScaleFigures full, ScaleFigures half, ScaleFigures quarter, Integer distinctTemplates) {
    /** The same figures with the count of distinct templates added. */
    public QualityReport withDistinctTemplates(int count) {
        return new QualityReport(full, half, quarter, count);
    }

    /**
     * Whether no figure at any scale is worse than {@code other}'s: PSNR and SSIM at least, CIEDE2000
     * at most (an SSIM that neither has, the picture being smaller than its window, counts as equal).
     */
    public boolean nowhereWorseThan(QualityReport other) {
        for (int i = 0; i < 3; i++) {
            ScaleFigures a = scales().get(i), b = other.scales().get(i);
            boolean ssim = Double.isNaN(a.ssim()) && Double.isNaN(b.ssim()) || a.ssim() >= b.ssim();
            if (!(a.psnr() >= b.psnr()) || !ssim || !(a.deltaE00() <= b.deltaE00())) return false;
        }
        return true;
    }

    /** Full, ½, ¼, in that order. */
    public List<ScaleFigures> scales() {
        return List.of(full, half, quarter);
    }

    /**
     * An aligned table for people. PSNR prints as "inf" for identical images, SSIM as "n/a" where
     * the images are smaller than its window.
     */
    public String toTable() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-6s %-11s %9s %7s %9s%n",
                "scale", "size", "PSNR dB", "SSIM", "CIEDE2000"));
        for (ScaleFigures f : scales())
            s.append(String.format(Locale.ROOT, "%-6s %-11s %9s %7s %9.3f%n",
                    f.factor() == 1 ? "1" : "1/" + f.factor(), f.width() + "x" + f.height(),
                    Double.isInfinite(f.psnr()) ? "inf" : String.format(Locale.ROOT, "%.2f", f.psnr()),
                    Double.isNaN(f.ssim()) ? "n/a" : String.format(Locale.ROOT, "%.4f", f.ssim()),
                    f.deltaE00()));
        if (distinctTemplates != null) s.append("distinct templates used: ").append(distinctTemplates).append(System.lineSeparator());
        return s.toString();
    }

    /**
     * A JSON object for machines, numbers at full precision. JSON has no infinity or NaN: a PSNR of
     * null means the images are identical, an SSIM of null that they are smaller than its window.
     */
    public String toJson() {
        StringBuilder s = new StringBuilder("{\"scales\": [");
        for (ScaleFigures f : scales()) {
            if (f != full) s.append(", ");
            s.append("{\"factor\": ").append(f.factor())
                    .append(", \"width\": ").append(f.width())
                    .append(", \"height\": ").append(f.height())
                    .append(", \"psnr\": ").append(number(f.psnr()))
                    .append(", \"ssim\": ").append(number(f.ssim()))
                    .append(", \"ciede2000\": ").append(number(f.deltaE00()))
                    .append('}');
        }
        return s.append("], \"distinctTemplates\": ").append(distinctTemplates).append('}').toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
