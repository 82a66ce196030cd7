package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MosaicQualityTest {
    @Test
    void aMosaicThatIsTheInputEnlargedIsPerfectAtEveryScale() {
        BufferedImage input = randomImage(new Random(), 48, 44);
        QualityReport report = MosaicQuality.measure(input, enlarge(input, 3));
        assertEquals(List.of(1, 2, 4), report.scales().stream().map(ScaleFigures::factor).toList());
        for (ScaleFigures f : report.scales()) {
            assertEquals(Double.POSITIVE_INFINITY, f.psnr(), "scale 1/" + f.factor());
            assertEquals(1.0, f.ssim(), 1e-12);
            assertEquals(0.0, f.deltaE00());
        }
        assertNull(report.distinctTemplates());
        assertEquals(7, report.withDistinctTemplates(7).distinctTemplates());
    }

    @Test
    void smallerViewsAreTakenFromTheInputSize() {
        BufferedImage input = randomImage(new Random(), 45, 23);
        QualityReport report = MosaicQuality.measure(input, randomImage(new Random(), 90, 46));
        assertEquals(List.of(45, 23, 11), report.scales().stream().map(ScaleFigures::width).toList());
        assertEquals(List.of(23, 12, 6), report.scales().stream().map(ScaleFigures::height).toList());
        assertTrue(Double.isNaN(report.quarter().ssim()), "6 rows are fewer than the 11-row window");
        assertTrue(report.full().psnr() < 20 && report.full().deltaE00() > 1, "independent noise is far from the input");
    }

    @Test
    void aspectRatioMayBeOffByOneMosaicPixelOnly() {
        MosaicQuality.requireComparable(100, 60, 800, 480);
        MosaicQuality.requireComparable(100, 60, 801, 480);
        MosaicQuality.requireComparable(100, 60, 800, 481);
        IllegalArgumentException skewed = assertThrows(IllegalArgumentException.class,
                () -> MosaicQuality.requireComparable(100, 60, 800, 490));
        assertTrue(skewed.getMessage().contains("aspect ratio"), skewed.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> MosaicQuality.requireComparable(100, 60, 50, 30));
        assertTrue(small.getMessage().contains("smaller than the input"), small.getMessage());
    }

    @Test
    void jsonWritesUnboundedPsnrAndMissingSsimAsNull() {
        QualityReport report = new QualityReport(new ScaleFigures(1, 40, 20, Double.POSITIVE_INFINITY, 1.0, 0.0),
                new ScaleFigures(2, 20, 10, 31.5, 0.9, 1.25), new ScaleFigures(4, 10, 5, 33.0, Double.NaN, 0.5), 12);
        assertEquals("{\"scales\": ["
                + "{\"factor\": 1, \"width\": 40, \"height\": 20, \"psnr\": null, \"ssim\": 1.0, \"ciede2000\": 0.0}, "
                + "{\"factor\": 2, \"width\": 20, \"height\": 10, \"psnr\": 31.5, \"ssim\": 0.9, \"ciede2000\": 1.25}, "
                + "{\"factor\": 4, \"width\": 10, \"height\": 5, \"psnr\": 33.0, \"ssim\": null, \"ciede2000\": 0.5}"
                + "], \"distinctTemplates\": 12}", report.toJson());
        String table = report.toTable();
        assertTrue(table.contains("inf") && table.contains("n/a") && table.contains("distinct templates used: 12"), table);
    }

    private static BufferedImage randomImage(Random rng, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, rng.nextInt(1 << 24));
        return img;
    }

    private static BufferedImage enlarge(BufferedImage img, int k) {
        BufferedImage big = new BufferedImage(img.getWidth() * k, img.getHeight() * k, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < big.getHeight(); y++)
            for (int x = 0; x < big.getWidth(); x++) big.setRGB(x, y, img.getRGB(x / k, y / k));
        return big;
    }
}
