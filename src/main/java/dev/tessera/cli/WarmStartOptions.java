package dev.tessera.cli;

import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.ClassicImitation;
import dev.tessera.train.SignatureEncoder;
import dev.tessera.train.TrainingImages;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The decoder's warm start flags, shared by {@code fit --method decoder} and {@code train}, whose defaults differ. */
final class WarmStartOptions {
    /** Imitation steps when none are asked for: enough for the argmax to agree with classic on most cells of a 256² image. */
    static final int DEFAULT_STEPS = 200;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    @Option(names = "--warm-start", paramLabel = "classic|none",
            description = "classic: the decoder starts at the classic solution, then trains on the loss: with the signature encoder "
                    + "(no --vgg) its weights are set so that its argmax is classic's choice exactly, with VGG16 it is first trained to "
                    + "reproduce it (cross-entropy of its logits against classic's template per cell); none: from its random "
                    + "initialisation (default: classic, except none for train with --vgg).")
    String kind;

    @Option(names = "--warm-start-steps", paramLabel = "N", defaultValue = "" + DEFAULT_STEPS,
            description = "Steps of the classic imitation (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warm-start-lr", paramLabel = "RATE", defaultValue = "" + ClassicImitation.DEFAULT_RATE,
            description = "Adam's rate in the classic imitation (default: ${DEFAULT-VALUE}).")
    double rate;

    /** The imitation to run, or 0 steps for none; {@code byDefault} applies when --warm-start is not given. */
    ClassicImitation.Settings settings(String byDefault) {
        String k = kind == null ? byDefault : kind;
        if (!k.equals("classic") && !k.equals("none"))
            throw new CommandLine.ParameterException(command.commandLine(), "--warm-start '" + k + "': use classic or none");
        return new ClassicImitation.Settings(k.equals("classic") ? steps : 0, rate);
    }

    /** Whether the decoder starts as classic's choice by construction: --warm-start classic (the default) on the signature encoder. */
    boolean exactStart(Encoder encoder) {
        return encoder instanceof SignatureEncoder && settings("classic").steps() > 0;
    }

    /**
     * The decoder a run starts from: {@link SignatureEncoder#classicStart} for an {@link #exactStart},
     * else the method's random initialisation from {@code seed}. The caller closes it.
     */
    Decoder startingDecoder(Encoder encoder, int templates, long seed) {
        return exactStart(encoder) ? ((SignatureEncoder) encoder).classicStart() : Decoder.initialised(templates, seed);
    }

    /**
     * train's warm start: with the signature encoder the decoder was built choosing classic's
     * templates ({@link #startingDecoder}) and nothing runs; with VGG16 (none unless asked for) the
     * decoder imitates classic on training batches before the first perceptual step. A resumed run
     * is past its start, so asking for one then is refused. Returns whether the decoder starts at
     * classic (then β does not ramp: {@link dev.tessera.train.TemperatureSchedule#constant}).
     */
    boolean beforeTraining(Decoder decoder, Encoder encoder, TemplateSet set, TrainingImages images, int batch, boolean resumed,
            PrintWriter err) {
        if (resumed && kind != null && kind.equals("classic"))
            throw new CommandLine.ParameterException(command.commandLine(), "--warm-start classic starts a new run; leave it out with --resume");
        if (resumed) return false;
        if (exactStart(encoder)) {
            err.println("tessera train: the decoder starts at classic's choice exactly (weights set on the signature encoder, no imitation)");
            return true;
        }
        ClassicImitation.Settings warm = settings(encoder instanceof SignatureEncoder ? "classic" : "none");
        if (warm.steps() == 0) return false;
        ClassicImitation.Step last = ClassicImitation.run(decoder, ClassicImitation.ofTraining(encoder, ClassicImitation.matcher(set),
                images, batch), warm, s -> {
                    err.printf(Locale.ROOT, "\rtrain warm start %d/%d  cross-entropy %.4g  classic's choice in %.1f%% of cells   ",
                            s.step(), s.steps(), s.crossEntropy(), 100 * s.agreement());
                    err.flush();
                });
        err.println();
        if (!Double.isFinite(last.crossEntropy()))
            throw new IllegalStateException("the warm start diverged (cross-entropy " + last.crossEntropy() + "); try a lower --warm-start-lr");
        return true;
    }
}
