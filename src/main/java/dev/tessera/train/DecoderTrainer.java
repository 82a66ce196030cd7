package dev.tessera.train;

import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.Tensor;

/**
 * Trains a decoder with the method's optimiser: each {@link #step} is one stitched
 * {@link MosaicStep} at the schedule's β, then Adam at the staircase learning rate, all inside a
 * PointerScope of its own. Owns the Adam state (close it); the encoder, decoder, templates and loss
 * stay the caller's. Not thread-safe; call from one thread.
 */
public final class DecoderTrainer implements AutoCloseable {
    private final MosaicStep pass;
    private final MosaicLoss loss;
    private final Decoder decoder;
    private final TemperatureSchedule temperature;
    private final LearningRateSchedule learningRate;
    private final Adam adam;
    private boolean closed;

    /** What one step did: the iteration it was (0-based), its loss, and the β and rate it used. */
    public record Step(long iteration, double loss, double beta, double learningRate) {}

    public DecoderTrainer(Encoder encoder, Decoder decoder, Tensor templates, MosaicLoss loss, TemperatureSchedule temperature,
            LearningRateSchedule learningRate) {
        this.pass = new MosaicStep(encoder, decoder, templates, loss);
        this.loss = loss;
        this.decoder = decoder;
        this.temperature = temperature;
        this.learningRate = learningRate;
        try (PointerScope scope = new PointerScope()) {
            this.adam = MethodAdam.create(decoder.parameters(), learningRate.at(temperature.iteration()));
            adam.retainReference(); // outlives the caller's scopes, released by close()
        }
    }

    /** One optimisation step on a batch (B×3×H×W float32 RGB 0..255, H and W multiples of 8). */
    public Step step(Tensor images) {
        if (closed) throw new IllegalStateException("this DecoderTrainer is closed");
        long iteration = temperature.iteration();
        double beta = temperature.beta(), rate = learningRate.at(iteration);
        double value;
        try (PointerScope scope = new PointerScope(); LossTarget target = loss.prepare(images)) {
            for (Tensor p : decoder.parameters()) if (p.grad().defined()) p.grad().zero_();
            value = pass.forwardBackward(images, target, (float) beta).loss();
            MethodAdam.setLearningRate(adam, rate);
            adam.step();
        }
        temperature.advance();
        return new Step(iteration, value, beta, rate);
    }

    /** The β schedule, advanced once per step (its state is what a checkpoint keeps). */
    public TemperatureSchedule temperature() {
        return temperature;
    }

    /** Steps taken, counting those before a resume. */
    public long iteration() {
        return temperature.iteration();
    }

    /**
     * Adam's state as bytes, for a checkpoint; {@code scratch} names the file being written, whose
     * folder holds the temporary file the preset needs.
     */
    public byte[] optimizerState(Path scratch) throws IOException {
        if (closed) throw new IllegalStateException("this DecoderTrainer is closed");
        return MethodAdam.save(adam, scratch);
    }

    /**
     * Continues from Adam's state saved by {@link #optimizerState} for a decoder of the same shape;
     * a state LibTorch cannot read is an IllegalArgumentException with its message.
     */
    public void restoreOptimizerState(byte[] state) {
        if (closed) throw new IllegalStateException("this DecoderTrainer is closed");
        try {
            MethodAdam.load(adam, state);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the saved optimizer state does not fit this decoder: " + e.getMessage(), e);
        }
        // The saved options carry the rate of the last saved step; the schedule sets it again at the next step.
    }

    /** Frees Adam's state; closing twice is harmless. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        adam.close();
    }
}
