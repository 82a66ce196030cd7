package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.cat;
import static org.bytedeco.pytorch.global.torch.linalg_eigh;
import static org.bytedeco.pytorch.global.torch.stack;
import static org.bytedeco.pytorch.global.torch.zeros;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A weight-free encoder that sees each 8-px cell as classic matching does: the cell's signature
 * (k×k sub-cells in Oklab and sRGB, {@link ClassicMatcher#cellSignatures}) minus the templates'
 * mean signature, on the template set's first {@value #AXES} principal axes (the eigenvectors of
 * the templates' signature scatter, largest first). So the features are a linear view of exactly
 * what classic compares, and {@link #classicStart} can give the method's decoder weights whose
 * argmax is classic's choice on every picture, seen or not: the good start the learned path needs
 * (DESIGN §6), made exactly instead of by imitation.
 *
 * <p>Exactness: classic's cost ‖f(x) − f_k‖² ranks templates as 2⟨f(x) − m, f_k − m⟩ − ‖f_k − m‖²
 * does (m the mean template signature); the inner product survives the projection when every
 * f_k − m lies in the span of the kept axes, which holds when the set has at most {@value #AXES} + 1
 * templates or its signatures span no more axes. Otherwise the dropped axes are those along which
 * the templates vary least, and the argmax differs from classic's only where two templates nearly tie.
 *
 * <p>The features depend on the template set (its axes); a checkpoint records the set's hash
 * beside {@link #origin()}, so the same set rebuilds the same encoder.
 */
public final class SignatureEncoder implements Encoder {
    /** What a checkpoint records, followed by the sub-cell count and the number of axes kept. */
    public static final String ORIGIN_PREFIX = "classic signatures on the template set's principal axes (tessera signature encoder v1)";
    /**
     * Principal axes kept: {@link #classicStart} passes each through the decoder's 256 hidden
     * channels as a pair (+g, −g), and one constant pair carries the bias: (256 − 2) / 2. Measured on
     * 256 photo tiles (bench/RESULTS.md): 127 axes keep classic's choice in 99–100% of cells, all 255 in 100%.
     */
    public static final int AXES = (Decoder.FEATURES - 2) / 2;

    private final ClassicMatcher matcher;
    private final int length, axes;
    private final double[] mean;    // length
    private final double[] basis;   // axes × length, orthonormal rows, largest variance first
    private final Tensor meanTensor, basisTensor; // float, long-lived
    private boolean closed;

    /** The encoder for classic's matcher of a set ({@link ClassicImitation#matcher}); analyses its templates once. */
    public SignatureEncoder(ClassicMatcher matcher) {
        this.matcher = matcher;
        this.length = matcher.signatureLength();
        int n = matcher.templateSet().count();
        float[] f = matcher.templateSignatures();
        mean = new double[length];
        for (int k = 0; k < n; k++) for (int i = 0; i < length; i++) mean[i] += f[k * length + i];
        for (int i = 0; i < length; i++) mean[i] /= n;
        this.axes = Math.min(AXES, length);
        basis = principalAxes(f, n, length, mean, axes);
        try (PointerScope scope = new PointerScope()) {
            meanTensor = Tensor.create(toFloat(mean), 1, length);
            basisTensor = Tensor.create(toFloat(basis), axes, length).t().contiguous();
            meanTensor.retainReference();
            basisTensor.retainReference();
        }
    }

    /** The eigenvectors of Σ_k (f_k − m)(f_k − m)ᵀ with the {@code axes} largest eigenvalues, as rows, in double. */
    private static double[] principalAxes(float[] f, int n, int length, double[] mean, int axes) {
        double[] centred = new double[n * length];
        for (int k = 0; k < n; k++) for (int i = 0; i < length; i++) centred[k * length + i] = f[k * length + i] - mean[i];
        try (PointerScope scope = new PointerScope()) {
            Tensor c = Tensor.create(centred, n, length);
            Tensor scatter = c.t().matmul(c);
            T_TensorTensor_T eig = linalg_eigh(scatter);
            // Eigenvalues ascend: the last `axes` columns, largest first, as rows.
            Tensor vectors = eig.get1().flip(1).narrow(1, 0, axes).t().contiguous();
            double[] out = new double[axes * length];
            vectors.data_ptr_double().get(out);
            return out;
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** B×3×H×W sRGB 0..255 (H, W multiples of 8) to B×256×H/8×W/8: the first {@code axes} channels the principal coordinates, the rest 0. */
    @Override
    public Tensor features(Tensor images) {
        checkOpen();
        if (images.dim() != 4 || images.size(1) != 3)
            throw new IllegalArgumentException("signature encoder: expected B×3×H×W images, got " + Arrays.toString(images.sizes().vec().get()));
        int h = (int) images.size(2), w = (int) images.size(3);
        if (h % STRIDE != 0 || w % STRIDE != 0)
            throw new IllegalArgumentException("signature encoder: image sides must be multiples of " + STRIDE + ", got " + h + "×" + w);
        CellGrid grid = CellGrid.ofCellSize(w, h, STRIDE);
        TensorVector each = new TensorVector();
        Tensor pixels = images.to(ScalarType.Float).contiguous();
        for (int b = 0; b < images.size(0); b++) {
            float[] s = matcher.cellSignatures(Images.toImage(pixels.select(0, b)), grid);
            Tensor coordinates = Tensor.create(s, grid.cells(), length).sub(meanTensor).matmul(basisTensor); // cells × axes
            Tensor map = coordinates.t().reshape(axes, grid.rows(), grid.columns());
            Tensor rest = zeros(new long[] {CHANNELS - axes, grid.rows(), grid.columns()}, map.options());
            each.push_back(cat(new TensorVector(map, rest), 0));
        }
        return stack(each).to(images.options().dtype().toScalarType()).contiguous();
    }

    /** Principal axes kept: {@value #AXES}, or the signature's length when shorter. */
    public int axes() {
        return axes;
    }

    /**
     * A decoder whose argmax, on these features, is classic's choice (exactly, as the class comment
     * says when): the method's architecture with weights set, not trained.
     *
     * <p>conv 1×1: hidden channels 2j and 2j + 1 are +g_j and −g_j, coordinate j and its negation,
     * and channels 254 and 255 the constants +1 and −1 (biases); every channel has its negation, so
     * the LayerNorm's mean is 0 and it only divides by σ, and ReLU(x) − ReLU(−x) = x gives back each
     * g_j / σ. conv 3×3, centre tap only: template k weighs the pair of coordinate j by
     * ±2·(its own coordinate j) and the constant by −‖f_k − m‖², giving
     * (2⟨g, P(f_k − m)⟩ − ‖f_k − m‖²)/σ, classic's ranking times 1/σ; the last LayerNorm and β,
     * positive scales, keep the argmax. Neighbour taps start at 0, for training to use. Nothing is
     * large: σ is about the coordinates' root mean square, so a training step moves the scores by
     * about what it moves the weights (an earlier version that kept coordinates positive with large
     * offsets instead of pairs divided the scores by σ ≈ 100 and lost classic's choice in most cells
     * within 300 steps at the method's rate of 6e-6).
     */
    public Decoder classicStart() {
        checkOpen();
        int n = matcher.templateSet().count(), hidden = Decoder.FEATURES, plus = hidden - 2, minus = hidden - 1;
        float[] f = matcher.templateSignatures();
        float[] w1 = new float[hidden * hidden], b1 = new float[hidden];
        for (int j = 0; j < axes; j++) {
            w1[(2 * j) * hidden + j] = 1;
            w1[(2 * j + 1) * hidden + j] = -1;
        }
        b1[plus] = 1;
        b1[minus] = -1;

        float[] w2 = new float[n * hidden * 9];
        for (int k = 0; k < n; k++) {
            double[] centred = new double[length];
            double norm2 = 0;
            for (int i = 0; i < length; i++) {
                centred[i] = f[k * length + i] - mean[i];
                norm2 += centred[i] * centred[i];
            }
            for (int j = 0; j < axes; j++) {
                double coordinate = 0;
                for (int i = 0; i < length; i++) coordinate += basis[j * length + i] * centred[i];
                w2[(k * hidden + 2 * j) * 9 + 4] = (float) (2 * coordinate);
                w2[(k * hidden + 2 * j + 1) * 9 + 4] = (float) (-2 * coordinate);
            }
            w2[(k * hidden + plus) * 9 + 4] = (float) -norm2;
        }
        Decoder d = Decoder.initialised(n, 0);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            var p = d.namedParameters();
            p.get("conv1.weight").copy_(Tensor.create(w1, hidden, hidden, 1, 1));
            p.get("conv1.bias").copy_(Tensor.create(b1, hidden));
            p.get("conv2.weight").copy_(Tensor.create(w2, n, hidden, 3, 3));
            p.get("conv2.bias").copy_(Tensor.create(new float[n], n));
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    @Override
    public String origin() {
        return ORIGIN_PREFIX + ": " + matcher.options().subcells() + "x" + matcher.options().subcells() + " sub-cells"
                + (matcher.options().toneMap() ? ", tone-mapped" : "") + ", " + axes + " axes";
    }

    /** It reads sRGB 0..255 as given. */
    @Override
    public String preprocessingName() {
        return "none";
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this SignatureEncoder is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        meanTensor.close();
        basisTensor.close();
    }
}
