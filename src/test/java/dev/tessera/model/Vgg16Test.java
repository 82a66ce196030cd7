package dev.tessera.model;

import static dev.tessera.model.TestTensors.floats;
import static dev.tessera.model.TestTensors.freshSeed;
import static dev.tessera.model.TestTensors.maxAbs;
import static dev.tessera.model.TestTensors.maxAbsDiff;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class Vgg16Test {

    @Test
    void seededWeightsArePinnedNumbersAndAnnounceThemselves() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try (PointerScope scope = new PointerScope(); Vgg16 a = Vgg16.seeded(42); Vgg16 b = Vgg16.seeded(42); Vgg16 c = Vgg16.seeded(43)) {
            float[] first = java.util.Arrays.copyOf(floats(a.parameter("features.0.weight")), 4);
            // SplittableRandom and StrictMath are specified to the bit, so these hold on every machine.
            assertArrayEquals(new float[] {0.24011774f, 0.37789455f, -0.122705795f, 0.1825459f}, first);
            assertEquals(0.0, maxAbsDiff(a.parameter("features.28.weight"), b.parameter("features.28.weight")));
            assertTrue(maxAbsDiff(a.parameter("features.28.weight"), c.parameter("features.28.weight")) > 0);
            double std = a.parameter("features.10.weight").to(ScalarType.Double).std().item_double();
            assertEquals(Math.sqrt(2.0 / (128 * 9)), std, 0.01 * std, "He-normal std of features.10.weight");
            assertEquals(0.0, maxAbs(a.parameter("features.10.bias")));
            assertTrue(a.origin().contains("seeded"), a.origin());
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString().contains("SEEDED RANDOM VGG16 (seed 42)"), captured.toString());
    }

    @Test
    void tapsHaveVggShapesAndEqualAHandBuiltStack() {
        long seed = freshSeed();
        Map<String, Tensor> p = TestTensors.randomVggParameters();
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.fromParameters(p, Preprocessing.IMAGENET)) {
            Tensor image = TestTensors.image(ScalarType.Float, 2, 3, 32, 32);
            Map<VggTap, Tensor> f = vgg.features(image, EnumSet.allOf(VggTap.class));
            long[][] shapes = {{2, 64, 32, 32}, {2, 128, 16, 16}, {2, 256, 8, 8}, {2, 256, 4, 4}, {2, 512, 4, 4}, {2, 512, 2, 2}};
            for (VggTap tap : VggTap.values()) assertArrayEquals(shapes[tap.ordinal()], f.get(tap).sizes().vec().get(), tap.layerName());

            Tensor x = Preprocessing.IMAGENET.apply(image);
            int[] convs = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
            Tensor relu41 = null, relu51 = null, pool3 = null;
            for (int c = 0; c < 13; c++) {
                x = relu(conv2d(x, p.get("features." + convs[c] + ".weight"), new TensorOptional(p.get("features." + convs[c] + ".bias")),
                        new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1));
                if (c == 7) relu41 = x;
                if (c == 10) relu51 = x;
                if (c == 1 || c == 3 || c == 6 || c == 9) x = max_pool2d(x, 2, 2);
                if (c == 6) pool3 = x;
            }
            assertTrue(maxAbsDiff(f.get(VggTap.POOL3), pool3) <= 1e-5 * maxAbs(pool3), "pool3, seed " + seed);
            assertTrue(maxAbsDiff(f.get(VggTap.RELU4_1), relu41) <= 1e-5 * maxAbs(relu41), "relu4_1, seed " + seed);
            assertTrue(maxAbsDiff(f.get(VggTap.RELU5_1), relu51) <= 1e-5 * maxAbs(relu51), "relu5_1, seed " + seed);
        }
    }

    @Test
    void frozenButDifferentiableWithRespectToTheImage() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(7)) {
            Tensor image = TestTensors.image(ScalarType.Float, 1, 3, 16, 16);
            assertFalse(vgg.features(image, VggTap.RELU2_1).requires_grad(), "parameters must not require grad");
            Tensor leaf = image.clone().requires_grad_(true);
            vgg.features(leaf, VggTap.RELU2_1).sum().backward();
            assertTrue(maxAbs(leaf.grad()) > 0);
            assertFalse(vgg.parameter("features.0.weight").requires_grad());
        }
    }

    @Test
    void preprocessingFollowsTheWeightsConvention() {
        try (PointerScope scope = new PointerScope()) {
            Tensor pixel = Tensor.create(new double[] {255, 0, 128}, 1, 3, 1, 1);
            assertArrayEquals(new double[] {(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (128 / 255.0 - 0.406) / 0.225},
                    doubles(Preprocessing.IMAGENET.apply(pixel)), 1e-12);
            assertArrayEquals(new double[] {128 - 103.939, 0 - 116.779, 255 - 123.68}, doubles(Preprocessing.CAFFE.apply(pixel)), 1e-12);
            assertEquals(Preprocessing.CAFFE, Preprocessing.parse("Caffe"));
            assertThrows(IllegalArgumentException.class, () -> Preprocessing.parse("bgr"));
        }
    }

    @Test
    void closeTwiceIsHarmlessAndUseAfterCloseThrows() {
        Vgg16 vgg = Vgg16.seeded(1);
        vgg.close();
        vgg.close();
        try (PointerScope scope = new PointerScope()) {
            Tensor image = TestTensors.image(ScalarType.Float, 1, 3, 8, 8);
            assertThrows(IllegalStateException.class, () -> vgg.features(image, VggTap.RELU1_1));
        }
    }

    @Test
    void tooSmallImagesAndWrongShapesAreRefusedWithTheReason() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(1)) {
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> vgg.features(TestTensors.image(ScalarType.Float, 1, 3, 8, 8), VggTap.RELU5_1));
            assertTrue(small.getMessage().contains("at least 16×16"), small.getMessage());
            IllegalArgumentException grey = assertThrows(IllegalArgumentException.class,
                    () -> vgg.features(TestTensors.image(ScalarType.Float, 1, 1, 8, 8), VggTap.RELU1_1));
            assertTrue(grey.getMessage().contains("B×3×H×W"), grey.getMessage());
        }
    }

    private static double[] doubles(Tensor t) {
        Tensor d = t.to(ScalarType.Double).contiguous();
        double[] a = new double[(int) d.numel()];
        d.data_ptr_double().get(a);
        return a;
    }
}
