package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The 13-convolution VGG16 feature stack (3×3 pad 1 conv + ReLU, 2×2/2 max-pool), frozen: its
 * parameters never require grad and it has no train-time behaviour (no dropout, no batch norm), so
 * it is always in eval mode. Gradients flow through it to the input. It runs only as deep as the
 * requested taps need.
 *
 * <p>Weights come from the user's own file ({@link #load}), from tensors in memory
 * ({@link #fromParameters}), or, only when asked, from a fixed seed ({@link #seeded}). The
 * parameters are long-lived native memory owned by this object: close it when done. Not
 * thread-safe.
 */
public final class Vgg16 implements Encoder {
    /** The stack in order: C = conv 3×3 + ReLU, P = max-pool 2×2/2 (pool5 is never needed). */
    private static final String STACK = "CCPCCPCCCPCCCPCCC";

    private final Tensor[] weights = new Tensor[Vgg16Layout.CONVS];
    private final Tensor[] biases = new Tensor[Vgg16Layout.CONVS];
    private final Preprocessing preprocessing;
    private final String origin;
    private boolean closed;

    private Vgg16(Map<String, Tensor> owned, Preprocessing preprocessing, String origin) {
        for (int c = 0; c < Vgg16Layout.CONVS; c++) {
            weights[c] = owned.get(Vgg16Layout.weightName(c)).set_requires_grad(false);
            biases[c] = owned.get(Vgg16Layout.biasName(c)).set_requires_grad(false);
        }
        this.preprocessing = preprocessing;
        this.origin = origin;
    }

    /**
     * Loads a weight file: a torchvision or timm VGG16 state dict saved by torch.save (zip or
     * legacy layout) or as safetensors. Preprocessing is what the file records (safetensors
     * metadata "preprocessing": "imagenet" or "caffe"), else ImageNet, as torchvision and timm
     * weights need. Caffe-converted weights need {@link #load(Path, Preprocessing)}.
     *
     * @throws IOException naming the file and the first problem: unreadable, truncated, corrupt, or
     *     a name, shape or dtype that is not VGG16's
     */
    public static Vgg16 load(Path file) throws IOException {
        WeightFiles.Loaded w = WeightFiles.read(file);
        Preprocessing p = w.recordedPreprocessing().orElse(Preprocessing.IMAGENET);
        String how = w.recordedPreprocessing().isPresent() ? "as recorded in the file" : "assumed for torchvision/timm weights";
        return new Vgg16(w.tensors(), p, file + " (" + w.format() + "), " + p.flag() + " preprocessing " + how);
    }

    /** Loads a weight file (as {@link #load(Path)}) with the preprocessing its weights were trained with. */
    public static Vgg16 load(Path file, Preprocessing preprocessing) throws IOException {
        WeightFiles.Loaded w = WeightFiles.read(file);
        return new Vgg16(w.tensors(), preprocessing, file + " (" + w.format() + "), " + preprocessing.flag() + " preprocessing as given");
    }

    /**
     * A VGG16 from tensors under torchvision's names ({@link #parameterNames()}); extra names are
     * ignored. The tensors are copied (as float32), so the caller keeps ownership of its own.
     *
     * @throws IllegalArgumentException naming the first missing name, wrong shape or non-floating dtype
     */
    public static Vgg16 fromParameters(Map<String, Tensor> parameters, Preprocessing preprocessing) {
        Map<String, StoredTensor> declared = new LinkedHashMap<>();
        parameters.forEach((name, t) -> declared.put(name, describe(t)));
        Optional<String> mismatch = Vgg16Layout.firstMismatch(declared);
        if (mismatch.isPresent()) throw new IllegalArgumentException("not VGG16 feature weights: " + mismatch.get());
        Map<String, Tensor> owned = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (String name : Vgg16Layout.names()) {
                Tensor copy = parameters.get(name).detach().to(ScalarType.Float, false, true, new MemoryFormatOptional()).contiguous();
                copy.retainReference(); // outlives the scope, released by close()
                owned.put(name, copy);
            }
        }
        return new Vgg16(owned, preprocessing, "parameters given in memory, " + preprocessing.flag() + " preprocessing");
    }

    /**
     * A VGG16 with He-normal weights (std √(2 / fan_in), zero biases) from a fixed seed, identical on
     * every machine: SplittableRandom and Box–Muller in double with StrictMath, rounded to float. For tests and
     * experiments only: as a loss network it scores far below plain colour matching (DESIGN §2),
     * and it says so on stderr.
     */
    public static Vgg16 seeded(long seed) {
        System.err.println("tessera: using a SEEDED RANDOM VGG16 (seed " + seed + "), not pretrained weights:"
                + " features are not perceptual; supply a VGG16 weight file for the paper's loss");
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> owned = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (int c = 0; c < Vgg16Layout.CONVS; c++) {
                long[] shape = Vgg16Layout.weightShape(c);
                // fan_in keeps the activations' variance through the ReLUs, so deep taps are not ~0.
                double std = StrictMath.sqrt(2.0 / (Vgg16Layout.inChannels(c) * 9));
                float[] w = new float[(int) StoredTensor.numel(shape)];
                for (int k = 0; k < w.length; k += 2) {
                    double u1 = 1.0 - random.nextDouble(), u2 = random.nextDouble();
                    double r = StrictMath.sqrt(-2 * StrictMath.log(u1)) * std;
                    w[k] = (float) (r * StrictMath.cos(2 * Math.PI * u2));
                    if (k + 1 < w.length) w[k + 1] = (float) (r * StrictMath.sin(2 * Math.PI * u2));
                }
                Tensor weight = Tensor.create(w, shape);
                Tensor bias = Tensor.create(new float[Vgg16Layout.OUT_CHANNELS[c]], Vgg16Layout.biasShape(c));
                weight.retainReference(); // outlive the scope, released by close()
                bias.retainReference();
                owned.put(Vgg16Layout.weightName(c), weight);
                owned.put(Vgg16Layout.biasName(c), bias);
            }
        }
        return new Vgg16(owned, Preprocessing.IMAGENET, "seeded random weights (seed " + seed + "), not pretrained");
    }

    /** torchvision's names of the 26 feature parameters, in network order. */
    public static List<String> parameterNames() {
        return Vgg16Layout.names();
    }

    /** The expected shape of a named parameter, e.g. [64, 3, 3, 3] for features.0.weight. */
    public static long[] parameterShape(String name) {
        return Vgg16Layout.shapeOf(name);
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    @Override
    public String preprocessingName() {
        return preprocessing.flag();
    }

    /** The encoder's features: pool3, 256 channels at H/8 × W/8. */
    @Override
    public Tensor features(Tensor rgb) {
        return features(rgb, VggTap.POOL3);
    }

    /** Where the weights came from and which preprocessing applies, in words. */
    @Override
    public String origin() {
        return origin;
    }

    /**
     * Features at the requested taps of an image batch (B×3×H×W RGB 0..255, any floating dtype;
     * preprocessing is applied here). Differentiable with respect to the image. H and W must be at
     * least 2^pools of the deepest tap.
     */
    public Map<VggTap, Tensor> features(Tensor rgb, Collection<VggTap> taps) {
        checkOpen();
        if (taps.isEmpty()) throw new IllegalArgumentException("no VGG16 taps requested");
        if (rgb.dim() != 4 || rgb.size(1) != 3)
            throw new IllegalArgumentException("VGG16 input must be B×3×H×W RGB, got shape " + Arrays.toString(rgb.sizes().vec().get()));
        int depth = 0, pools = 0;
        for (VggTap t : taps) {
            depth = Math.max(depth, t.depth());
            pools = Math.max(pools, t.pools());
        }
        long minSide = 1L << pools;
        if (rgb.size(2) < minSide || rgb.size(3) < minSide)
            throw new IllegalArgumentException("image " + rgb.size(2) + "×" + rgb.size(3) + " is too small for VGG16 taps "
                    + taps + ": they need at least " + minSide + "×" + minSide + " pixels");
        Map<VggTap, Tensor> out = new EnumMap<>(VggTap.class);
        Tensor x = preprocessing.apply(rgb);
        int conv = 0;
        for (int step = 1; step <= depth; step++) {
            if (STACK.charAt(step - 1) == 'P') {
                x = max_pool2d(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1}, false);
            } else {
                Tensor w = weights[conv].to(x.options(), false, false, new MemoryFormatOptional());
                Tensor b = biases[conv].to(x.options(), false, false, new MemoryFormatOptional());
                x = relu(conv2d(x, w, new TensorOptional(b), new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1));
                conv++;
            }
            for (VggTap t : taps) if (t.depth() == step) out.put(t, x);
        }
        return out;
    }

    /** Features at one tap, e.g. {@link VggTap#POOL3} for the encoder. */
    public Tensor features(Tensor rgb, VggTap tap) {
        return features(rgb, List.of(tap)).get(tap);
    }

    /** A parameter by torchvision name, for tests that pin the seeded weights. */
    Tensor parameter(String name) {
        checkOpen();
        for (int c = 0; c < Vgg16Layout.CONVS; c++) {
            if (name.equals(Vgg16Layout.weightName(c))) return weights[c];
            if (name.equals(Vgg16Layout.biasName(c))) return biases[c];
        }
        throw new IllegalArgumentException(name + " is not a VGG16 feature parameter");
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this Vgg16 is closed");
    }

    /** Frees the parameters; closing twice is harmless, use after close throws IllegalStateException. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (int c = 0; c < Vgg16Layout.CONVS; c++) {
            weights[c].close();
            biases[c].close();
        }
    }

    private static StoredTensor describe(Tensor t) {
        ScalarType type = t.scalar_type().intern();
        for (WeightDtype d : WeightDtype.values())
            if (d.scalarType == type) return new StoredTensor(d.name(), d, t.sizes().vec().get());
        return new StoredTensor(type.toString(), null, t.sizes().vec().get());
    }
}
