package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.LossTarget;
import dev.tessera.model.ViewingLoss;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogitFitTest {
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
    void pasteCopiesEachCellsTemplate() {
        try (PointerScope scope = new PointerScope()) {
            Tensor templates = rand(3, 3, 2, 2);
            Tensor mosaic = HardMosaic.paste(new int[] {2, 0, 1, 1, 2, 0}, templates, 2, 3);
            assertArrayEquals(new long[] {1, 3, 4, 6}, mosaic.sizes().vec().get());
            // Row 1, column 0 holds template 1; its pixel (y 1, x 0) of channel 2.
            assertEquals(templates.get(1).get(2).get(1).get(0).item_float(), mosaic.get(0).get(2).get(3).get(0).item_float(), 0);
        }
    }

    @Test
    void keepsTheBestHardChoiceSoItNeverLosesToItsStart() {
        long seed = System.nanoTime();
        manual_seed(seed);
        try (PointerScope scope = new PointerScope()) {
            Tensor image = rand(1, 3, 48, 48).mul(new Scalar(255)), templates = rand(5, 3, 8, 8).mul(new Scalar(255));
            int[] start = new int[36];
            for (int i = 0; i < start.length; i++) start[i] = i % 5;
            ViewingLoss loss = new ViewingLoss();
            List<LogitFit.Progress> seen = new ArrayList<>();
            LogitFit.Result r = LogitFit.fit(image, templates, start, loss, new LogitFit.Settings(20, 0.1, 5), seen::add);
            assertTrue(r.bestLoss() <= r.startLoss(), "seed " + seed);
            assertTrue(r.bestLoss() < r.startLoss(), "seed " + seed + ": an arbitrary start should be improved on");
            assertEquals(20, seen.size());
            assertEquals(TemperatureSchedule.END, seen.get(19).beta(), 1e-9, "β ramps to 15 over the first half of the steps");
            try (LossTarget target = loss.prepare(image)) {
                double hard = loss.loss(HardMosaic.paste(r.choice(), templates, 6, 6), target).item_double();
                assertEquals(r.bestLoss(), hard, 1e-6 * hard, "the reported loss is the returned choice's");
            }
            LogitFit.Result none = LogitFit.fit(image, templates, start, loss, new LogitFit.Settings(0, 0.1, 5), p -> {});
            assertArrayEquals(start, none.choice());
            assertEquals(0, none.changedCells());
            assertThrows(IllegalArgumentException.class,
                    () -> LogitFit.fit(image, templates, new int[] {7}, loss, new LogitFit.Settings(1, 0.1, 5), p -> {}));
        }
    }
}
