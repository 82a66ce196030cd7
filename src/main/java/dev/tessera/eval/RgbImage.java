package dev.tessera.eval;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * An RGB image as three planes of doubles, 0..255, row-major (R plane, then G, then B). Doubles,
 * because area downscaling produces fractional values and the metrics must not round them.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final double[] planes;

    private RgbImage(int width, int height, double[] planes) {
        this.width = width;
        this.height = height;
        this.planes = planes;
    }

    /** The pixels of a decoded image (alpha, if any, is ignored). */
    public static RgbImage of(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        double[] planes = new double[3 * n];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int i = y * w + x, p = row[x];
                planes[i] = (p >> 16) & 0xff;
                planes[n + i] = (p >> 8) & 0xff;
                planes[2 * n + i] = p & 0xff;
            }
        }
        return new RgbImage(w, h, planes);
    }

    /**
     * An image from planar values (3·width·height: all R, then all G, then all B), copied.
     * Values must be finite and within 0..255: the colour conversions are undefined outside.
     */
    public static RgbImage of(int width, int height, double[] rgbPlanes) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if (rgbPlanes.length != 3L * width * height)
            throw new IllegalArgumentException("expected 3*" + width + "*" + height + " values, got " + rgbPlanes.length);
        for (int i = 0; i < rgbPlanes.length; i++) {
            double v = rgbPlanes[i];
            if (!(v >= 0 && v <= 255)) throw new IllegalArgumentException("value " + v + " at index " + i + " is outside 0..255");
        }
        return new RgbImage(width, height, rgbPlanes.clone());
    }

    /** Wraps values the package computed itself and knows to be in range; no copy. */
    static RgbImage wrap(int width, int height, double[] rgbPlanes) {
        return new RgbImage(width, height, rgbPlanes);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Channel 0 (R), 1 (G) or 2 (B) at column x, row y. */
    public double get(int channel, int x, int y) {
        Objects.checkIndex(channel, 3);
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        return planes[(channel * height + y) * width + x];
    }

    /** The planes themselves, for the metrics in this package; callers must not write to them. */
    double[] planes() {
        return planes;
    }
}
