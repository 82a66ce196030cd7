package dev.tessera.cli;

import dev.tessera.eval.TrainingLog;
import dev.tessera.model.MosaicLoss;
import dev.tessera.train.DecoderTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What `tessera train` keeps of a run besides the checkpoint: the {@link TrainingLog} CSV row of
 * every step (with the loss's terms of that step) and its chart, redrawn at each checkpoint and when
 * the run ends however it ends. A log that cannot be written is reported once and abandoned: the
 * training itself, and its checkpoints, go on. Images/s is the batch over the wall time since the
 * previous row (or since the log was opened), so a checkpoint written between two steps counts in
 * the later one.
 */
final class TrainingRecorder implements AutoCloseable {
    private final TrainingLog log;
    private final MosaicLoss loss;
    private final int batch;
    private final String title;
    private final PrintWriter err;
    private long lastNs;
    private boolean failed;

    private TrainingRecorder(TrainingLog log, MosaicLoss loss, int batch, String title, PrintWriter err) {
        this.log = log;
        this.loss = loss;
        this.batch = batch;
        this.title = title;
        this.err = err;
        this.lastNs = System.nanoTime();
    }

    /** Opens (or, resuming from {@code resumedFrom} > 0, continues) the log beside the checkpoint. */
    static TrainingRecorder open(Path checkpoint, MosaicLoss loss, long resumedFrom, int batch, PrintWriter err) throws IOException {
        TrainingLog log = TrainingLog.open(checkpoint, loss.termNames(), resumedFrom);
        if (log.dropped() > 0)
            err.println("tessera train: " + log.csv() + ": dropped " + log.dropped() + " row(s) logged after iteration " + resumedFrom
                    + ", whose checkpoint was never written");
        return new TrainingRecorder(log, loss, batch, "tessera train: " + checkpoint.getFileName(), err);
    }

    /** The row of a step that has just finished (the loss's terms are those of its last evaluation, this step's). */
    void record(DecoderTrainer.Step step) {
        long now = System.nanoTime();
        double rate = now > lastNs ? batch / ((now - lastNs) / 1e9) : 0;
        lastNs = now;
        if (failed) return;
        try {
            log.append(step.iteration() + 1, step.loss(), step.beta(), step.learningRate(), rate, loss.lastTerms());
        } catch (IOException | UncheckedIOException e) {
            abandon(e);
        }
    }

    /** Redraws the chart of every row so far. */
    void chart() {
        if (failed) return;
        try {
            log.writeChart(title);
        } catch (UncheckedIOException e) {
            abandon(e);
        }
    }

    /** The final chart, then the file closed. */
    @Override
    public void close() throws IOException {
        chart();
        log.close();
    }

    private void abandon(Exception e) {
        failed = true;
        err.println();
        err.println("tessera train: cannot write the training log (" + e.getMessage() + "); training goes on without "
                + log.csv().getFileName() + " and " + log.chart().getFileName());
    }
}
