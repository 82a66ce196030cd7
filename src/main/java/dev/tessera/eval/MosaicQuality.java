package dev.tessera.eval;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Judges a mosaic the way it is seen (DESIGN §6): the mosaic is area-downscaled to the input's size,
 * then the input and that view are each area-downscaled to ½ and ¼ in exactly the same way, and the
 * three figures are measured at every scale. Each smaller view is taken directly from the
 * input-sized pair, not cascaded, so each is one box filter.
 */
public final class MosaicQuality {
    private MosaicQuality() {}

    /**
     * The report for a mosaic of its input. The mosaic may be any size at least the input's with the
     * same aspect ratio to within one mosaic pixel; otherwise {@link IllegalArgumentException}
     * saying what is wrong.
     */
    public static QualityReport measure(BufferedImage input, BufferedImage mosaic) {
        requireComparable(input.getWidth(), input.getHeight(), mosaic.getWidth(), mosaic.getHeight());
        RgbImage in = RgbImage.of(input);
        RgbImage seen = AreaDownscale.to(mosaic, in.width(), in.height());
        return measure(in, seen);
    }

    /** The report for an input and a mosaic already brought to the input's size. */
    public static QualityReport measure(RgbImage input, RgbImage mosaic) {
        Metrics.requireSameSize(input, mosaic);
        return new QualityReport(ScaleFigures.measure(1, input, mosaic), atFactor(2, input, mosaic),
                atFactor(4, input, mosaic), null);
    }

    /**
     * Checks that a mosaic of mosaicW×mosaicH can be seen at the input's size: no smaller, and its
     * height within one pixel of the input's aspect ratio at its width, or its width within one
     * pixel at its height.
     */
    public static void requireComparable(int inputW, int inputH, int mosaicW, int mosaicH) {
        if (mosaicW < inputW || mosaicH < inputH)
            throw new IllegalArgumentException("mosaic " + mosaicW + "x" + mosaicH + " is smaller than the input "
                    + inputW + "x" + inputH + "; it is judged at the input's size, so render it at least that large");
        // |H − W·h/w| ≤ 1 or |W − H·w/h| ≤ 1, in integers: |H·w − W·h| ≤ max(w, h).
        long skew = Math.abs((long) mosaicH * inputW - (long) mosaicW * inputH);
        if (skew > Math.max(inputW, inputH))
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "mosaic %dx%d does not have the input's aspect ratio (%dx%d): at width %d the height would be %.1f",
                    mosaicW, mosaicH, inputW, inputH, mosaicW, (double) mosaicW * inputH / inputW));
    }

    private static ScaleFigures atFactor(int factor, RgbImage input, RgbImage mosaic) {
        int w = AreaDownscale.scaledSide(input.width(), factor), h = AreaDownscale.scaledSide(input.height(), factor);
        return ScaleFigures.measure(factor, AreaDownscale.to(input, w, h), AreaDownscale.to(mosaic, w, h));
    }
}
