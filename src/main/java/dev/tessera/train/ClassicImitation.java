package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy_loss;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The decoder's warm start: before the perceptual phase, train it to reproduce the classic
 * solution, by the cross-entropy of its tempered logits against classic's template per cell. The
 * perceptual loss alone, from a random start, finds soft mosaics better than classic whose argmax
 * is far worse (DESIGN §6: about −4 dB); the imitation puts the argmax where classic's is, and
 * the perceptual phase then trades cells from there.
 */
public final class ClassicImitation {
    /**
     * The logits enter the cross-entropy times β at the end of the ramp: the decoder's last
     * LayerNorm keeps them at unit variance, so at β = 1 no cell's softmax could approach one-hot,
     * while at the β the argmax is read at it can.
     */
    static final double BETA = TemperatureSchedule.END;
    /** Adam's rate for the imitation when none is given: the decoder's weights are about 0.04 (Xavier), so 1e-3 moves them a few % a step. */
    public static final double DEFAULT_RATE = 1e-3;

    /**
     * @param steps Adam steps (0: no warm start)
     * @param learningRate Adam's rate (constant)
     */
    public record Settings(int steps, double learningRate) {
        public Settings {
            if (steps < 0) throw new IllegalArgumentException("--warm-start-steps must be >= 0, got " + steps);
            if (!(learningRate > 0) || Double.isInfinite(learningRate))
                throw new IllegalArgumentException("the warm start's rate must be a finite number > 0, got " + learningRate);
        }
    }

    /** One step: its cross-entropy, and the fraction of cells whose argmax was classic's before the update. */
    public record Step(int step, int steps, double crossEntropy, double agreement) {}

    /** A batch of the imitation: encoder features B×256×h×w and classic's template per cell, B×h×w int64. */
    public record Example(Tensor features, Tensor classic) {}

    /** The example of step {@code step}, built inside that step's PointerScope. */
    public interface Examples {
        Example of(int step);
    }

    private ClassicImitation() {}

    /** Runs the imitation; returns its last step (null when {@code settings.steps()} is 0). */
    public static Step run(Decoder decoder, Examples examples, Settings settings, Consumer<Step> progress) {
        Step last = null;
        try (PointerScope outer = new PointerScope()) {
            Adam adam = MethodAdam.create(decoder.parameters(), settings.learningRate());
            for (int i = 1; i <= settings.steps(); i++) {
                try (PointerScope scope = new PointerScope()) {
                    Example e = examples.of(i - 1);
                    adam.zero_grad();
                    Tensor logits = decoder.forward(e.features());
                    Tensor value = cross_entropy_loss(logits.mul(new Scalar(BETA)), e.classic());
                    value.backward();
                    adam.step();
                    last = new Step(i, settings.steps(), value.item_double(), agreement(logits, e.classic()));
                }
                progress.accept(last);
            }
        }
        return last;
    }

    /** Fraction of cells whose argmax logit is the given template. */
    static double agreement(Tensor logits, Tensor classic) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            return logits.argmax(new LongOptional(1), false).eq(classic).to(ScalarType.Double).mean().item_double();
        }
    }

    /** The matcher whose choices the decoder imitates: what {@code tessera classic} does with the set by default. */
    public static ClassicMatcher matcher(TemplateSet set) {
        return new ClassicMatcher(set, ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, MosaicStep.ENCODER_STRIDE),
                set.isGlyphSet()));
    }

    /** Classic's choice per 8-px cell of each image of a batch B×3×H×W: B×H/8×W/8 int64. */
    public static Tensor classicChoices(ClassicMatcher matcher, Tensor images) {
        int b = (int) images.size(0), h = (int) images.size(2), w = (int) images.size(3);
        CellGrid grid = CellGrid.ofCellSize(w, h, MosaicStep.ENCODER_STRIDE);
        long[] ids = new long[b * grid.cells()];
        for (int i = 0; i < b; i++) {
            IndexMap map = matcher.match(Images.toImage(images.select(0, i)), grid).map();
            for (int c = 0; c < grid.cells(); c++) ids[i * grid.cells() + c] = map.template(c);
        }
        return Tensor.create(ids, b, grid.rows(), grid.columns());
    }

    /** Examples from training batches: batch {@code step} of the images, its features and its classic choices. */
    public static Examples ofTraining(Encoder encoder, ClassicMatcher matcher, TrainingImages images, int batchSize) {
        return step -> {
            Tensor batch = images.batch(step, batchSize);
            try (NoGradGuard frozen = new NoGradGuard()) {
                return new Example(encoder.features(batch), classicChoices(matcher, batch));
            }
        };
    }
}
