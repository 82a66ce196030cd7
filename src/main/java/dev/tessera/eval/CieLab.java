package dev.tessera.eval;

/**
 * sRGB (IEC 61966-2-1, D65) to CIE 1976 L*a*b* relative to the D65 white: undo the sRGB transfer
 * curve, take linear RGB to XYZ with the standard primaries, then the CIELAB cube-root mapping.
 */
public final class CieLab {
    /**
     * Linear sRGB to XYZ, from the sRGB primaries and the D65 white (x 0.3127, y 0.3290), to seven
     * digits; four-digit versions shift L* of pure red by 0.01.
     */
    private static final double[][] RGB_TO_XYZ = {
        {0.4124564, 0.3575761, 0.1804375},
        {0.2126729, 0.7151522, 0.0721750},
        {0.0193339, 0.1191920, 0.9503041},
    };
    /** The white point is the matrix's image of RGB white, so that sRGB white maps to a* = b* = 0 exactly. */
    private static final double[] WHITE = {rowSum(0), rowSum(1), rowSum(2)};
    /** CIELAB's switch from cube root to a straight line near black: (6/29)³. */
    private static final double EPSILON = 216.0 / 24389.0;

    private CieLab() {}

    /** {L*, a*, b*} of an sRGB colour with components 0..255. */
    public static double[] fromSrgb(double r, double g, double b) {
        double lr = linear(r / 255), lg = linear(g / 255), lb = linear(b / 255);
        double fx = f((RGB_TO_XYZ[0][0] * lr + RGB_TO_XYZ[0][1] * lg + RGB_TO_XYZ[0][2] * lb) / WHITE[0]);
        double fy = f((RGB_TO_XYZ[1][0] * lr + RGB_TO_XYZ[1][1] * lg + RGB_TO_XYZ[1][2] * lb) / WHITE[1]);
        double fz = f((RGB_TO_XYZ[2][0] * lr + RGB_TO_XYZ[2][1] * lg + RGB_TO_XYZ[2][2] * lb) / WHITE[2]);
        return new double[] {116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
    }

    /** The sRGB transfer curve inverted: a linear toe below 0.04045, a 2.4 power above. */
    private static double linear(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static double f(double t) {
        return t > EPSILON ? Math.cbrt(t) : t / (3 * (6.0 / 29) * (6.0 / 29)) + 4.0 / 29;
    }

    private static double rowSum(int row) {
        return RGB_TO_XYZ[row][0] + RGB_TO_XYZ[row][1] + RGB_TO_XYZ[row][2];
    }
}
