package dev.tessera.train;

/**
 * The inverse temperature β of the tempered softmax p = softmax(β·logits) (DESIGN §1 step 3): β
 * starts at 1 and rises by Δ every 10 iterations until it reaches 15, which it does halfway
 * through the first epoch, Δ = 14 / ((N_train / B / 2) / 10); from then on it stays at 15.
 *
 * <p>β is a function of the iteration (1 + Δ·⌊i / 10⌋, capped), so saving {@link #state()} and
 * resuming from it continues the ramp where it stopped; the reference restarts at 1 on resume, a
 * bug not copied here. Not thread-safe.
 */
public final class TemperatureSchedule {
    /** β at the first iteration: the plain softmax, so early gradients reach every template. */
    public static final double START = 1.0;
    /** β after the ramp: soft enough to train, sharp enough that the argmax reproduces the soft mosaic. */
    public static final double END = 15.0;
    /** Iterations between increments, as the reference code steps it. */
    public static final int EVERY = 10;

    /**
     * Everything that determines the schedule from here on.
     *
     * @param start β at iteration 0
     * @param end the cap
     * @param every iterations between increments
     * @param delta the increment
     * @param iteration iterations completed
     */
    public record State(double start, double end, int every, double delta, long iteration) {
        public State {
            if (!(start > 0) || !(end >= start) || Double.isInfinite(end))
                throw new IllegalArgumentException("temperature schedule: need 0 < start <= end < infinity, got start " + start
                        + ", end " + end);
            if (every < 1) throw new IllegalArgumentException("temperature schedule: increments every " + every + " iterations; need >= 1");
            if (!(delta >= 0) || Double.isInfinite(delta))
                throw new IllegalArgumentException("temperature schedule: increment " + delta + " must be finite and >= 0");
            if (iteration < 0) throw new IllegalArgumentException("temperature schedule: iteration " + iteration + " < 0");
        }
    }

    private final double start;
    private final double end;
    private final int every;
    private final double delta;
    private long iteration;

    private TemperatureSchedule(State s) {
        this.start = s.start();
        this.end = s.end();
        this.every = s.every();
        this.delta = s.delta();
        this.iteration = s.iteration();
    }

    /**
     * The method's schedule for training on {@code trainingImages} images in batches of
     * {@code batchSize}: β reaches 15 after N_train / B / 2 iterations, half the first epoch.
     */
    public static TemperatureSchedule forTraining(long trainingImages, int batchSize) {
        if (trainingImages < 1 || batchSize < 1)
            throw new IllegalArgumentException("temperature schedule: need at least one training image and a batch size >= 1, got "
                    + trainingImages + " images, batch " + batchSize);
        return reaching(END, (double) trainingImages / batchSize / 2);
    }

    /**
     * β from 1 to {@code end} over {@code rampIterations} iterations in steps every 10 iterations
     * (for a fit, which has no epochs: its own iteration count decides the ramp).
     */
    public static TemperatureSchedule reaching(double end, double rampIterations) {
        if (!(rampIterations > 0) || Double.isInfinite(rampIterations))
            throw new IllegalArgumentException("temperature schedule: the ramp must last a finite number of iterations > 0, got "
                    + rampIterations);
        return new TemperatureSchedule(new State(START, end, EVERY, (end - START) / (rampIterations / EVERY), 0));
    }

    /**
     * β held at {@code beta} from the first iteration: for a decoder warm-started by
     * {@link ClassicImitation}, whose cross-entropy was taken at β = 15, so a ramp from 1 would
     * first blend the templates the imitation has separated (measured: the soft loss jumped to 6×
     * classic's at β = 1 and had not come back 100 steps later).
     */
    public static TemperatureSchedule constant(double beta) {
        return new TemperatureSchedule(new State(beta, beta, EVERY, 0, 0));
    }

    /** Continues a schedule saved with {@link #state()}. */
    public static TemperatureSchedule resume(State state) {
        return new TemperatureSchedule(state);
    }

    /** β for the current iteration. */
    public double beta() {
        return Math.min(end, start + delta * (iteration / every));
    }

    /** Iterations completed. */
    public long iteration() {
        return iteration;
    }

    public double delta() {
        return delta;
    }

    /** Marks one more iteration done. */
    public void advance() {
        iteration++;
    }

    public State state() {
        return new State(start, end, every, delta, iteration);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "β %.4g (from %.4g by %.4g every %d iterations up to %.4g; iteration %d)",
                beta(), start, delta, every, end, iteration);
    }
}
