package dev.tessera.bench;

import static org.bytedeco.pytorch.global.torch.grad;
import static org.bytedeco.pytorch.global.torch.randn;

import dev.tessera.ops.GaussianBlur;
import dev.tessera.ops.Ops;
import dev.tessera.ops.OpsReference;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
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
 * The pyramid downsamplers (level 1: 3 taps, stride 2; level 2: 5 taps, stride 4; padding 0/1),
 * each taken from the full-resolution image: native {@link Ops} against {@link OpsReference#blur},
 * forward, and backward (the reference's through LibTorch autograd on a retained graph).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 20, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class PyramidBenchmark {

    /** B×C×H×W of the full-resolution image: a training batch. */
    @Param({"6x3x512x512"})
    public String shape;

    @Param({"1", "2"})
    public int level;

    private GaussianBlur blur;
    private long height, width;
    private Tensor input, gradOut, leaf, referenceOut;

    @Setup(Level.Trial)
    public void setUp() {
        CpuThreads.useSameForBoth();
        TensorShape s = TensorShape.parse(shape);
        blur = GaussianBlur.pyramid(level);
        height = s.dim(2);
        width = s.dim(3);
        try (AutoGradMode gradOn = new AutoGradMode(true); PointerScope scope = new PointerScope()) {
            input = randn(s.dims());
            gradOut = randn(s.dim(0), s.dim(1), blur.outputSize(height), blur.outputSize(width));
            leaf = input.detach().requires_grad_(true);
            referenceOut = OpsReference.blur(leaf, blur);
            TrialTensors.keep(input, gradOut, leaf, referenceOut);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        TrialTensors.release(referenceOut, leaf, gradOut, input);
    }


    @Benchmark
    public float forwardNative() {
        try (PointerScope scope = new PointerScope()) {
            return Readback.first(Ops.blurForward(input, blur));
        }
    }

    @Benchmark
    public float forwardReference() {
        try (AutoGradMode gradOff = new AutoGradMode(false); PointerScope scope = new PointerScope()) {
            return Readback.first(OpsReference.blur(input, blur));
        }
    }

    @Benchmark
    public float backwardNative() {
        try (PointerScope scope = new PointerScope()) {
            return Readback.first(Ops.blurBackward(gradOut, blur, height, width));
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
}
