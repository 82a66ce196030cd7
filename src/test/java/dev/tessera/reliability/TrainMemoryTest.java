package dev.tessera.reliability;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.Decoder;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.DecoderTrainer;
import dev.tessera.train.LearningRateSchedule;
import dev.tessera.train.TemperatureSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training keeps memory flat: the loop of `tessera train` (a step in its own PointerScope, a
 * checkpoint with Adam's state every 10 steps) run for {@value #STEPS} steps at 32², batch 1, after
 * a warm-up of {@value #WARM_UP}, comparing used heap (after GC) and the process's physical memory
 * ({@link Pointer#physicalBytes()}, after malloc_trim) before and after.
 *
 * <p>It runs in a child JVM whose heap is fixed and resident from the start (-Xms = -Xmx,
 * AlwaysPreTouch), so that all growth of physical memory is native: in the test JVM, where G1
 * commits and uncommits hundreds of MB at will, physical memory less the committed heap swung by
 * ±180 MB between runs of this same loop. bench/memory.sh runs the real CLI for 1,000 steps.
 */
class TrainMemoryTest {
    private static final int WARM_UP = 50;
    private static final int STEPS = 150;
    private static final int CHECKPOINT_EVERY = 10;
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
    /** Measured growth over 150 steps: see docs/reliability.md. A leaked checkpoint (0.3 MB of floats) per save adds 4.5 MB. */
    private static final long HEAP_BOUND = 3L << 20;
    /**
     * Measured native growth over 150 steps: see docs/reliability.md. The bound catches a leak of
     * 110 KB or more per step: half of one conv1 activation of VGG16 at 32² (64×32×32 floats,
     * 256 KB) left outside the step's scope, let alone a whole autograd graph.
     */
    private static final long PHYSICAL_BOUND = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void oneHundredFiftyTrainingStepsWithCheckpointsKeepHeapAndNativeMemoryFlat() throws Exception {
        Path log = dir.resolve("child.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms256m",
                "-Xmx256m", "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"), TrainMemoryTest.class.getName(),
                dir.resolve("model.tsr").toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process child = pb.start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            throw new AssertionError("the training child did not finish in 120 s:\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, child.exitValue(), out);
        String result = out.lines().filter(l -> l.startsWith("train memory:")).findFirst().orElseThrow(() -> new AssertionError(out));
        System.out.println(result);
        // "train memory: STEPS steps, heap H bytes, native N bytes, physical P bytes"
        String[] words = result.split("[ ,]+");
        long heapGrowth = Long.parseLong(words[5]), nativeGrowth = Long.parseLong(words[8]);
        assertEquals(WARM_UP + STEPS, Checkpoint.load(dir.resolve("model.tsr")).iteration());
        assertTrue(heapGrowth < HEAP_BOUND, "used heap grew by " + heapGrowth + " bytes over " + STEPS + " steps");
        assertTrue(nativeGrowth < PHYSICAL_BOUND, "physical memory grew by " + nativeGrowth + " bytes over " + STEPS + " steps");
    }

    /** The child: trains, checkpointing into args[0], and prints one line of growth. */
    public static void main(String[] args) throws Exception {
        torch.set_num_threads(1);
        manual_seed(5);
        Path file = Path.of(args[0]);
        try (Vgg16 encoder = Vgg16.seeded(3); Decoder decoder = Decoder.initialised(NAMES.size(), 1); PointerScope keep = new PointerScope()) {
            Tensor kernel = rand(NAMES.size(), 3, 8, 8).mul(new Scalar(255));
            Tensor images = rand(4, 3, 32, 32).mul(new Scalar(255));
            try (DecoderTrainer trainer = new DecoderTrainer(encoder, decoder, kernel,
                    new ViewingLoss(ViewingLossConfig.defaults().withScales(List.of(0, 1))), TemperatureSchedule.reaching(15, 40),
                    LearningRateSchedule.method().startingAt(1e-3))) {
                for (int i = 0; i < WARM_UP; i++) step(trainer, encoder, decoder, images, file);
                long heapBefore = MemoryProbe.usedHeapAfterGc();
                Pointer.trimMemory();
                long physicalBefore = Pointer.physicalBytes();
                for (int i = 0; i < STEPS; i++) step(trainer, encoder, decoder, images, file);
                long heapGrowth = MemoryProbe.usedHeapAfterGc() - heapBefore;
                Pointer.trimMemory();
                long physicalGrowth = Pointer.physicalBytes() - physicalBefore;
                System.out.printf("train memory: %d steps, heap %d bytes, native %d bytes, physical %d bytes%n", STEPS, heapGrowth,
                        physicalGrowth, Pointer.physicalBytes());
            }
        }
    }

    /** One iteration as TrainCommand runs it: the step in its own scope, then a checkpoint every so often. */
    private static void step(DecoderTrainer trainer, Vgg16 encoder, Decoder decoder, Tensor images, Path file) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            trainer.step(images.narrow(0, trainer.iteration() % 4, 1));
        }
        if (trainer.iteration() % CHECKPOINT_EVERY == 0)
            Checkpoint.of(decoder, "0123456789abcdef", NAMES, encoder.origin(), encoder.preprocessingName(),
                    new Checkpoint.Hyperparameters(1, 32, 1e-3, WARM_UP + STEPS, 1), trainer.temperature().state(),
                    trainer.optimizerState(file)).save(file);
    }
}
