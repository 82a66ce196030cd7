package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.Decoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.PerceptualLoss;
import dev.tessera.model.PerceptualLossConfig;
import dev.tessera.model.Vgg16;
import dev.tessera.model.VggTap;
import dev.tessera.model.ViewingLoss;
import dev.tessera.ops.OpsReference;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MosaicStepTest {
    private static int threads;
    private static Vgg16 vgg;

    /** One LibTorch thread: on a loaded machine the many small ops would wait at OpenMP barriers. */
    @BeforeAll
    static void setUp() {
        threads = get_num_threads();
        set_num_threads(1);
        vgg = Vgg16.seeded(11);
    }

    @AfterAll
    static void tearDown() {
        vgg.close();
        set_num_threads(threads);
    }

    @Test
    void stitchedGradientEqualsAutogradOfTheCompositeWithTheViewingLoss() {
        assertStitchedMatchesComposite(new ViewingLoss(), 2.7f);
    }

    @Test
    void stitchedGradientEqualsAutogradOfTheCompositeWithThePerceptualLoss() {
        assertStitchedMatchesComposite(new PerceptualLoss(vgg, PerceptualLossConfig.paper().withLayers(List.of(VggTap.RELU1_1,
                VggTap.RELU2_1))), 9.5f);
    }

    /**
     * The stitched pass against one LibTorch graph of the same step (encoder, decoder,
     * OpsReference.mix, the loss) in float32, the stitched pass's own precision: the decoder's
     * gradients agree to 1e-4, so the split changes nothing. The same graph in double agrees to
     * 1e-3: the float loss's own rounding, not the stitching's (the viewing loss is a small
     * difference of Oklab values).
     */
    private static void assertStitchedMatchesComposite(MosaicLoss loss, float beta) {
        long seed = System.nanoTime();
        manual_seed(seed);
        try (PointerScope scope = new PointerScope(); Decoder decoder = Decoder.initialised(6, seed)) {
            Tensor images = rand(2, 3, 48, 48).mul(new Scalar(255));
            Tensor templates = rand(6, 3, 8, 8).mul(new Scalar(255));
            MosaicStep step = new MosaicStep(vgg, decoder, templates, loss);
            double stitchedLoss;
            try (LossTarget target = loss.prepare(images)) {
                stitchedLoss = step.forwardBackward(images, target, beta).loss();
            }
            List<Tensor> stitched = takeGradients(decoder);
            for (ScalarType dtype : new ScalarType[] {ScalarType.Float, ScalarType.Double}) {
                double tolerance = dtype == ScalarType.Float ? 1e-4 : 1e-3;
                Tensor x = images.to(dtype);
                double compositeLoss;
                try (LossTarget target = loss.prepare(x)) {
                    Tensor features;
                    try (NoGradGuard frozen = new NoGradGuard()) {
                        features = vgg.features(x, VggTap.POOL3);
                    }
                    Tensor value = loss.loss(OpsReference.mix(decoder.forward(features), templates.to(dtype), beta), target);
                    value.backward();
                    compositeLoss = value.item_double();
                }
                List<Tensor> composite = takeGradients(decoder);
                String where = "seed " + seed + ", " + dtype + " composite, " + loss.describe();
                assertEquals(compositeLoss, stitchedLoss, tolerance * Math.abs(compositeLoss), where);
                for (int i = 0; i < stitched.size(); i++) {
                    Tensor expected = composite.get(i).to(ScalarType.Double), actual = stitched.get(i).to(ScalarType.Double);
                    double norm = expected.norm().item_double();
                    double error = actual.sub(expected).norm().item_double() / norm;
                    assertTrue(norm > 0, where + ": parameter " + i + " gets no gradient");
                    assertTrue(error <= tolerance, where + ": parameter " + i + " relative error " + error);
                }
            }
        }
    }

    private static List<Tensor> takeGradients(Decoder decoder) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : decoder.parameters()) {
            grads.add(p.grad().clone());
            p.grad().zero_();
        }
        return grads;
    }

    @Test
    void refusesTemplatesThatDoNotFitTheDecoderOrTheEncoder() {
        try (PointerScope scope = new PointerScope(); Decoder decoder = Decoder.initialised(4, 1)) {
            ViewingLoss loss = new ViewingLoss();
            assertThrows(IllegalArgumentException.class, () -> new MosaicStep(vgg, decoder, rand(5, 3, 8, 8), loss));
            assertThrows(IllegalArgumentException.class, () -> new MosaicStep(vgg, decoder, rand(4, 3, 16, 16), loss));
            MosaicStep step = new MosaicStep(vgg, decoder, rand(4, 3, 8, 8), loss);
            assertThrows(IllegalArgumentException.class, () -> step.logits(rand(1, 3, 44, 48)));
        }
    }
}
