package dev.tessera.bench;

import static org.bytedeco.pytorch.global.torch.rand;

import dev.tessera.model.LossTarget;
import dev.tessera.model.PerceptualLoss;
import dev.tessera.model.PerceptualLossConfig;
import dev.tessera.model.Vgg16;
import dev.tessera.model.VggTap;
import dev.tessera.model.ViewingLoss;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
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
 * VGG16 and the losses built on it, on CPU (LibTorch only, no native Tessera kernels):
 *
 * <ul>
 *   <li>{@code vggForwardPool3}: the encoder's VGG16 forward to pool3 (7 convs, 3 pools), grad off;
 *   <li>{@code perceptualForwardBackward}: the paper's {@code vgg16} loss ({@link PerceptualLossConfig#paper()}:
 *       relu1_1 … relu5_1 at scales 0, 1, 2, prediction blurred) forward and backward to the prediction;
 *   <li>{@code viewingForwardBackward}: the weight-free default {@link ViewingLoss} (Oklab MSE + SSIM
 *       at scales 0, 1, 2) forward and backward to the prediction.
 * </ul>
 *
 * The VGG16 is {@link Vgg16#seeded} (He-normal): weights do not change the cost. The loss targets
 * are prepared once per trial, as training does; each call makes a fresh leaf from the prediction,
 * builds the graph, runs {@code backward()} and reads the loss and the gradient. Images are uniform
 * 0..255. A 6×3×512² perceptual forward+backward takes seconds, so iterations are few and long.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 3, time = 10, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class VggBenchmark {

    /** B×C×H×W: one small image, and a training batch. */
    @Param({"1x3x256x256", "6x3x512x512"})
    public String shape;

    private Vgg16 vgg;
    private PerceptualLoss perceptual;
    private ViewingLoss viewing;
    private LossTarget perceptualTarget, viewingTarget;
    private Tensor image, prediction;

    @Setup(Level.Trial)
    public void setUp() {
        CpuThreads.useSameForBoth();
        TensorShape s = TensorShape.parse(shape);
        vgg = Vgg16.seeded(1);
        perceptual = new PerceptualLoss(vgg, PerceptualLossConfig.paper());
        viewing = new ViewingLoss();
        try (AutoGradMode gradOff = new AutoGradMode(false); PointerScope scope = new PointerScope()) {
            image = rand(s.dims()).mul(new Scalar(255.0));
            prediction = rand(s.dims()).mul(new Scalar(255.0));
            TrialTensors.keep(image, prediction);
        }
        perceptualTarget = perceptual.prepare(image);
        viewingTarget = viewing.prepare(image);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        viewingTarget.close();
        perceptualTarget.close();
        TrialTensors.release(prediction, image);
        vgg.close();
    }

    @Benchmark
    public float vggForwardPool3() {
        try (AutoGradMode gradOff = new AutoGradMode(false); PointerScope scope = new PointerScope()) {
            return Readback.first(vgg.features(image, VggTap.POOL3));
        }
    }

    @Benchmark
    public float perceptualForwardBackward() {
        try (AutoGradMode gradOn = new AutoGradMode(true); PointerScope scope = new PointerScope()) {
            Tensor x = prediction.detach().requires_grad_(true);
            Tensor loss = perceptual.loss(x, perceptualTarget);
            loss.backward();
            return Readback.first(loss) + Readback.first(x.grad());
        }
    }

    @Benchmark
    public float viewingForwardBackward() {
        try (AutoGradMode gradOn = new AutoGradMode(true); PointerScope scope = new PointerScope()) {
            Tensor x = prediction.detach().requires_grad_(true);
            Tensor loss = viewing.loss(x, viewingTarget);
            loss.backward();
            return Readback.first(loss) + Readback.first(x.grad());
        }
    }
}
