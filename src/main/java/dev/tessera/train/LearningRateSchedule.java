package dev.tessera.train;

/**
 * A staircase decay: the rate is {@code initial · decay^⌊iteration / every⌋}.
 *
 * @param initial rate at iteration 0
 * @param decay factor applied at each stair, in (0, 1]
 * @param every iterations per stair
 */
public record LearningRateSchedule(double initial, double decay, int every) {
    public LearningRateSchedule {
        if (!(initial > 0) || Double.isInfinite(initial))
            throw new IllegalArgumentException("learning rate " + initial + " must be finite and > 0");
        if (!(decay > 0 && decay <= 1)) throw new IllegalArgumentException("learning-rate decay " + decay + " must be in (0, 1]");
        if (every < 1) throw new IllegalArgumentException("learning-rate decay every " + every + " iterations; need >= 1");
    }

    /** The method's: 6e-6 × 0.96 every 100 steps, the reference code's settings for batches of 6 at 512². */
    public static LearningRateSchedule method() {
        return new LearningRateSchedule(6e-6, 0.96, 100);
    }

    /** The same decay from another starting rate. */
    public LearningRateSchedule startingAt(double rate) {
        return new LearningRateSchedule(rate, decay, every);
    }

    public double at(long iteration) {
        return initial * Math.pow(decay, iteration / every);
    }
}
