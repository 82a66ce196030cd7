package dev.tessera.model;

import static dev.tessera.model.TestTensors.floats;
import static dev.tessera.model.TestTensors.freshSeed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class PixelEncoderTest {

    @Test
    void eachCellsFeaturesAreItsPixelsItsOklabSubcellsAndZeros() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope(); PixelEncoder encoder = new PixelEncoder()) {
            int b = 2, h = 16, w = 24;
            Tensor image = TestTensors.image(ScalarType.Float, b, 3, h, w);
            Tensor f = encoder.features(image);
            assertArrayEquals(new long[] {b, Encoder.CHANNELS, h / 8, w / 8}, f.sizes().vec().get());
            float[] px = floats(image), feat = floats(f);
            float[] lab = floats(Oklab.fromSrgb255(image));
            for (int n = 0; n < b; n++)
                for (int i = 0; i < h / 8; i++)
                    for (int j = 0; j < w / 8; j++) {
                        for (int c = 0; c < 3; c++)
                            for (int y = 0; y < 8; y++)
                                for (int x = 0; x < 8; x++) {
                                    float want = px[((n * 3 + c) * h + 8 * i + y) * w + 8 * j + x] / 127.5f - 1f;
                                    float got = feat[((n * 256 + c * 64 + y * 8 + x) * (h / 8) + i) * (w / 8) + j];
                                    assertEquals(want, got, 1e-6, "pixel channel, seed " + seed);
                                }
                        double[] shift = {0.5, 0, 0}, scale = {2, 4, 4};
                        for (int c = 0; c < 3; c++)
                            for (int sy = 0; sy < 4; sy++)
                                for (int sx = 0; sx < 4; sx++) {
                                    double mean = 0;
                                    for (int dy = 0; dy < 2; dy++)
                                        for (int dx = 0; dx < 2; dx++)
                                            mean += lab[((n * 3 + c) * h + 8 * i + 2 * sy + dy) * w + 8 * j + 2 * sx + dx] / 4.0;
                                    float got = feat[((n * 256 + 192 + c * 16 + sy * 4 + sx) * (h / 8) + i) * (w / 8) + j];
                                    assertEquals((mean - shift[c]) * scale[c], got, 1e-5, "Oklab channel, seed " + seed);
                                }
                        for (int c = 240; c < 256; c++)
                            assertEquals(0f, feat[((n * 256 + c) * (h / 8) + i) * (w / 8) + j], "padding channel " + c);
                    }
        }
    }

    @Test
    void whiteAndBlackSpanTheRange() {
        try (PointerScope scope = new PointerScope(); PixelEncoder encoder = new PixelEncoder()) {
            for (double v : new double[] {0, 255}) {
                float[] f = floats(encoder.features(torch.ones(1, 3, 8, 8).mul(new Scalar(v))));
                float end = v == 0 ? -1f : 1f;  // the pixel channels span -1..1 exactly
                for (int c = 0; c < 192; c++) assertEquals(end, f[c], 1e-6, "pixel channel " + c + " at " + v);
                // Oklab's L is 0 for black and 1 for white, less the constant cube-root shift of Oklab.CBRT_EPS.
                double l = v == 0 ? 0 : 1 - Math.cbrt(Oklab.CBRT_EPS);
                for (int c = 192; c < 208; c++) assertEquals(2 * (l - 0.5), f[c], 1e-4, "Oklab L channel " + c + " at " + v);
                for (int c = 208; c < 240; c++) assertEquals(0f, f[c], 2e-3, "Oklab a/b channel " + c + " at " + v);
            }
        }
    }

    @Test
    void badShapesAreRefusedWithTheShapeNamed() {
        try (PointerScope scope = new PointerScope(); PixelEncoder encoder = new PixelEncoder()) {
            IllegalArgumentException grey = assertThrows(IllegalArgumentException.class, () -> encoder.features(torch.zeros(1, 1, 8, 8)));
            assertTrue(grey.getMessage().contains("B×3×H×W"), grey.getMessage());
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> encoder.features(torch.zeros(1, 3, 12, 8)));
            assertTrue(odd.getMessage().contains("multiples of 8") && odd.getMessage().contains("12×8"), odd.getMessage());
        }
    }
}
