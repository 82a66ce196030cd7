package dev.tessera.model;

import static dev.tessera.model.TestTensors.freshSeed;
import static org.bytedeco.pytorch.global.torch.avg_pool2d;
import static org.bytedeco.pytorch.global.torch.mse_loss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class SeenLossTest {
    @Test
    void lossEqualsAHandAssembledCompositeOfAreaLevels() {
        long seed = freshSeed();
        try (PointerScope scope = new PointerScope()) {
            SeenLossConfig config = new SeenLossConfig(List.of(1, 2), List.of(1.0, 0.5), 0.3, 0.7, 2.0);
            SeenLoss loss = new SeenLoss(config);
            Tensor x = TestTensors.image(ScalarType.Double, 1, 3, 24, 24), y = TestTensors.image(ScalarType.Double, 1, 3, 24, 24);
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                int f = config.factors().get(i);
                Tensor a = f == 1 ? y : avg_pool2d(y, f, f), b = f == 1 ? x : avg_pool2d(x, f, f);
                Tensor w = Tensor.create(new double[] {1, 2, 2}).reshape(1, 3, 1, 1);
                double colour = config.colourWeights().get(i) * mse_loss(Oklab.fromSrgb255(a).mul(w), Oklab.fromSrgb255(b).mul(w)).item_double()
                        + config.colourWeights().get(i) * 0.7 * mse_loss(a.div(new Scalar(255.0)), b.div(new Scalar(255.0))).item_double();
                double structure = 1 - Ssim.mean(Oklab.luma(a), Oklab.luma(b)).item_double();
                expected += (colour + 0.3 * structure) / 2;
            }
            try (LossTarget target = loss.prepare(x)) {
                assertEquals(expected, loss.loss(y, target).item_double(), 1e-12 * Math.max(1, expected), "seed " + seed);
                double[] terms = loss.lastTerms();
                assertEquals(expected, terms[0] + terms[1] + terms[2] + terms[3], 1e-12 * Math.max(1, expected), "seed " + seed);
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesInDouble() {
        LossChecks.assertGradientMatchesFiniteDifferences(new SeenLoss(SeenLossConfig.defaults().withSsimWeight(0.5)),
                TestTensors.image(ScalarType.Double, 1, 3, 48, 48), TestTensors.image(ScalarType.Double, 1, 3, 48, 48), 1e-3, 1e-6);
    }

    @Test
    void lossIsZeroForThePictureItselfAndPositiveOtherwise() {
        try (PointerScope scope = new PointerScope()) {
            SeenLoss loss = new SeenLoss();
            Tensor x = TestTensors.image(ScalarType.Float, 1, 3, 48, 48), y = TestTensors.image(ScalarType.Float, 1, 3, 48, 48);
            try (LossTarget target = loss.prepare(x)) {
                assertEquals(0, loss.loss(x.clone(), target).item_double(), 1e-6);
                assertTrue(loss.loss(y, target).item_double() > 1e-3);
            }
        }
    }

    @Test
    void picturesTooSmallForTheWindowOrNotMultiplesOfTheFactorAreRefused() {
        try (PointerScope scope = new PointerScope()) {
            SeenLoss loss = new SeenLoss();
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> loss.prepare(TestTensors.image(ScalarType.Float, 1, 3, 40, 40)));
            assertTrue(small.getMessage().contains("SSIM window"), small.getMessage());
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class,
                    () -> loss.prepare(TestTensors.image(ScalarType.Float, 1, 3, 50, 48)));
            assertTrue(odd.getMessage().contains("area factor"), odd.getMessage());
        }
    }
}
