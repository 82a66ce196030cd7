package dev.tessera.cli;

import dev.tessera.batch.Batch;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.PerceptualLoss;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.DecoderTrainer;
import dev.tessera.train.LearningRateSchedule;
import dev.tessera.train.TemperatureSchedule;
import dev.tessera.train.TrainingImages;
import dev.tessera.train.TrainingPreview;
import dev.tessera.train.Validation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tessera train}: the learned method's decoder trained on a folder of images, with
 * checkpoints. Ctrl-C (or any JVM shutdown) asks the loop to stop: the step in progress finishes,
 * then a checkpoint is written if a step completed since the last one, and only then does the JVM
 * exit; a step is never cut in half, because Adam's update of the weights is not atomic.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the learned decoder on a folder of images (JPEG/PNG, recursively) and write a checkpoint (.tsr) "
                + "that `render --model` renders pictures with. The encoder is VGG16 up to pool3 from --vgg, or without it the signature encoder (classic's view of each cell), on "
                + "which the decoder starts as classic's choice exactly; the loss is the weight-free "
                + "viewing loss unless --loss vgg16. Ctrl-C saves a checkpoint after the step in progress; --resume continues it."},
        footer = {"", "Exit codes: 0 written, 1 training diverged (no checkpoint of it written), 2 usage, 3 bad input, 4 I/O failure."})
final class TrainCommand implements Callable<Integer> {
    /** The viewing loss's SSIM window: a pyramid level smaller than this cannot be compared. */
    private static final int SSIM_WINDOW = 11;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", paramLabel = "DIR", required = true, description = "Training pictures, searched recursively.")
    Path images;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The checkpoint to write (.tsr).")
    Path output;

    @Option(names = "--vgg", paramLabel = "FILE",
            description = "VGG16 weights for the encoder (torchvision state dict, .pth or .safetensors), or 'seeded' for a "
                    + "deterministic random VGG16 (tests and experiments only: its features are not perceptual). Without it the "
                    + "encoder is the signature encoder: each 8-px cell as classic matching sees it, on the template set's principal "
                    + "axes, on which the decoder starts as classic's choice exactly (bench/RESULTS.md).")
    String vgg;

