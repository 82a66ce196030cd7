package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.layer_norm;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;

/**
 * The method's decoder, the only trained part (DESIGN §1 step 2): encoder features B×256×h×w →
 * conv 1×1 256→256 + bias → LayerNorm → ReLU → conv 3×3 pad 1 256→N + bias → LayerNorm → logits
 * B×N×h×w, one per template and cell. "LayerNorm" normalises each sample over all of C, H, W with
 * the biased variance and ε = 1e-12, with no gain or bias. 65,792 + 2,305·N parameters.
 *
 * <p>The parameters are float32 leaves that require grad, long-lived native memory owned by this
 * object (close it); {@link #forward} runs in the input's dtype, so a double input gives a double
 * graph whose gradients still land on the float parameters. Not thread-safe.
 */
public final class Decoder implements AutoCloseable {
    /** Channels of the encoder's output, VGG16 pool3. */
    public static final int FEATURES = 256;
    /** The reference's LayerNorm ε: small enough to be a pure guard against a constant map. */
    static final double LAYER_NORM_EPS = 1e-12;

    private static final String[] NAMES = {"conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"};

    private final int templates;
    private final Tensor[] parameters;
    private boolean closed;

    private Decoder(int templates, Tensor[] parameters) {
        this.templates = templates;
        this.parameters = parameters;
    }

    /**
     * A fresh decoder for {@code templates} templates: Xavier-uniform weights (bound
     * √(6 / (fan_in + fan_out)), as the reference initialises them), zero biases, drawn from
     * {@code seed} with SplittableRandom in double and rounded to float, identical on every machine.
     */
    public static Decoder initialised(int templates, long seed) {
        if (templates < 1) throw new IllegalArgumentException("a decoder needs at least one template, got " + templates);
        SplittableRandom random = new SplittableRandom(seed);
        Tensor[] p = new Tensor[NAMES.length];
        try (PointerScope scope = new PointerScope()) {
            p[0] = xavier(random, FEATURES, FEATURES, 1);
            p[1] = Tensor.create(new float[FEATURES], FEATURES);
            p[2] = xavier(random, templates, FEATURES, 3);
            p[3] = Tensor.create(new float[templates], templates);
            for (Tensor t : p) {
                t.set_requires_grad(true);
                t.retainReference(); // outlives the scope, released by close()
            }
        }
        return new Decoder(templates, p);
    }

    /** The name and shape of each parameter of a decoder for {@code templates} templates, in order. */
    public static Map<String, long[]> parameterShapes(int templates) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(NAMES[0], new long[] {FEATURES, FEATURES, 1, 1});
        shapes.put(NAMES[1], new long[] {FEATURES});
        shapes.put(NAMES[2], new long[] {templates, FEATURES, 3, 3});
        shapes.put(NAMES[3], new long[] {templates});
        return shapes;
    }

    private static Tensor xavier(SplittableRandom random, int out, int in, int k) {
        double bound = Math.sqrt(6.0 / ((double) in * k * k + (double) out * k * k));
        float[] w = new float[out * in * k * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        return Tensor.create(w, out, in, k, k);
    }

    /** Logits B×N×h×w of features B×256×h×w (any floating dtype; the result has the features' dtype). */
    public Tensor forward(Tensor features) {
        checkOpen();
        if (features.dim() != 4 || features.size(1) != FEATURES)
            throw new IllegalArgumentException("decoder input must be B×" + FEATURES + "×h×w encoder features (VGG16 pool3), got shape "
                    + java.util.Arrays.toString(features.sizes().vec().get()));
        Tensor x = conv2d(features, as(parameters[0], features), new TensorOptional(as(parameters[1], features)),
                new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 1);
        x = relu(layerNorm(x));
        x = conv2d(x, as(parameters[2], features), new TensorOptional(as(parameters[3], features)),
                new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1);
        return layerNorm(x);
    }

    /** Per sample, over C, H and W together: (x − mean) / √(biased variance + ε), no affine. */
    static Tensor layerNorm(Tensor x) {
        return layer_norm(x, new long[] {x.size(1), x.size(2), x.size(3)}, new TensorOptional(), new TensorOptional(),
                LAYER_NORM_EPS, false);
    }

    private static Tensor as(Tensor parameter, Tensor like) {
        return parameter.to(like.options(), false, false, new MemoryFormatOptional());
    }

    /** N, the number of templates (output channels). */
    public int templates() {
        return templates;
    }

    /** The trainable tensors in a fixed order (conv1 weight, bias, conv2 weight, bias): what an optimizer updates. */
    public List<Tensor> parameters() {
        checkOpen();
        return List.of(parameters);
    }

    /** The parameters under their names (conv1.weight, conv1.bias, conv2.weight, conv2.bias), in that order. */
    public Map<String, Tensor> namedParameters() {
        checkOpen();
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) named.put(NAMES[i], parameters[i]);
        return named;
    }

    /** 65,792 + 2,305·N. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.numel();
        return n;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this Decoder is closed");
    }

    /** Frees the parameters; closing twice is harmless, use after close throws IllegalStateException. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Tensor t : parameters) t.close();
    }
}
