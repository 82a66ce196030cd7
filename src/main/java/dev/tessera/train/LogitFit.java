package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.conv2d;

import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import dev.tessera.ops.Ops;
import java.util.List;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorOptional;

/**
 * The fit mode's direct optimisation (DESIGN §3): the choice for one image alone, as free per-cell
 * logits (no encoder, no decoder) started from the classic solution, optimised by Adam on the loss
 * of the soft mosaic {@code Ops.mixForward(logits, templates, β)} while β ramps from 1 to
 * {@link TemperatureSchedule#END} over the first half of the steps. Every few steps the hard
 * (argmax) mosaic is scored and the best hard choice seen is kept; the classic start is the first
 * candidate, so the result is never worse than classic on the loss. Gradients are stitched as in
 * {@link MosaicStep}: the loss's autograd from the mosaic as a leaf, then the native mix backward.
 */
public final class LogitFit {
    /**
     * Distance scale of the starting logits: −(mean squared RGB difference, as a fraction of 255²)
     * / 0.01, so a template 25 levels RMS further from the cell starts one logit lower.
     */
    static final double DISTANCE_SCALE = 0.01;
    /** The classic choice starts this far above the best other logit, so the start's argmax is classic's. */
    static final double CLASSIC_MARGIN = 1.0;

    /**
     * @param steps Adam steps
     * @param learningRate Adam's rate on the logits (constant: the run is short)
     * @param hardEvery score the argmax mosaic every this many steps (and after the last)
     */
    public record Settings(int steps, double learningRate, int hardEvery) {
        public Settings {
            if (steps < 0) throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
            if (!(learningRate > 0) || Double.isInfinite(learningRate))
                throw new IllegalArgumentException("--lr must be a finite number > 0, got " + learningRate);
            if (hardEvery < 1) throw new IllegalArgumentException("hard scoring every " + hardEvery + " steps; need >= 1");
        }
    }

    /** Where a fit stands after a step: its soft loss, the best hard loss so far, and β. */
    public record Progress(int step, int steps, double softLoss, double bestHardLoss, double beta) {}

    /**
     * What the fit found.
     *
     * @param choice best hard template per cell, row-major
     * @param distance each chosen template's mean squared RGB difference from its cell, as a fraction of 255²
     * @param startLoss the loss of the classic start's hard mosaic
     * @param bestLoss the loss of {@code choice}'s hard mosaic (≤ startLoss)
     * @param bestStep the step after which it was seen (0: the start)
     * @param changedCells cells whose template differs from the start's
     */
    public record Result(int[] choice, float[] distance, double startLoss, double bestLoss, int bestStep, int changedCells) {}

    private LogitFit() {}

    /**
     * Fits the choice for one image.
     *
     * @param image 1×3×(rows·s)×(columns·s) float32 RGB 0..255, cells of the templates' size s
     * @param templates N×3×s×s float32 RGB 0..255
     * @param start the classic choice per cell, row-major
     */
    public static Result fit(Tensor image, Tensor templates, int[] start, MosaicLoss loss, Settings settings,
            Consumer<Progress> progress) {
        int s = (int) templates.size(2), n = (int) templates.size(0);
        if (image.dim() != 4 || image.size(0) != 1 || image.size(2) % s != 0 || image.size(3) % s != 0)
            throw new IllegalArgumentException("fit: the image must be 1×3×H×W with H and W multiples of the " + s
                    + "-px templates, got " + java.util.Arrays.toString(image.sizes().vec().get()));
        int rows = (int) image.size(2) / s, columns = (int) image.size(3) / s;
        if (start.length != rows * columns)
            throw new IllegalArgumentException("fit: " + start.length + " starting choices for " + rows * columns + " cells");
        for (int k : start)
            if (k < 0 || k >= n) throw new IllegalArgumentException("fit: starting template " + k + " is outside 0.." + (n - 1));

        TemperatureSchedule temperature = TemperatureSchedule.reaching(TemperatureSchedule.END, Math.max(1, settings.steps() / 2.0));
        // The outer scope owns the fit's long-lived memory (logits, Adam's state); each step has its own.
        try (PointerScope outer = new PointerScope(); LossTarget target = loss.prepare(image)) {
            Tensor distances = distances(image, templates);
            Tensor logits = startingLogits(distances, start, n).set_requires_grad(true);
            Adam adam = MethodAdam.create(List.of(logits), settings.learningRate());
            int[] best = start.clone();
            double startLoss = HardMosaic.loss(best, templates, rows, columns, loss, target), bestLoss = startLoss;
            int bestStep = 0;
            for (int step = 1; step <= settings.steps(); step++) {
                float beta = (float) temperature.beta();
                double soft;
                try (PointerScope scope = new PointerScope()) {
                    adam.zero_grad();
                    Tensor raw = logits.detach();
                    Tensor leaf = Ops.mixForward(raw, templates, beta).set_requires_grad(true);
                    Tensor value = loss.loss(leaf, target);
                    value.backward();
                    logits.backward(Ops.mixBackward(leaf.grad().contiguous(), raw, templates, beta), new BoolOptional(), false,
                            new TensorArrayRefOptional());
                    adam.step();
                    soft = value.item_double();
                }
                temperature.advance();
                if (step % settings.hardEvery() == 0 || step == settings.steps()) {
                    int[] choice = HardMosaic.argmax(logits);
                    double hard = HardMosaic.loss(choice, templates, rows, columns, loss, target);
                    if (hard < bestLoss) {
                        bestLoss = hard;
                        best = choice;
                        bestStep = step;
                    }
                }
                progress.accept(new Progress(step, settings.steps(), soft, bestLoss, beta));
            }
            int changed = 0;
            for (int i = 0; i < best.length; i++) if (best[i] != start[i]) changed++;
            return new Result(best, chosen(distances, best), startLoss, bestLoss, bestStep, changed);
        }
    }

