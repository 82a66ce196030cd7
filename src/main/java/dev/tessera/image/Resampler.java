package dev.tessera.image;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * Resizing that keeps colour true, on 3×H×W float planes (RGB 0..255). Shrinking averages exactly
 * the input area each output pixel covers, so a 4000-px photo becomes a 64-px tile without the
 * aliasing of nearest or bilinear sampling; enlarging (a 16-px sprite shown at 64 px) uses
 * Catmull-Rom. Each axis is filtered separately; images are read a row at a time, so a large
 * photo never exists as floats.
 */
public final class Resampler {
    private Resampler() {}

    /**
     * A region of an image, alpha composited over {@code background} (0xRRGGBB), resized to
     * outW×outH: 3×outH×outW float planes, 0..255 (enlargements may overshoot slightly; clamp when
     * rounding).
     */
    public static float[] resize(BufferedImage img, Rectangle region, int background, int outW, int outH) {
        if (region.isEmpty() || !new Rectangle(img.getWidth(), img.getHeight()).contains(region))
            throw new IllegalArgumentException("region " + region + " is not inside the " + img.getWidth() + "×"
                    + img.getHeight() + " image");
        checkSize(outW, outH);
        BufferedImage src = Images.srgb(img);
        int w = region.width, h = region.height;
        Taps across = Taps.between(w, outW);
        float[] rows = new float[3 * h * outW];
        int[] argb = new int[w];
        float[][] rgb = new float[3][w];
        float[] paper = {(background >> 16) & 0xff, (background >> 8) & 0xff, background & 0xff};
        for (int y = 0; y < h; y++) {
            src.getRGB(region.x, region.y + y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                // Compositing is linear, so compositing before averaging equals averaging the composite.
                float a = (p >>> 24) / 255f;
                rgb[0][x] = a * ((p >> 16) & 0xff) + (1 - a) * paper[0];
                rgb[1][x] = a * ((p >> 8) & 0xff) + (1 - a) * paper[1];
                rgb[2][x] = a * (p & 0xff) + (1 - a) * paper[2];
            }
            for (int c = 0; c < 3; c++) {
                if (outW == w) System.arraycopy(rgb[c], 0, rows, (c * h + y) * outW, w);  // same width: nothing to filter
                else across.apply(rgb[c], 0, 1, rows, (c * h + y) * outW, 1);
            }
        }
        return resizeColumns(rows, outW, h, outH);
    }

    /** 3×h×w planes resized to 3×outH×outW. */
    public static float[] resize(float[] planes, int w, int h, int outW, int outH) {
        if (w < 1 || h < 1 || planes.length != 3 * w * h)
            throw new IllegalArgumentException("expected 3×" + h + "×" + w + " planes, got " + planes.length + " values");
        checkSize(outW, outH);
        Taps across = Taps.between(w, outW);
        float[] rows = new float[3 * h * outW];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++) across.apply(planes, (c * h + y) * w, 1, rows, (c * h + y) * outW, 1);
        return resizeColumns(rows, outW, h, outH);
    }

    private static float[] resizeColumns(float[] rows, int w, int h, int outH) {
        if (outH == h) return rows;
        Taps down = Taps.between(h, outH);
        float[] out = new float[3 * outH * w];
        for (int c = 0; c < 3; c++)
            for (int x = 0; x < w; x++) down.apply(rows, c * h * w + x, w, out, c * outH * w + x, w);
        return out;
    }

    private static void checkSize(int outW, int outH) {
        if (outW < 1 || outH < 1) throw new IllegalArgumentException("output size must be positive, got " + outW + "×" + outH);
    }

    /** For each output sample along one axis: the input samples it reads and their weights. */
    private static final class Taps {
        /** Output j reads input[index[t]]·weight[t] for t in [start[j], start[j + 1]). */
        final int[] start;
        final int[] index;
        final float[] weight;

        private Taps(int[] start, int[] index, float[] weight) {
            this.start = start;
            this.index = index;
            this.weight = weight;
        }

        static Taps between(int in, int out) {
            return out <= in ? area(in, out) : catmullRom(in, out);
        }

        /** Output j covers input [j·in/out, (j+1)·in/out); each input sample weighs by its overlap. */
        private static Taps area(int in, int out) {
            double scale = (double) in / out;
            int capacity = out * ((int) Math.ceil(scale) + 2);
            int[] start = new int[out + 1], index = new int[capacity];
            float[] weight = new float[capacity];
            int k = 0;
            for (int j = 0; j < out; j++) {
                double from = j * scale, to = (j + 1) * scale;
                start[j] = k;
                for (int i = (int) Math.floor(from), end = Math.min(in, (int) Math.ceil(to)); i < end; i++) {
                    index[k] = i;
                    weight[k++] = (float) ((Math.min(to, i + 1) - Math.max(from, i)) / scale);
                }
            }
            start[out] = k;
            return new Taps(start, index, weight);
        }

        /** Four taps around each output centre; edge samples repeat; weights normalised to sum 1. */
        private static Taps catmullRom(int in, int out) {
            int[] start = new int[out + 1], index = new int[4 * out];
            float[] weight = new float[4 * out];
            for (int j = 0; j < out; j++) {
                double centre = (j + 0.5) * in / out - 0.5;
                int base = (int) Math.floor(centre) - 1;
                start[j] = 4 * j;
                double sum = 0;
                for (int t = 0; t < 4; t++) {
                    index[4 * j + t] = Math.max(0, Math.min(in - 1, base + t));
                    sum += weight[4 * j + t] = (float) cubic(centre - (base + t));
                }
                for (int t = 0; t < 4; t++) weight[4 * j + t] /= (float) sum;
            }
            start[out] = 4 * out;
            return new Taps(start, index, weight);
        }

        private static double cubic(double t) {
            t = Math.abs(t);
            if (t < 1) return 1.5 * t * t * t - 2.5 * t * t + 1;
            if (t < 2) return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
            return 0;
        }

        void apply(float[] in, int inOffset, int inStride, float[] out, int outOffset, int outStride) {
            for (int j = 0; j < start.length - 1; j++) {
                float sum = 0;
                for (int t = start[j]; t < start[j + 1]; t++) sum += weight[t] * in[inOffset + index[t] * inStride];
                out[outOffset + j * outStride] = sum;
            }
        }
    }
}
