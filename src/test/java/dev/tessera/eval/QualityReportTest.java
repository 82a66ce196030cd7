package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QualityReportTest {
    private static QualityReport report(double psnr, double ssim, double deltaE, double quarterSsim) {
        return new QualityReport(new ScaleFigures(1, 64, 64, psnr, ssim, deltaE), new ScaleFigures(2, 32, 32, psnr, ssim, deltaE),
                new ScaleFigures(4, 16, 16, psnr, quarterSsim, deltaE), null);
    }

    @Test
    void nowhereWorseNeedsEveryFigureAtEveryScale() {
        QualityReport base = report(20, 0.5, 10, 0.8);
        assertTrue(base.nowhereWorseThan(base), "equal counts as not worse");
        assertTrue(report(20.1, 0.5, 9.9, 0.8).nowhereWorseThan(base));
        assertFalse(report(19.99, 0.6, 9, 0.9).nowhereWorseThan(base), "lower PSNR");
        assertFalse(report(21, 0.6, 10.01, 0.9).nowhereWorseThan(base), "higher CIEDE2000");
        assertFalse(report(21, 0.6, 9, 0.79).nowhereWorseThan(base), "lower SSIM at one scale only");
        assertTrue(report(20, 0.5, 10, Double.NaN).nowhereWorseThan(report(20, 0.5, 10, Double.NaN)),
                "an SSIM neither picture is large enough for is equal");
        assertFalse(report(20, 0.5, 10, Double.NaN).nowhereWorseThan(base), "a missing SSIM against a measured one is not");
        assertTrue(report(Double.POSITIVE_INFINITY, 1, 0, 1).nowhereWorseThan(report(Double.POSITIVE_INFINITY, 1, 0, 1)), "identical");
    }
}
