package dev.tessera.train;

import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The fit mode with a decoder (DESIGN §3): a fresh decoder trained on one image alone, through the
 * frozen encoder's features (computed once), by the stitched step of {@link MosaicStep} and Adam,
 * while β ramps from 1 to {@link TemperatureSchedule#END} over the first half of the steps.
 * Optionally warm-started by {@link ClassicImitation} on that image's classic solution, or given
 * already choosing it ({@link SignatureEncoder#classicStart}); then β is held at the end value
 * throughout ({@link TemperatureSchedule#constant}). Every few
 * steps the argmax mosaic is scored; the best seen (the warm start's included) is the result. Unlike
 * {@link LogitFit}, classic's own choice is not a candidate: the result is the decoder's.
 */
public final class DecoderFit {
    /** Adam's rate on the decoder when none is given; see {@link ClassicImitation#DEFAULT_RATE}. */
    public static final double DEFAULT_RATE = 1e-3;
    /** Share of cells on classic's choice from which a decoder counts as started there: a random one agrees in about 1/N. */
    static final double STARTS_AS_CLASSIC = 0.9;

    /**
     * @param steps perceptual steps
     * @param learningRate Adam's rate on the decoder in the perceptual phase (constant: the run is short)
     * @param hardEvery score the argmax mosaic every this many steps (and after the warm start and the last step)
     * @param warmStart the classic imitation before the perceptual phase (0 steps: none)
     * @param betaEnd β after the ramp ({@link TemperatureSchedule#END}; 1 keeps the plain softmax, for experiments)
     */
    public record Settings(int steps, double learningRate, int hardEvery, ClassicImitation.Settings warmStart, double betaEnd) {
        /** The method's ramp, to β = 15. */
        public Settings(int steps, double learningRate, int hardEvery, ClassicImitation.Settings warmStart) {
            this(steps, learningRate, hardEvery, warmStart, TemperatureSchedule.END);
        }

        public Settings {
            if (!(betaEnd >= TemperatureSchedule.START) || Double.isInfinite(betaEnd))
                throw new IllegalArgumentException("β after the ramp must be finite and >= " + TemperatureSchedule.START + ", got " + betaEnd);
            if (steps < 0) throw new IllegalArgumentException("--steps must be >= 0, got " + steps);
            if (!(learningRate > 0) || Double.isInfinite(learningRate))
                throw new IllegalArgumentException("--lr must be a finite number > 0, got " + learningRate);
            if (hardEvery < 1) throw new IllegalArgumentException("hard scoring every " + hardEvery + " steps; need >= 1");
        }
    }

    /** Where the perceptual phase stands after a step: the soft loss, this step's hard loss (NaN when not scored), the best, β. */
    public record Progress(int step, int steps, double softLoss, double hardLoss, double bestHardLoss, double beta) {}

    /**
     * What the fit found.
     *
     * @param choice the best argmax choice seen, row-major
     * @param distance each chosen template's mean squared RGB difference from its cell, as a fraction of 255²
     * @param classicLoss the loss of classic's hard mosaic, for comparison
     * @param warmLoss the loss of the argmax after the warm start (before any perceptual step)
     * @param warmAgreement fraction of cells where that argmax is classic's
     * @param bestLoss the loss of {@code choice}'s hard mosaic
     * @param bestStep the perceptual step after which it was seen (0: right after the warm start)
     * @param lastLoss the loss of the argmax after the last step
     * @param changedCells cells of {@code choice} that differ from classic's
     */
    public record Result(int[] choice, float[] distance, double classicLoss, double warmLoss, double warmAgreement, double bestLoss, int bestStep,
            double lastLoss, int changedCells) {}

    private DecoderFit() {}

    /**
     * Fits {@code decoder} (fresh, or as the caller has it) to one image.
     *
     * @param image 1×3×H×W float32 RGB 0..255, H and W multiples of 8
     * @param templates N×3×8×8 float32 RGB 0..255
     * @param classic classic's choice per 8-px cell, row-major: the imitation's target and the loss to compare with
     */
    public static Result fit(Encoder encoder, Decoder decoder, Tensor image, Tensor templates, int[] classic, MosaicLoss loss,
            Settings settings, Consumer<ClassicImitation.Step> warmProgress, Consumer<Progress> progress) {
        return fit(encoder, decoder, image, templates, classic, loss, settings, choice -> true, warmProgress, progress);
    }

    /**
     * As above, keeping as the result only argmax choices that {@code admissible} accepts (besides
     * the start's, which stands when nothing later is accepted): `fit` passes a guard that no DESIGN
     * §6 figure is worse than classic's, as the logits fit's search has.
     */
    public static Result fit(Encoder encoder, Decoder decoder, Tensor image, Tensor templates, int[] classic, MosaicLoss loss,
            Settings settings, Predicate<int[]> admissible, Consumer<ClassicImitation.Step> warmProgress,
            Consumer<Progress> progress) {
        new MosaicStep(encoder, decoder, templates, loss); // checks the shapes with its messages
        if (image.dim() != 4 || image.size(0) != 1 || image.size(2) % MosaicStep.ENCODER_STRIDE != 0
                || image.size(3) % MosaicStep.ENCODER_STRIDE != 0)
            throw new IllegalArgumentException("fit: the image must be 1×3×H×W with H and W multiples of " + MosaicStep.ENCODER_STRIDE
                    + ", got " + java.util.Arrays.toString(image.sizes().vec().get()));
        int rows = (int) image.size(2) / MosaicStep.ENCODER_STRIDE, columns = (int) image.size(3) / MosaicStep.ENCODER_STRIDE;
        if (classic.length != rows * columns)
            throw new IllegalArgumentException("fit: " + classic.length + " classic choices for " + rows * columns + " cells");

        try (PointerScope outer = new PointerScope(); LossTarget target = loss.prepare(image)) {
            Tensor features;
            try (NoGradGuard frozen = new NoGradGuard()) {
                features = encoder.features(image);
            }
            Tensor classicIds = Tensor.create(java.util.Arrays.stream(classic).asLongStream().toArray(), 1, rows, columns);
            double classicLoss = HardMosaic.loss(classic, templates, rows, columns, loss, target);
            // A decoder built to choose as classic does (SignatureEncoder.classicStart) needs no imitation where it already does.
            int[] best = argmax(decoder, features);
            if (agreement(best, classic) < 1 && settings.warmStart().steps() > 0) {
                ClassicImitation.run(decoder, step -> new ClassicImitation.Example(features, classicIds), settings.warmStart(), warmProgress);
                best = argmax(decoder, features);
            }
            double warmLoss = HardMosaic.loss(best, templates, rows, columns, loss, target), bestLoss = warmLoss, lastLoss = warmLoss;
            double warmAgreement = agreement(best, classic);
            // A decoder that starts at classic's choice (imitated, or built so: SignatureEncoder.classicStart) holds β at its end.
            TemperatureSchedule temperature = settings.warmStart().steps() > 0 || warmAgreement >= STARTS_AS_CLASSIC
                    ? TemperatureSchedule.constant(settings.betaEnd())
                    : TemperatureSchedule.reaching(settings.betaEnd(), Math.max(1, settings.steps() / 2.0));
            int bestStep = 0;
            Adam adam = MethodAdam.create(decoder.parameters(), settings.learningRate());
            for (int step = 1; step <= settings.steps(); step++) {
                float beta = (float) temperature.beta();
                double soft;
                try (PointerScope scope = new PointerScope()) {
                    adam.zero_grad();
                    soft = MosaicStep.throughMix(decoder.forward(features), templates, loss, target, beta).loss();
                    adam.step();
                }
                temperature.advance();
                double hard = Double.NaN;
                if (step % settings.hardEvery() == 0 || step == settings.steps()) {
                    int[] choice = argmax(decoder, features);
                    hard = HardMosaic.loss(choice, templates, rows, columns, loss, target);
                    lastLoss = hard;
                    if (hard < bestLoss && admissible.test(choice)) {
                        bestLoss = hard;
                        best = choice;
                        bestStep = step;
                    }
                }
                progress.accept(new Progress(step, settings.steps(), soft, hard, bestLoss, beta));
            }
            int changed = 0;
            for (int i = 0; i < best.length; i++) if (best[i] != classic[i]) changed++;
            return new Result(best, LogitFit.chosen(LogitFit.distances(image, templates), best), classicLoss, warmLoss, warmAgreement, bestLoss, bestStep, lastLoss, changed);
        }
    }

    private static double agreement(int[] choice, int[] classic) {
        int same = 0;
        for (int i = 0; i < choice.length; i++) if (choice[i] == classic[i]) same++;
        return (double) same / choice.length;
    }

    private static int[] argmax(Decoder decoder, Tensor features) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            return HardMosaic.argmax(decoder.forward(features));
        }
    }
}