    @Option(names = "--loss", paramLabel = "viewing|vgg16", defaultValue = "viewing",
            description = "viewing: the weight-free default; vgg16: the paper's perceptual loss on the --vgg network (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "512",
            description = "Side of the square training images, a multiple of 8; pictures are cropped to their centred square (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "6", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "5000", description = "Iterations in all, counting those before a --resume (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "6e-6",
            description = "Initial learning rate, ×0.96 every 100 steps (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the shuffle and the decoder's initial weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "500", description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--preview-every", paramLabel = "N", defaultValue = "" + TrainingPreview.DEFAULT_EVERY,
            description = "Iterations between validation previews, NAME-preview-ITERATION.png beside the checkpoint: input | soft "
                    + "mosaic | argmax mosaic of the first " + TrainingPreview.PICTURES + " training pictures (in path order), "
                    + "with both mosaics' loss; 0: none (default: ${DEFAULT-VALUE}).")
    int previewEvery;

    @Mixin
    WarmStartOptions warmStart;

    @Option(names = "--resume", description = "Continue the checkpoint at -o from its iteration, β, optimizer state and settings.")
    boolean resume;

    @Option(names = "--validate", paramLabel = "DIR",
            description = "Held-out pictures (searched recursively), never trained on: at the start and at every checkpoint the "
                    + "decoder's argmax mosaics are measured against classic's (PSNR, SSIM, CIEDE2000 at full, 1/2 and 1/4 size), "
                    + "printed and appended to NAME-validation.csv beside the checkpoint.")
    Path validate;

    /** Set by the shutdown hook; read by the training loop after each step. */
    private volatile boolean stopRequested;
    /** Counted down when the loop has finished (and saved if it should), releasing the shutdown hook. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The run's CSV and chart beside the checkpoint (issue 8). */
    private TrainingRecorder recorder;
    /** Null when --preview-every is 0. */
    private TrainingPreview preview;
    /** Null without --validate. */
    private Validation validation;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (checkpointEvery < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint-every must be >= 1");
        if (previewEvery < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--preview-every must be >= 0 (0: no previews)");
        if (!loss.equals("viewing") && !loss.equals("vgg16"))
            throw new CommandLine.ParameterException(spec.commandLine(), "--loss '" + loss + "': use viewing or vgg16");
        if (loss.equals("vgg16") && vgg == null)
            throw new CommandLine.ParameterException(spec.commandLine(), "--loss vgg16 needs --vgg: the VGG16 weights the paper's loss compares features with");
        Checkpoint previous = resume ? Checkpoint.load(output) : null;
        Checkpoint.Hyperparameters hyper = previous == null ? new Checkpoint.Hyperparameters(batch, size, lr, steps, seed)
                : resumedSettings(previous.hyperparameters());
        if (!resume && Files.exists(output))
            throw new IllegalArgumentException("-o " + output + " exists: pass --resume to continue it, or choose another file");

        // Now, not at the first checkpoint an hour in: the checkpoint's folder must exist for its temporary files.
        Files.createDirectories(output.toAbsolutePath().getParent());
        TemplateSet set = templates.load(err);
        TrainingImages data = TrainingImages.scan(images, hyper.imageSize(), hyper.seed(), err::println);
        if (validate != null) {
            if (!Files.isDirectory(validate)) throw new IllegalArgumentException("--validate " + validate + " is not a folder");
            validation = Validation.of(Batch.expandInputs(List.of(validate.toString())), set);
        }
        if (previous != null) previous.requireTemplateSet(set.contentHash());
        torch.manual_seed(hyper.seed());
        try (Encoder encoder = previous != null ? VggFlag.forCheckpoint(previous, vgg, set) : VggFlag.encoder(vgg, set);
                Decoder decoder = previous != null ? Decoder.initialised(set.count(), hyper.seed())
                        : warmStart.startingDecoder(encoder, set.count(), hyper.seed());
                PointerScope keep = new PointerScope()) {
            if (previous != null) previous.restoreInto(decoder);
            boolean warmed = warmStart.beforeTraining(decoder, encoder, set, data, hyper.batch(), previous != null, err);
            MosaicLoss objective = loss.equals("vgg16") ? new PerceptualLoss((Vgg16) encoder) : viewingLoss(hyper.imageSize(), err);
            TemperatureSchedule temperature = previous != null ? TemperatureSchedule.resume(previous.temperature())
                    : warmed ? TemperatureSchedule.constant(TemperatureSchedule.END) : TemperatureSchedule.forTraining(data.count(), hyper.batch());
            Tensor kernel = set.analysisTensor();
            err.println("tessera train: " + data.count() + " images at " + hyper.imageSize() + "², batches of " + hyper.batch() + ", "
                    + set.count() + " templates ('" + set.description() + "'); encoder " + VggFlag.describe(encoder) + "; "
                    + objective.describe());
            if (previous != null)
                err.printf(Locale.ROOT, "tessera train: resuming %s from iteration %d, β %.4g%n", output, previous.iteration(),
                        temperature.beta());
            try (DecoderTrainer trainer = new DecoderTrainer(encoder, decoder, kernel, objective, temperature,
                    LearningRateSchedule.method().startingAt(hyper.learningRate()));
                    TrainingRecorder log = TrainingRecorder.open(output, objective, previous == null ? 0 : previous.iteration(),
                            hyper.batch(), err);
                    TrainingPreview previews = previewEvery == 0 ? null
                            : new TrainingPreview(encoder, decoder, kernel, objective, data.first(TrainingPreview.PICTURES), output)) {
                recorder = log;
                preview = previews;
                if (previous != null) previous.restoreOptimizerInto(trainer);
                else validate(trainer.iteration(), encoder, decoder, err);
                Thread hook = new Thread(this::stopAndWait, "tessera-train-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    return loop(trainer, data, set, encoder, decoder, hyper, err);
                } finally {
                    stopped.countDown();
                    removeHook(hook);
                }
            }
        }
    }

    private int loop(DecoderTrainer trainer, TrainingImages data, TemplateSet set, Encoder encoder, Decoder decoder,
            Checkpoint.Hyperparameters hyper, PrintWriter err) throws Exception {
        long first = trainer.iteration(), saved = first, last = 0;
        long startNs = System.nanoTime();
        while (trainer.iteration() < steps && !stopRequested) {
            DecoderTrainer.Step step;
            try (PointerScope scope = new PointerScope()) {
                step = trainer.step(data.batch(trainer.iteration(), hyper.batch()));
            }
            recorder.record(step);
            if (!Double.isFinite(step.loss())) return diverged(err, "the loss became " + step.loss(), step, saved);
            long now = System.nanoTime();
            if (now - last >= 100_000_000L || trainer.iteration() == steps) {
                progress(err, step, trainer.iteration() - first, hyper.batch(), (now - startNs) / 1e9);
                last = now;
            }
            if (preview != null && (trainer.iteration() % previewEvery == 0 || trainer.iteration() == steps)) {
                TrainingPreview.Written w = preview.write(trainer.iteration(), step.beta());
                err.printf(Locale.ROOT, "%npreview %s: loss soft %.6g, argmax %.6g%n", w.file(), w.softLoss(), w.hardLoss());
            }
            if (trainer.iteration() % checkpointEvery == 0 || trainer.iteration() == steps) {
                if (!save(trainer, set, encoder, decoder, hyper)) return diverged(err, "the weights are no longer finite", step, saved);
                saved = trainer.iteration();
                validate(saved, encoder, decoder, err);
            }
        }
        err.println();
        if (trainer.iteration() != saved && !save(trainer, set, encoder, decoder, hyper))
            return diverged(err, "the weights are no longer finite", null, saved);
        err.println("tessera train: " + (stopRequested ? "interrupted; " : "") + "checkpoint of iteration " + trainer.iteration()
                + " -> " + output + (data.skipped() > 0 ? "; " + data.skipped() + " unreadable image(s) skipped" : ""));
        err.flush();
        spec.commandLine().getOut().println(output);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** With --validate: the decoder's argmax against classic on the held-out pictures, a line on stderr and a CSV row. */
    private void validate(long iteration, Encoder encoder, Decoder decoder, PrintWriter err) throws java.io.IOException {
        if (validation == null) return;
        Validation.Result r = validation.measure(encoder, decoder);
        err.printf(Locale.ROOT, "%nvalidation at iteration %d: %s%n", iteration, r.describe());
        String stem = output.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        Path csv = output.resolveSibling(stem + "-validation.csv");
        StringBuilder row = new StringBuilder();
        if (!Files.exists(csv)) {
            row.append("iteration");
            for (String who : new String[] {"learned", "classic"})
                for (String scale : new String[] {"full", "half", "quarter"})
                    for (String fig : new String[] {"psnr", "ssim", "ciede2000"}) row.append(',').append(who).append('_').append(fig).append('_').append(scale);
            row.append(",nowhere_worse,pictures\n");
        }
        row.append(iteration);
        for (double[][] m : new double[][][] {r.learned(), r.classic()})
            for (double[] scale : m)
                for (double v : scale) row.append(',').append(String.format(Locale.ROOT, "%.6g", v));
        row.append(',').append(r.nowhereWorse()).append(',').append(r.pictures()).append('\n');
        Files.writeString(csv, row, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Writes a checkpoint, unless the weights have stopped being finite (then false, and the previous file stays). */
    private boolean save(DecoderTrainer trainer, TemplateSet set, Encoder encoder, Decoder decoder, Checkpoint.Hyperparameters hyper)
            throws java.io.IOException {
        Checkpoint c = Checkpoint.of(decoder, set.contentHash(), set.names(), encoder.origin(), encoder.preprocessingName(),
                new Checkpoint.Hyperparameters(hyper.batch(), hyper.imageSize(), hyper.learningRate(), steps, hyper.seed()),
                trainer.temperature().state(), trainer.optimizerState(output));
        // A finite loss can come from weights Adam has just made infinite; such a file would only poison a resume.
        if (!c.finite()) return false;
        c.save(output);
        recorder.chart();
        return true;
    }

    private int diverged(PrintWriter err, String what, DecoderTrainer.Step step, long saved) {
        err.println();
        err.printf(Locale.ROOT, "tessera train: %s%s; stopping without saving these weights. %s; try a lower --lr.%n", what,
                step == null ? "" : String.format(Locale.ROOT, " in step %d (β %.4g, rate %.3g)", step.iteration() + 1, step.beta(),
                        step.learningRate()),
                saved > 0 ? "The last checkpoint, of iteration " + saved + ", is " + output : "No checkpoint was written");
        err.flush();
        return ExitCodes.INTERNAL;
    }

    private void progress(PrintWriter err, DecoderTrainer.Step step, long done, int batchSize, double seconds) {
        double rate = seconds > 0 ? done * batchSize / seconds : 0;
        long left = steps - step.iteration() - 1;
        String eta = rate > 0 ? String.format(Locale.ROOT, "%.0fs", left * batchSize / rate) : "?";
        err.printf(Locale.ROOT, "\rtrain iteration %d/%d  loss %.6g  β %.3g  %.2f images/s  ETA %s   ", step.iteration() + 1, steps,
                step.loss(), step.beta(), rate, eta);
        err.flush();
    }

    /** The viewing loss at the scales a size×size image has room for (all three from 44 px up). */
    private static MosaicLoss viewingLoss(int size, PrintWriter err) {
        List<Integer> scales = new ArrayList<>();
        for (int s : ViewingLossConfig.defaults().scales()) if ((size >> s) >= SSIM_WINDOW) scales.add(s);
        if (scales.isEmpty())
            throw new IllegalArgumentException("--size " + size + " is too small for the viewing loss: use at least " + SSIM_WINDOW
                    + " (rounded up to a multiple of 8)");
        if (scales.size() < ViewingLossConfig.defaults().scales().size())
            err.println("tessera train: --size " + size + " leaves room for the viewing loss at scales " + scales + " only");
        return new ViewingLoss(ViewingLossConfig.defaults().withScales(scales));
    }

    /** On --resume the checkpoint's settings apply; a flag given with another value is refused rather than ignored. */
    private Checkpoint.Hyperparameters resumedSettings(Checkpoint.Hyperparameters saved) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        refuseChange(parsed, "--batch", batch, saved.batch());
        refuseChange(parsed, "--size", size, saved.imageSize());
        refuseChange(parsed, "--lr", lr, saved.learningRate());
        refuseChange(parsed, "--seed", seed, saved.seed());
        return saved;
    }

    private void refuseChange(CommandLine.ParseResult parsed, String flag, double given, double saved) {
        if (parsed.hasMatchedOption(flag) && given != saved)
            throw new CommandLine.ParameterException(spec.commandLine(), flag + " " + given + " differs from the checkpoint's " + saved
                    + "; a resumed run keeps its settings (leave " + flag + " out, or start a new -o)");
    }

    /** The shutdown hook: ask the loop to stop after its step, then wait for its checkpoint before the JVM halts. */
    private void stopAndWait() {
        stopRequested = true;
        try {
            // Long enough for one step at B=6, 512² on two cores, and a save; a hung step must not hang the shutdown forever.
            stopped.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already shutting down: the hook is running, and is released by the latch.
        }
    }
}
