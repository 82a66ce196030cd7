package dev.tessera.reliability;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.Decoder;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.testing.OneTorchThread;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.DecoderTrainer;
import dev.tessera.train.LearningRateSchedule;
import dev.tessera.train.TemperatureSchedule;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training keeps memory flat: the loop of `tessera train` (a step in its own PointerScope, a
 * checkpoint with Adam's state every 10 steps) run for {@value #STEPS} steps at 32², batch 1, after
 * a warm-up of {@value #WARM_UP}, comparing used heap (after GC) and the process's physical memory
 * outside the heap ({@link Pointer#physicalBytes()}, after malloc_trim) before and after.
 * bench/memory.sh runs the real CLI for 1,000 steps and watches its RSS.
 */
@ExtendWith(OneTorchThread.class)
class TrainMemoryTest {
    private static final int WARM_UP = 50;
    private static final int STEPS = 150;
    private static final int CHECKPOINT_EVERY = 10;
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
    /** Measured growth over 150 steps: see docs/reliability.md. A leaked checkpoint (0.3 MB of floats) per save adds 4.5 MB. */
    private static final long HEAP_BOUND = 3L << 20;
    /**
     * Measured native growth over 150 steps: see docs/reliability.md. The bound catches a leak of
     * 200 KB or more per step: one conv1 activation of VGG16 at 32² (64×32×32 floats, 256 KB) left
     * outside the step's scope, let alone a whole autograd graph.
     */
    private static final long PHYSICAL_BOUND = 30L << 20;

    @TempDir
    Path dir;

    @Test
    void oneHundredFiftyTrainingStepsWithCheckpointsKeepHeapAndNativeMemoryFlat() throws Exception {
        manual_seed(5);
        int templates = NAMES.size();
        Path file = dir.resolve("model.tsr");
        try (Vgg16 encoder = Vgg16.seeded(3); Decoder decoder = Decoder.initialised(templates, 1); PointerScope keep = new PointerScope()) {
            Tensor kernel = rand(templates, 3, 8, 8).mul(new Scalar(255));
            Tensor images = rand(4, 3, 32, 32).mul(new Scalar(255));
            try (DecoderTrainer trainer = new DecoderTrainer(encoder, decoder, kernel,
                    new ViewingLoss(ViewingLossConfig.defaults().withScales(List.of(0, 1))), TemperatureSchedule.reaching(15, 40),
                    LearningRateSchedule.method().startingAt(1e-3))) {
                for (int i = 0; i < WARM_UP; i++) step(trainer, encoder, decoder, images, file);
                MemoryProbe.touchTheHeap();
                long heapBefore = MemoryProbe.usedHeapAfterGc(), nativeBefore = MemoryProbe.nativeBytes();
                for (int i = 0; i < STEPS; i++) step(trainer, encoder, decoder, images, file);
                long heapGrowth = MemoryProbe.usedHeapAfterGc() - heapBefore, nativeGrowth = MemoryProbe.nativeBytes() - nativeBefore;
                System.out.printf("train memory: %d steps, heap %+.2f MB, native %+.2f MB (physical %.0f MB)%n", STEPS, heapGrowth / 1e6,
                        nativeGrowth / 1e6, Pointer.physicalBytes() / 1e6);
                assertEquals(WARM_UP + STEPS, Checkpoint.load(file).iteration());
                assertTrue(heapGrowth < HEAP_BOUND, "used heap grew by " + heapGrowth + " bytes over " + STEPS + " steps");
                assertTrue(nativeGrowth < PHYSICAL_BOUND, "native memory grew by " + nativeGrowth + " bytes over " + STEPS + " steps");
            }
        }
    }

    /** One iteration as TrainCommand runs it: the step in its own scope, then a checkpoint every so often. */
    private static void step(DecoderTrainer trainer, Vgg16 encoder, Decoder decoder, Tensor images, Path file) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            long i = trainer.iteration();
            trainer.step(images.narrow(0, i % 4, 1));
        }
        if (trainer.iteration() % CHECKPOINT_EVERY == 0)
            Checkpoint.of(decoder, "0123456789abcdef", NAMES, encoder.origin(), encoder.preprocessing(),
                    new Checkpoint.Hyperparameters(1, 32, 1e-3, WARM_UP + STEPS, 1), trainer.temperature().state(),
                    trainer.optimizerState(file)).save(file);
    }
}
