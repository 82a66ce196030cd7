package dev.tessera.eval;

/** Checks shared by the metrics. */
final class Metrics {
    private Metrics() {}

    static void requireSameSize(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height())
            throw new IllegalArgumentException("images differ in size: " + a.width() + "x" + a.height()
                    + " and " + b.width() + "x" + b.height());
    }
}
