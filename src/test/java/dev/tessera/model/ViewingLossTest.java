package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static dev.tessera.model.LossChecks.blurByHand;
import static dev.tessera.model.TestTensors.freshSeed;
import static org.bytedeco.pytorch.global.torch.stack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ops.GaussianBlur;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ViewingLossTest {

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
    void anSrgbTermAddsItsWeightedMseToEachScalesColour() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope()) {
            Tensor image = TestTensors.image(ScalarType.Double, 1, 3, 48, 48), prediction = TestTensors.image(ScalarType.Double, 1, 3, 48, 48);
            ViewingLoss loss = new ViewingLoss(ViewingLossConfig.defaults().withSsimWeight(0.3).withRgbWeight(0.7));
            double actual;
            try (LossTarget target = loss.prepare(image)) {
                actual = loss.loss(prediction, target).item_double();
            }
            double sum = 0;
            for (int s = 0; s <= 2; s++) {
                Tensor t = blurByHand(s == 0 ? image : blurByHand(image, GaussianBlur.pyramid(s)), GaussianBlur.viewing());
                Tensor y = blurByHand(s == 0 ? prediction : blurByHand(prediction, GaussianBlur.pyramid(s)), GaussianBlur.viewing());
                double colour = oklab(y).sub(oklab(t)).square().mean().item_double()
                        + 0.7 * y.sub(t).div(new org.bytedeco.pytorch.Scalar(255.0)).square().mean().item_double();
                sum += colour + 0.3 * (1 - ssim(luma(y), luma(t)));
            }
            assertEquals(sum / 3, actual, 1e-12 * sum, "seed " + seed);
            assertTrue(loss.describe().contains("0.7·sRGB MSE"), loss.describe());
        }
        LossChecks.assertGradientMatchesFiniteDifferences(new ViewingLoss(ViewingLossConfig.defaults().withScales(List.of(0, 1))
                .withSsimWeight(0.5).withRgbWeight(1)), TestTensors.image(ScalarType.Double, 1, 3, 24, 24),
                TestTensors.image(ScalarType.Double, 1, 3, 24, 24), 1e-3, 1e-6);
    }

    @Test
    void lossEqualsAHandAssembledComposite() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope()) {
            Tensor image = TestTensors.image(ScalarType.Double, 2, 3, 48, 48), prediction = TestTensors.image(ScalarType.Double, 2, 3, 48, 48);
            ViewingLoss loss = new ViewingLoss(ViewingLossConfig.defaults().withSsimWeight(0.3));
            double actual;
            try (LossTarget target = loss.prepare(image)) {
                actual = loss.loss(prediction, target).item_double();
            }
            double sum = 0;
            for (int s = 0; s <= 2; s++) {
                Tensor t = blurByHand(s == 0 ? image : blurByHand(image, GaussianBlur.pyramid(s)), GaussianBlur.viewing());
                Tensor y = blurByHand(s == 0 ? prediction : blurByHand(prediction, GaussianBlur.pyramid(s)), GaussianBlur.viewing());
                double colour = oklab(y).sub(oklab(t)).square().mean().item_double();
                sum += colour + 0.3 * (1 - ssim(luma(y), luma(t)));
            }
            assertEquals(sum / 3, actual, 1e-12 * sum, "seed " + seed);
        }
    }

    @Test
    void lastTermsAreEachScalesColourAndStructureShareOfTheLoss() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope()) {
            Tensor image = TestTensors.image(ScalarType.Double, 1, 3, 48, 48), prediction = TestTensors.image(ScalarType.Double, 1, 3, 48, 48);
            ViewingLoss loss = new ViewingLoss(ViewingLossConfig.defaults().withSsimWeight(0.3));
            assertEquals(List.of("colour_s0", "structure_s0", "colour_s1", "structure_s1", "colour_s2", "structure_s2"), loss.termNames());
            assertTrue(Double.isNaN(loss.lastTerms()[0]), "no terms before the first evaluation");
            double actual;
            try (LossTarget target = loss.prepare(image)) {
                actual = loss.loss(prediction, target).item_double();
            }
            double[] terms = loss.lastTerms();
            assertEquals(6, terms.length);
            double sum = 0;
            for (int s = 0; s <= 2; s++) {
                Tensor t = blurByHand(s == 0 ? image : blurByHand(image, GaussianBlur.pyramid(s)), GaussianBlur.viewing());
                Tensor y = blurByHand(s == 0 ? prediction : blurByHand(prediction, GaussianBlur.pyramid(s)), GaussianBlur.viewing());
                double colour = oklab(y).sub(oklab(t)).square().mean().item_double() / 3;
                double structure = 0.3 * (1 - ssim(luma(y), luma(t))) / 3;
                assertEquals(colour, terms[2 * s], 1e-12 * colour, "colour at scale " + s + ", seed " + seed);
                // 1 − SSIM cancels (SSIM ≈ 0.99 at the coarse scale): its rounding is that of SSIM, a
                // number near 1, so the bound is relative to λ/3, not to the small difference.
                assertEquals(structure, terms[2 * s + 1], 1e-12 * (0.3 / 3), "structure at scale " + s + ", seed " + seed);
                sum += terms[2 * s] + terms[2 * s + 1];
            }
            assertEquals(actual, sum, 1e-12 * actual, "the terms add up to the loss, seed " + seed);
        }
    }

    @Test
    void withoutTheViewingBlurTheLossComparesThePyramidLevelsThemselves() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope()) {
            Tensor image = TestTensors.image(ScalarType.Double, 1, 3, 48, 48), prediction = TestTensors.image(ScalarType.Double, 1, 3, 48, 48);
            ViewingLoss loss = new ViewingLoss(ViewingLossConfig.defaults().withSsimWeight(0.3).withoutViewingBlur());
            double actual, blurred;
            try (LossTarget target = loss.prepare(image)) {
                actual = loss.loss(prediction, target).item_double();
            }
            ViewingLoss withBlur = new ViewingLoss(ViewingLossConfig.defaults().withSsimWeight(0.3));
            try (LossTarget target = withBlur.prepare(image)) {
                blurred = withBlur.loss(prediction, target).item_double();
            }
            double sum = 0;
            for (int s = 0; s <= 2; s++) {
                Tensor t = s == 0 ? image : blurByHand(image, GaussianBlur.pyramid(s));
                Tensor y = s == 0 ? prediction : blurByHand(prediction, GaussianBlur.pyramid(s));
                sum += oklab(y).sub(oklab(t)).square().mean().item_double() + 0.3 * (1 - ssim(luma(y), luma(t)));
            }
            assertEquals(sum / 3, actual, 1e-12 * sum, "seed " + seed);
            assertTrue(actual > 1.5 * blurred, "unblurred noise differs more than blurred noise: " + actual + " vs " + blurred);
        }
    }

    @Test
    void oklabOfKnownColoursMatchesPublishedValues() {
        try (PointerScope scope = new PointerScope()) {
            // White is L = 1, a = b = 0; sRGB red is (0.62796, 0.22486, 0.12585) in Ottosson's reference.
            Tensor white = Oklab.fromSrgb255(Tensor.create(new double[] {255, 255, 255}, 1, 3, 1, 1));
            Tensor r = Oklab.fromSrgb255(Tensor.create(new double[] {255, 0, 0}, 1, 3, 1, 1));
            double shift = Math.cbrt(Oklab.CBRT_EPS); // the guard's constant offset of L (see Oklab)
            assertEquals(1.0, white.select(1, 0).item_double() + shift, 1e-3);
            assertEquals(0.0, white.select(1, 1).item_double(), 1e-6);
            assertEquals(0.62796, r.select(1, 0).item_double() + shift, 1e-3);
            assertEquals(0.22486, r.select(1, 1).item_double(), 1e-3);
            assertEquals(0.12585, r.select(1, 2).item_double(), 1e-3);
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesInDouble() {
        LossChecks.assertGradientMatchesFiniteDifferences(new ViewingLoss(ViewingLossConfig.defaults().withScales(List.of(0, 1)).withSsimWeight(0.5)),
                TestTensors.image(ScalarType.Double, 1, 3, 24, 24), TestTensors.image(ScalarType.Double, 1, 3, 24, 24), 1e-3, 1e-6);
    }

    @Test
    void gradientIsFiniteAtBlackAndLossIsZeroForThePictureItself() {
        try (PointerScope scope = new PointerScope()) {
            ViewingLoss loss = new ViewingLoss();
            Tensor image = TestTensors.image(ScalarType.Float, 1, 3, 48, 48);
            try (LossTarget target = loss.prepare(image)) {
                assertEquals(0.0, loss.loss(image, target).item_double(), 1e-6);
                Tensor black = image.mul(new Scalar(0.0)).requires_grad_(true);
                loss.loss(black, target).backward();
                assertTrue(black.grad().isfinite().all().item_bool(), "gradient at black must be finite");
            }
            assertTrue(loss.describe().contains("VGG16 weight file"), loss.describe());
        }
    }

    @Test
    void scalesSmallerThanTheSsimWindowAreRefused() {
        try (PointerScope scope = new PointerScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ViewingLoss().prepare(TestTensors.image(ScalarType.Float, 1, 3, 32, 32)));
            assertTrue(e.getMessage().contains("at scale 2") && e.getMessage().contains("11×11"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ViewingLossConfig.defaults().withScales(List.of(0, 0)));
            assertThrows(IllegalArgumentException.class, () -> ViewingLossConfig.defaults().withSsimWeight(Double.NaN));
        }
    }

    @Test
    void memoryStaysFlatOver200Evaluations() {
        try (PointerScope scope = new PointerScope()) {
            LossChecks.assertMemoryFlat(new ViewingLoss(), TestTensors.image(ScalarType.Float, 1, 3, 48, 48),
                    TestTensors.image(ScalarType.Float, 1, 3, 48, 48));
        }
    }

    /** Oklab written channel by channel. */
    private static Tensor oklab(Tensor rgb) {
        Tensor[] lin = new Tensor[3];
        for (int c = 0; c < 3; c++) {
            Tensor v = rgb.select(1, c).div(new Scalar(255.0));
            double[] vals = new double[(int) v.numel()];
            v.contiguous().data_ptr_double().get(vals);
            for (int i = 0; i < vals.length; i++)
                vals[i] = vals[i] <= 0.04045 ? vals[i] / 12.92 : Math.pow((vals[i] + 0.055) / 1.055, 2.4);
            lin[c] = Tensor.create(vals, v.sizes().vec().get());
        }
        Tensor l = root(lin[0].mul(new Scalar(0.4122214708)).add(lin[1].mul(new Scalar(0.5363325363))).add(lin[2].mul(new Scalar(0.0514459929))));
        Tensor m = root(lin[0].mul(new Scalar(0.2119034982)).add(lin[1].mul(new Scalar(0.6806995451))).add(lin[2].mul(new Scalar(0.1073969566))));
        Tensor s = root(lin[0].mul(new Scalar(0.0883024619)).add(lin[1].mul(new Scalar(0.2817188376))).add(lin[2].mul(new Scalar(0.6299787005))));
        Tensor okL = l.mul(new Scalar(0.2104542553)).add(m.mul(new Scalar(0.7936177850))).sub(s.mul(new Scalar(0.0040720468)));
        Tensor okA = l.mul(new Scalar(1.9779984951)).sub(m.mul(new Scalar(2.4285922050))).add(s.mul(new Scalar(0.4505937099)));
        Tensor okB = l.mul(new Scalar(0.0259040371)).add(m.mul(new Scalar(0.7827717662))).sub(s.mul(new Scalar(0.8086757660)));
        return stack(new TensorVector(okL, okA, okB), 1);
    }

    private static Tensor root(Tensor x) {
        return x.abs().add(new Scalar(Oklab.CBRT_EPS)).pow(new Scalar(1.0 / 3)).sub(new Scalar(Math.cbrt(Oklab.CBRT_EPS))).mul(x.sign());
    }

    private static Tensor luma(Tensor rgb) {
        return rgb.select(1, 0).mul(new Scalar(0.299)).add(rgb.select(1, 1).mul(new Scalar(0.587)))
                .add(rgb.select(1, 2).mul(new Scalar(0.114))).unsqueeze(1);
    }

    /** SSIM with the 11×11 σ 1.5 window as a full 2-D kernel, valid region, standard constants. */
    private static double ssim(Tensor x, Tensor y) {
        GaussianBlur window = new GaussianBlur(GaussianBlur.gaussianTaps(11, 1.5), 0, 0, 1);
        double c1 = Math.pow(0.01 * 255, 2), c2 = Math.pow(0.03 * 255, 2);
        Tensor mx = blurByHand(x, window), my = blurByHand(y, window);
        Tensor sxx = blurByHand(x.mul(x), window).sub(mx.mul(mx));
        Tensor syy = blurByHand(y.mul(y), window).sub(my.mul(my));
        Tensor sxy = blurByHand(x.mul(y), window).sub(mx.mul(my));
        Tensor num = mx.mul(my).mul(new Scalar(2)).add(new Scalar(c1)).mul(sxy.mul(new Scalar(2)).add(new Scalar(c2)));
        Tensor den = mx.mul(mx).add(my.mul(my)).add(new Scalar(c1)).mul(sxx.add(syy).add(new Scalar(c2)));
        return num.div(den).mean().item_double();
    }
}
