package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.Decoder;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecoderTrainerTest {
    private static int threads;

    /** One LibTorch thread: on a loaded machine the many small ops would wait at OpenMP barriers. */
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
    void adamHasTheMethodsMomentsAndEpsilon() {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = Tensor.create(new float[] {1, 0}, 2).set_requires_grad(true);
            Adam adam = MethodAdam.create(List.of(p), 0.1);
            // Step 1, gradients (2, 1e-8): m̂ = g, v̂ = g², so the first moves lr·g/(|g| + ε): 0.1 and, with ε = 1e-8, 0.05.
            gradient(adam, p, 2, 1e-8);
            float[] v = values(p);
            assertEquals(0.9, v[0], 1e-6);
            assertEquals(-0.05, v[1], 1e-6);
            // Step 2, gradient -1: m = 0.9·0.2 − 0.1 = 0.08, v = 0.999·0.004 + 0.001 = 0.004996;
            // bias-corrected 0.08 / 0.19 and 0.004996 / 0.001999: m̂ still points down, so p falls 0.1·0.42105 / 1.58090 = 0.026633.
            gradient(adam, p, -1, 0);
            assertEquals(0.9 - 0.1 * (0.08 / 0.19) / Math.sqrt(0.004996 / (1 - 0.998001)), values(p)[0], 1e-6);
            adam.close();
        }
    }

    private static void gradient(Adam adam, Tensor p, double g0, double g1) {
        adam.zero_grad();
        p.mul(Tensor.create(new float[] {(float) g0, (float) g1}, 2)).sum().backward();
        adam.step();
    }

    private static float[] values(Tensor p) {
        float[] v = new float[(int) p.numel()];
        p.detach().contiguous().data_ptr_float().get(v);
        return v;
    }

    @Test
    void learningRateFallsByFourPercentEveryHundredSteps() {
        LearningRateSchedule lr = LearningRateSchedule.method();
        assertEquals(6e-6, lr.at(0), 0);
        assertEquals(6e-6, lr.at(99), 0);
        assertEquals(6e-6 * 0.96, lr.at(100), 1e-20);
        assertEquals(6e-6 * 0.96 * 0.96, lr.at(250), 1e-20);
        assertEquals(1e-3 * 0.96, lr.startingAt(1e-3).at(199), 1e-18);
        try (PointerScope scope = new PointerScope()) {
            Adam adam = MethodAdam.create(List.of(Tensor.create(new float[] {0}, 1).set_requires_grad(true)), 1e-3);
            MethodAdam.setLearningRate(adam, 2.5e-4);
            assertEquals(2.5e-4, MethodAdam.learningRate(adam), 0);
            adam.close();
        }
    }

    @Test
    void stepsLowerTheLossOnABatchAtTheScheduledBetaAndRate() {
        manual_seed(5);
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(3); Decoder decoder = Decoder.initialised(4, 9)) {
            Tensor images = rand(1, 3, 48, 48).mul(new Scalar(255));
            Tensor templates = rand(4, 3, 8, 8).mul(new Scalar(255));
            TemperatureSchedule beta = TemperatureSchedule.reaching(2.0, 20); // Δ = 0.5
            try (DecoderTrainer trainer = new DecoderTrainer(vgg, decoder, templates, new ViewingLoss(), beta,
                    LearningRateSchedule.method().startingAt(1e-2))) {
                DecoderTrainer.Step first = trainer.step(images), last = first;
                for (int i = 1; i < 12; i++) last = trainer.step(images);
                assertEquals(0, first.iteration());
                assertEquals(1.0, first.beta(), 0);
                assertEquals(11, last.iteration());
                assertEquals(1.5, last.beta(), 1e-12);
                assertEquals(1e-2, last.learningRate(), 0);
                assertEquals(12, trainer.iteration());
                assertTrue(last.loss() < first.loss(), "loss " + first.loss() + " -> " + last.loss());
            }
        }
    }
}