    /** N×h×w mean squared RGB difference of every template from every cell, as a fraction of 255²: ‖x‖² − 2x·T + ‖T‖². */
    static Tensor distances(Tensor image, Tensor templates) {
        return batchDistances(image, templates).select(0, 0);
    }

    /** {@link #distances} of each picture of a batch B×3×H×W: B×N×h×w. */
    static Tensor batchDistances(Tensor image, Tensor templates) {
        try (NoGradGuard g = new NoGradGuard()) {
            long s = templates.size(2);
            double count = 3.0 * s * s * 255 * 255;
            long[] stride = {s, s};
            Tensor cross = conv2d(image, templates, new TensorOptional(), stride, new long[] {0, 0}, new long[] {1, 1}, 1);
            Tensor ones = Tensor.create(new float[] {1}, 1, 1, 1, 1).expand(1, 3, s, s).contiguous();
            Tensor cellEnergy = conv2d(image.square(), ones, new TensorOptional(), stride, new long[] {0, 0}, new long[] {1, 1}, 1);
            Tensor templateEnergy = templates.square().sum(new long[] {1, 2, 3}, false, new org.bytedeco.pytorch.ScalarTypeOptional())
                    .reshape(1, -1, 1, 1);
            return cellEnergy.sub(cross.mul(new Scalar(2))).add(templateEnergy).div(new Scalar(count)).clamp_min(new Scalar(0));
        }
    }

    /**
     * 1×N×h×w logits: −distance / {@link #DISTANCE_SCALE}, with the classic choice raised to
     * {@link #CLASSIC_MARGIN} above the best other, so the argmax starts at classic's and the
     * softmax still ranks the alternatives by how close they are.
     */
    private static Tensor startingLogits(Tensor distances, int[] start, int n) {
        long h = distances.size(1), w = distances.size(2);
        float[] d = new float[(int) distances.numel()];
        distances.contiguous().data_ptr_float().get(d);
        int cells = (int) (h * w);
        float[] logits = new float[d.length];
        for (int c = 0; c < cells; c++) {
            double other = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                logits[k * cells + c] = (float) (-d[k * cells + c] / DISTANCE_SCALE);
                if (k != start[c]) other = Math.max(other, logits[k * cells + c]);
            }
            if (n > 1) logits[start[c] * cells + c] = (float) Math.max(logits[start[c] * cells + c], other + CLASSIC_MARGIN);
        }
        return Tensor.create(logits, 1, n, h, w);
    }

    /** Each cell's distance (as {@link #distances}) to its chosen template. */
    static float[] chosen(Tensor distances, int[] choice) {
        int cells = choice.length;
        float[] d = new float[(int) distances.numel()];
        distances.contiguous().data_ptr_float().get(d);
        float[] out = new float[cells];
        for (int c = 0; c < cells; c++) out[c] = d[choice[c] * cells + c];
        return out;
    }
}
