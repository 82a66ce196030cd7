package dev.tessera.bench;

import static org.bytedeco.pytorch.global.torch.empty_like;
import static org.bytedeco.pytorch.global.torch.grad;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.randn;

import dev.tessera.ops.Ops;
import dev.tessera.ops.OpsReference;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tempered softmax + template mix at training size (B = 6, 64×64 cells of 8×8 RGB templates, so a
 * 512² mosaic): native {@link Ops} against {@link OpsReference#mix} (softmax + conv_transpose2d),
 * forward, backward and forward+backward; the reference backward is LibTorch autograd of it.
 * Both backward passes start from the forward's softmax (autograd keeps it in its graph; the native
 * forward writes it when asked), as a training step runs them; {@code backwardNativeFromLogits}
 * times the native backward that recomputes the softmax instead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 20, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class MixBenchmark {
    private static final long BATCH = 6, CELLS = 64, CHANNELS = 3, TEMPLATE = 8;
    // Mid-schedule inverse temperature: the schedule rises from 1 to 15 (DESIGN §1 step 3).
    private static final float BETA = 5f;

    /** Number of templates: a glyph set, and a large photo-tile set. */
    @Param({"62", "1000"})
    public long templateCount;

    private Tensor logits, templates, gradOut, leaf, referenceOut, probabilities;

    @Setup(Level.Trial)
    public void setUp() {
        CpuThreads.useSameForBoth();
        try (AutoGradMode gradOn = new AutoGradMode(true); PointerScope scope = new PointerScope()) {
            logits = randn(BATCH, templateCount, CELLS, CELLS);
            templates = rand(templateCount, CHANNELS, TEMPLATE, TEMPLATE).mul_(new Scalar(255.0));
            gradOut = randn(BATCH, CHANNELS, CELLS * TEMPLATE, CELLS * TEMPLATE);
            leaf = logits.detach().requires_grad_(true);
            referenceOut = OpsReference.mix(leaf, templates, BETA);
            probabilities = empty_like(logits);
            Ops.mixForward(logits, templates, BETA, empty_like(referenceOut), probabilities);
            TrialTensors.keep(logits, templates, gradOut, leaf, referenceOut, probabilities);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        TrialTensors.release(probabilities, referenceOut, leaf, gradOut, templates, logits);
    }


    @Benchmark
    public float forwardNative() {
        try (PointerScope scope = new PointerScope()) {
            return Readback.first(Ops.mixForward(logits, templates, BETA));
        }
    }

    @Benchmark
    public float forwardReference() {
        try (AutoGradMode gradOff = new AutoGradMode(false); PointerScope scope = new PointerScope()) {
            return Readback.first(OpsReference.mix(logits, templates, BETA));
        }
    }

    @Benchmark
    public float backwardNative() {
        try (PointerScope scope = new PointerScope()) {
            return Readback.first(Ops.mixBackwardFromProbabilities(gradOut, probabilities, templates, BETA));
        }
    }

    @Benchmark
    public float backwardNativeFromLogits() {
        try (PointerScope scope = new PointerScope()) {
            return Readback.first(Ops.mixBackward(gradOut, logits, templates, BETA));
        }
    }

    @Benchmark
    public float backwardReference() {
        try (PointerScope scope = new PointerScope()) {
            TensorVector grads = grad(new TensorVector(referenceOut), new TensorVector(leaf), new TensorVector(gradOut),
                    new BoolOptional(true), false, false);
            return Readback.first(grads.get(0));
        }
    }

    @Benchmark
    public float forwardBackwardNative() {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = empty_like(logits);
            float seen = Readback.first(Ops.mixForward(logits, templates, BETA, empty_like(referenceOut), p));
            return seen + Readback.first(Ops.mixBackwardFromProbabilities(gradOut, p, templates, BETA));
        }
    }

    @Benchmark
    public float forwardBackwardReference() {
        try (AutoGradMode gradOn = new AutoGradMode(true); PointerScope scope = new PointerScope()) {
            Tensor x = logits.detach().requires_grad_(true);
            Tensor out = OpsReference.mix(x, templates, BETA);
            out.backward(gradOut, new BoolOptional(), false, new TensorArrayRefOptional());
            return Readback.first(out) + Readback.first(x.grad());
        }
    }
}
