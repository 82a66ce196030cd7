package dev.tessera.eval;

/**
 * The CIEDE2000 colour difference ΔE00 (CIE 142-2001), with kL = kC = kH = 1, following the
 * implementation notes of Sharma, Wu and Dalal, Color Research and Application 30(1), 2005, including
 * their conventions where the formula is ambiguous: a hue of 0 for zero chroma, and the mean hue of
 * a pair taken on the shorter arc (the sum of the hues when one chroma is zero).
 */
public final class Ciede2000 {
    /** 25⁷: the chroma at which the a* rescaling G and the rotation R_C are half-way. */
    private static final double C25_7 = 6103515625.0;

    private Ciede2000() {}

    /** ΔE00 between two CIELAB colours {L*, a*, b*}. */
    public static double difference(double[] lab1, double[] lab2) {
        return difference(lab1[0], lab1[1], lab1[2], lab2[0], lab2[1], lab2[2]);
    }

    /** ΔE00 between (L1, a1, b1) and (L2, a2, b2); symmetric in its two colours. */
    public static double difference(double l1, double a1, double b1, double l2, double a2, double b2) {
        double cMeanAb = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
        double cMean7 = Math.pow(cMeanAb, 7);
        double g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + C25_7)));
        double a1p = (1 + g) * a1, a2p = (1 + g) * a2;
        double c1p = Math.hypot(a1p, b1), c2p = Math.hypot(a2p, b2);
        double h1p = hueDegrees(b1, a1p), h2p = hueDegrees(b2, a2p);

        double dLp = l2 - l1;
        double dCp = c2p - c1p;
        boolean achromatic = c1p * c2p == 0;
        double dhp = achromatic ? 0 : h2p - h1p;
        if (dhp > 180) dhp -= 360;
        else if (dhp < -180) dhp += 360;
        double dHp = 2 * Math.sqrt(c1p * c2p) * Math.sin(Math.toRadians(dhp / 2));

        double lMean = (l1 + l2) / 2;
        double cMean = (c1p + c2p) / 2;
        double hMean;
        if (achromatic) hMean = h1p + h2p;
        else if (Math.abs(h1p - h2p) <= 180) hMean = (h1p + h2p) / 2;
        else if (h1p + h2p < 360) hMean = (h1p + h2p + 360) / 2;
        else hMean = (h1p + h2p - 360) / 2;

        double t = 1 - 0.17 * cosDeg(hMean - 30) + 0.24 * cosDeg(2 * hMean)
                + 0.32 * cosDeg(3 * hMean + 6) - 0.20 * cosDeg(4 * hMean - 63);
        double dTheta = 30 * Math.exp(-Math.pow((hMean - 275) / 25, 2));
        double cMeanP7 = Math.pow(cMean, 7);
        double rc = 2 * Math.sqrt(cMeanP7 / (cMeanP7 + C25_7));
        double l50 = (lMean - 50) * (lMean - 50);
        double sl = 1 + 0.015 * l50 / Math.sqrt(20 + l50);
        double sc = 1 + 0.045 * cMean;
        double sh = 1 + 0.015 * cMean * t;
        double rt = -Math.sin(Math.toRadians(2 * dTheta)) * rc;

        double dl = dLp / sl, dc = dCp / sc, dh = dHp / sh;
        return Math.sqrt(dl * dl + dc * dc + dh * dh + rt * dc * dh);
    }

    /** Mean ΔE00 over the pixels of two images of the same size, each converted from sRGB. */
    public static double mean(RgbImage a, RgbImage b) {
        Metrics.requireSameSize(a, b);
        int n = a.width() * a.height();
        double[] p = a.planes(), q = b.planes();
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += difference(CieLab.fromSrgb(p[i], p[n + i], p[2 * n + i]), CieLab.fromSrgb(q[i], q[n + i], q[2 * n + i]));
        return sum / n;
    }

    /** Hue angle in degrees, 0..360, and 0 for a neutral colour as the notes specify. */
    private static double hueDegrees(double b, double aPrime) {
        if (b == 0 && aPrime == 0) return 0;
        double h = Math.toDegrees(Math.atan2(b, aPrime));
        return h < 0 ? h + 360 : h;
    }

    private static double cosDeg(double degrees) {
        return Math.cos(Math.toRadians(degrees));
    }
}
