package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static dev.tessera.model.LossChecks.blurByHand;
import static dev.tessera.model.TestTensors.freshSeed;
import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ops.GaussianBlur;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PerceptualLossTest {

    private static int threads;

    /** One LibTorch thread: on a loaded machine each of the many small ops would wait at an OpenMP barrier. */
    @BeforeAll
    static void oneThread() {
        threads = get_num_threads();
        set_num_threads(1);
    }

    @AfterAll
    static void restoreThreads() {
        set_num_threads(threads);
    }

    @Test
    void paperLossEqualsAHandAssembledComposite() {
        long seed = freshSeed();
        Map<String, Tensor> p = TestTensors.randomVggParameters();
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.fromParameters(p, Preprocessing.IMAGENET)) {
            Tensor image = TestTensors.image(ScalarType.Float, 2, 3, 64, 64), prediction = TestTensors.image(ScalarType.Float, 2, 3, 64, 64);
            for (int variant = 0; variant < 3; variant++) {
                boolean blurTarget = variant == 1, viewingBlur = variant < 2;
                PerceptualLossConfig config = PerceptualLossConfig.paper().withBlurTarget(blurTarget);
                PerceptualLoss loss = new PerceptualLoss(vgg, viewingBlur ? config : config.withoutViewingBlur());
                double actual;
                try (LossTarget target = loss.prepare(image)) {
                    actual = loss.loss(prediction, target).item_double();
                }
                double sum = 0;
                for (int s = 0; s <= 2; s++) {
                    Tensor t = s == 0 ? image : blurByHand(image, GaussianBlur.pyramid(s));
                    if (blurTarget) t = blurByHand(t, GaussianBlur.viewing());
                    Tensor y = s == 0 ? prediction : blurByHand(prediction, GaussianBlur.pyramid(s));
                    List<Tensor> ft = reluX1(t, p), fy = reluX1(viewingBlur ? blurByHand(y, GaussianBlur.viewing()) : y, p);
                    for (int l = 0; l < 5; l++) sum += fy.get(l).sub(ft.get(l)).square().mean().item_double();
                }
                double expected = sum / 3 / 5 / 2; // mean over scales, over layers, then / B
                assertEquals(expected, actual, 1e-5 * expected, "blurTarget " + blurTarget + ", viewingBlur " + viewingBlur + ", seed " + seed);
            }
        }
    }

    @Test
    void lastTermsAreEachLayersShareSummedOverScales() {
        long seed = freshSeed();
        Map<String, Tensor> p = TestTensors.randomVggParameters();
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.fromParameters(p, Preprocessing.IMAGENET)) {
            Tensor image = TestTensors.image(ScalarType.Float, 2, 3, 64, 64), prediction = TestTensors.image(ScalarType.Float, 2, 3, 64, 64);
            PerceptualLoss loss = new PerceptualLoss(vgg);
            assertEquals(List.of("relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"), loss.termNames());
            double actual;
            try (LossTarget target = loss.prepare(image)) {
                actual = loss.loss(prediction, target).item_double();
            }
            double[] terms = loss.lastTerms();
            double[] expected = new double[5];
            for (int s = 0; s <= 2; s++) {
                Tensor t = s == 0 ? image : blurByHand(image, GaussianBlur.pyramid(s));
                Tensor y = s == 0 ? prediction : blurByHand(prediction, GaussianBlur.pyramid(s));
                List<Tensor> ft = reluX1(t, p), fy = reluX1(blurByHand(y, GaussianBlur.viewing()), p);
                for (int l = 0; l < 5; l++) expected[l] += fy.get(l).sub(ft.get(l)).square().mean().item_double() / 3 / 5 / 2;
            }
            double sum = 0;
            for (int l = 0; l < 5; l++) {
                assertEquals(expected[l], terms[l], 1e-5 * expected[l], "layer " + l + ", seed " + seed);
                sum += terms[l];
            }
            assertEquals(actual, sum, 1e-6 * actual, "the terms add up to the loss, seed " + seed);
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesInDouble() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.fromParameters(TestTensors.randomVggParameters(), Preprocessing.CAFFE)) {
            PerceptualLoss loss = new PerceptualLoss(vgg, PerceptualLossConfig.paper().withLayers(List.of(VggTap.RELU1_1, VggTap.RELU2_1)));
            LossChecks.assertGradientMatchesFiniteDifferences(loss,
                    TestTensors.image(ScalarType.Double, 1, 3, 16, 16), TestTensors.image(ScalarType.Double, 1, 3, 16, 16),
                    1e-4, 1e-6); // ε small: a ReLU or max-pool kink inside ±ε would break the difference; not
                    // smaller: the loss (~1e2) is summed over thousands of features, and its rounding, over 2ε,
                    // reached 1.4e-6 of the gradient at ε = 1e-5

        }
    }

    @Test
    void targetIsComputedOnceAndGuardsItsUse() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(3)) {
            PerceptualLoss loss = new PerceptualLoss(vgg, PerceptualLossConfig.paper().withLayers(List.of(VggTap.RELU1_1, VggTap.RELU2_1)));
            Tensor image = TestTensors.image(ScalarType.Float, 1, 3, 32, 32), prediction = TestTensors.image(ScalarType.Float, 1, 3, 32, 32);
            LossTarget target = loss.prepare(image.clone().requires_grad_(true));
            double first = loss.loss(prediction, target).item_double();
            assertEquals(first, loss.loss(prediction, target).item_double());
            assertNotEquals(0.0, first);
            assertThrows(IllegalArgumentException.class, () -> loss.loss(TestTensors.image(ScalarType.Float, 1, 3, 16, 16), target));
            assertThrows(IllegalArgumentException.class, () -> new ViewingLoss().loss(prediction, target));
            target.close();
            target.close();
            assertThrows(IllegalStateException.class, () -> loss.loss(prediction, target));
            assertTrue(loss.describe().contains("relu1_1, relu2_1"), loss.describe());
            assertTrue(loss.describe().contains("seeded"), loss.describe());
        }
    }

    @Test
    void tooSmallForTheDeepestLayerAtTheCoarsestScaleIsRefused() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new PerceptualLoss(vgg).prepare(TestTensors.image(ScalarType.Float, 1, 3, 32, 32)));
            assertTrue(e.getMessage().contains("at scale 2"), e.getMessage());
        }
    }

    @Test
    void memoryStaysFlatOver200Evaluations() {
        try (Vgg16 vgg = Vgg16.seeded(5); PointerScope scope = new PointerScope()) {
            PerceptualLoss loss = new PerceptualLoss(vgg, PerceptualLossConfig.paper().withLayers(List.of(VggTap.RELU1_1)));
            LossChecks.assertMemoryFlat(loss, TestTensors.image(ScalarType.Float, 1, 3, 16, 16), TestTensors.image(ScalarType.Float, 1, 3, 16, 16));
        }
    }

    /** relu1_1 … relu5_1 of an RGB 0..255 image, from the parameters, with ImageNet preprocessing written out. */
    private static List<Tensor> reluX1(Tensor rgb, Map<String, Tensor> p) {
        Tensor mean = Tensor.create(new float[] {0.485f * 255, 0.456f * 255, 0.406f * 255}, 1, 3, 1, 1);
        Tensor std = Tensor.create(new float[] {0.229f * 255, 0.224f * 255, 0.225f * 255}, 1, 3, 1, 1);
        Tensor x = rgb.sub(mean).div(std);
        int[] convs = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
        List<Tensor> out = new ArrayList<>();
        for (int c = 0; c <= 10; c++) {
            x = relu(conv2d(x, p.get("features." + convs[c] + ".weight"), new TensorOptional(p.get("features." + convs[c] + ".bias")),
                    new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1));
            if (c == 0 || c == 2 || c == 4 || c == 7 || c == 10) out.add(x);
            if (c == 1 || c == 3 || c == 6 || c == 9) x = max_pool2d(x, 2, 2);
        }
        return out;
    }
}
