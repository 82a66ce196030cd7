package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.Decoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.testing.OneTorchThread;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(OneTorchThread.class)
class DecoderFitTest {
    /** 1×3×48×48: a colour ramp under a checker of 8-px cells, so neighbouring cells want different templates. */
    static Tensor picture(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int side = 48, n = side * side;
        float[] p = new float[3 * n];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++) {
                boolean dark = ((x / 8) + (y / 8)) % 2 == 0;
                p[y * side + x] = x * 255f / side;
                p[n + y * side + x] = y * 255f / side;
                p[2 * n + y * side + x] = (dark ? 40 : 200) + rnd.nextInt(30);
            }
        return Tensor.create(p, 1, 3, side, side);
    }

    /** N×3×8×8: a flat colour each, with a darker diagonal, drawn from the seed. */
    static Tensor templates(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] t = new float[n * 3 * 64];
        for (int k = 0; k < n; k++)
            for (int c = 0; c < 3; c++) {
                float v = rnd.nextInt(256);
                for (int i = 0; i < 64; i++) t[(k * 3 + c) * 64 + i] = i / 8 == i % 8 ? v / 3 : v;
            }
        return Tensor.create(t, n, 3, 8, 8);
    }

    /** Nearest template per cell by mean squared RGB difference: a stand-in for classic. */
    static int[] nearest(Tensor image, Tensor templates) {
        float[] d = new float[(int) (templates.size(0) * 36)];
        LogitFit.distances(image, templates).contiguous().data_ptr_float().get(d);
        int[] choice = new int[36];
        for (int c = 0; c < 36; c++)
            for (int k = 1; k < templates.size(0); k++) if (d[k * 36 + c] < d[choice[c] * 36 + c]) choice[c] = k;
        return choice;
    }

    @Test
    void theWarmStartTeachesTheDecoderClassicsChoiceAndTheFitReportsItsArgmax() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(3); Decoder decoder = Decoder.initialised(8, 4)) {
            Tensor image = picture(1), templates = templates(8, 2);
            int[] classic = nearest(image, templates);
            List<ClassicImitation.Step> warm = new ArrayList<>();
            List<DecoderFit.Progress> seen = new ArrayList<>();
            ViewingLoss loss = new ViewingLoss();
            DecoderFit.Result r = DecoderFit.fit(vgg, decoder, image, templates, classic, loss,
                    new DecoderFit.Settings(10, 1e-3, 5, new ClassicImitation.Settings(150, 1e-2)), warm::add, seen::add);
            assertEquals(150, warm.size());
            assertTrue(warm.get(0).agreement() < 0.5, "a fresh decoder agrees with classic by chance only: " + warm.get(0));
            assertTrue(warm.get(149).crossEntropy() < 0.2 * warm.get(0).crossEntropy(), warm.get(0) + " -> " + warm.get(149));
            assertEquals(1.0, r.warmAgreement(), 0, "after the warm start the argmax is classic's in every cell");
            try (LossTarget target = loss.prepare(image)) {
                assertEquals(r.classicLoss(), r.warmLoss(), 1e-9 * r.classicLoss(), "so its loss is classic's");
                double hard = loss.loss(HardMosaic.paste(r.choice(), templates, 6, 6), target).item_double();
                assertEquals(r.bestLoss(), hard, 1e-6 * hard, "the reported loss is the returned choice's");
            }
            assertTrue(r.bestLoss() <= r.warmLoss());
            assertEquals(10, seen.size());
            assertTrue(Double.isNaN(seen.get(3).hardLoss()) && !Double.isNaN(seen.get(4).hardLoss()), "scored every 5 steps");
            for (DecoderFit.Progress p : seen) assertEquals(TemperatureSchedule.END, p.beta(), 0, "no ramp after the warm start");
            int changed = 0;
            for (int i = 0; i < 36; i++) if (r.choice()[i] != classic[i]) changed++;
            assertEquals(changed, r.changedCells());
        }
    }

    @Test
    void withoutAWarmStartTheFitStartsFromTheDecodersOwnArgmax() {
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(3); Decoder decoder = Decoder.initialised(8, 4)) {
            Tensor image = picture(1), templates = templates(8, 2);
            int[] classic = nearest(image, templates);
            List<ClassicImitation.Step> warm = new ArrayList<>();
            DecoderFit.Result r = DecoderFit.fit(vgg, decoder, image, templates, classic, new ViewingLoss(),
                    new DecoderFit.Settings(0, 1e-3, 5, new ClassicImitation.Settings(0, 1e-2)), warm::add, p -> {});
            assertTrue(warm.isEmpty());
            assertTrue(r.warmAgreement() < 0.5, "agreement " + r.warmAgreement());
            assertTrue(r.warmLoss() > r.classicLoss(), "a random decoder's argmax loses to classic: " + r.warmLoss() + " vs " + r.classicLoss());
            assertEquals(r.warmLoss(), r.bestLoss(), 0);
            assertArrayEquals(r.choice(), r.choice().clone());
        }
    }
}
