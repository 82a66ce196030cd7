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
 * The viewing-distance blur (8 taps, σ = 3, padding 3/4, stride 1): native {@link Ops} against the
 * LibTorch composite {@link OpsReference#blur} (pad + depthwise conv2d), forward, backward and
 * forward+backward. The reference backward is LibTorch autograd of the reference: alone, on a graph
 * built once and retained; with its forward, on a fresh graph each call (what training would pay).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 20, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class BlurBenchmark {

    /** B×C×H×W: a training batch, and one small image. */
    @Param({"6x3x512x512", "1x3x256x256"})
    public String shape;

    private final GaussianBlur blur = GaussianBlur.viewing();
    private long height, width;
    private Tensor input, gradOut, leaf, referenceOut;

    @Setup(Level.Trial)
    public void setUp() {
        CpuThreads.useSameForBoth();
        TensorShape s = TensorShape.parse(shape);
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

    @Benchmark
    public float forwardBackwardNative() {
        try (PointerScope scope = new PointerScope()) {
            float seen = Readback.first(Ops.blurForward(input, blur));
            return seen + Readback.first(Ops.blurBackward(gradOut, blur, height, width));
        }
    }

    @Benchmark
    public float forwardBackwardReference() {
        try (AutoGradMode gradOn = new AutoGradMode(true); PointerScope scope = new PointerScope()) {
            Tensor x = input.detach().requires_grad_(true);
            Tensor out = OpsReference.blur(x, blur);
            out.backward(gradOut, new BoolOptional(), false, new TensorArrayRefOptional());
            return Readback.first(out) + Readback.first(x.grad());
        }
    }
}
