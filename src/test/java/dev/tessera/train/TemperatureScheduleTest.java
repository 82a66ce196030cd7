package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TemperatureScheduleTest {

    private static TemperatureSchedule after(TemperatureSchedule s, int iterations) {
        for (int i = 0; i < iterations; i++) s.advance();
        return s;
    }

    @Test
    void rampsByDeltaEveryTenIterationsToFifteenAtHalfTheFirstEpoch() {
        // 1,200 images in batches of 6: 200 iterations an epoch, the ramp ends at 100; Δ = 14 / (100 / 10) = 1.4.
        TemperatureSchedule s = TemperatureSchedule.forTraining(1200, 6);
        assertEquals(1.4, s.delta(), 1e-12);
        assertEquals(1.0, s.beta(), 0);
        assertEquals(1.0, after(s, 9).beta(), 0);
        assertEquals(2.4, after(s, 1).beta(), 1e-12);
        assertEquals(2.4, after(s, 9).beta(), 1e-12);
        assertEquals(1 + 1.4 * 5, after(s, 36).beta(), 1e-12); // iteration 55
        assertEquals(1 + 1.4 * 9, after(s, 44).beta(), 1e-12); // iteration 99
        assertEquals(15.0, after(s, 1).beta(), 1e-12); // iteration 100
        assertEquals(15.0, after(s, 5000).beta(), 0);
        assertEquals(5100, s.iteration());
    }

    @Test
    void capsAtFifteenWhenTheRampIsNotAWholeNumberOfSteps() {
        // 1,000 / 6 / 2 = 83.33 iterations: Δ = 14 / 8.333 = 1.68; iteration 80 is at 14.44, iteration 90 would pass 15.
        TemperatureSchedule s = TemperatureSchedule.forTraining(1000, 6);
        assertEquals(1.68, s.delta(), 1e-12);
        assertEquals(1 + 8 * 1.68, after(s, 80).beta(), 1e-12);
        assertEquals(15.0, after(s, 10).beta(), 0);
    }

    @Test
    void resumingContinuesTheRampInsteadOfRestartingAtOne() {
        TemperatureSchedule s = after(TemperatureSchedule.forTraining(1200, 6), 47);
        TemperatureSchedule.State saved = s.state();
        TemperatureSchedule resumed = TemperatureSchedule.resume(saved);
        assertEquals(47, resumed.iteration());
        assertEquals(1 + 4 * 1.4, resumed.beta(), 1e-12);
        after(s, 60);
        after(resumed, 60);
        assertEquals(s.beta(), resumed.beta(), 0);
        assertEquals(15.0, resumed.beta(), 0);
        assertEquals(s.state(), resumed.state());
    }

    @Test
    void aFitRampReachesItsEndAtTheGivenIteration() {
        TemperatureSchedule s = TemperatureSchedule.reaching(15, 150); // Δ = 14 / 15
        assertEquals(1 + 14 * 14.0 / 15, after(s, 149).beta(), 1e-12);
        assertEquals(15.0, after(s, 1).beta(), 1e-12);
    }

    @Test
    void refusesSchedulesThatCannotRamp() {
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.forTraining(0, 6));
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.forTraining(100, 0));
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.reaching(15, 0));
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.resume(new TemperatureSchedule.State(1, 15, 10, 1.4, -1)));
    }

    @Test
    void aConstantScheduleHoldsItsBetaThroughAResume() {
        TemperatureSchedule t = TemperatureSchedule.constant(15);
        assertEquals(15, t.beta(), 0);
        for (int i = 0; i < 25; i++) t.advance();
        assertEquals(15, t.beta(), 0);
        TemperatureSchedule resumed = TemperatureSchedule.resume(t.state());
        assertEquals(25, resumed.iteration());
        assertEquals(15, resumed.beta(), 0);
    }
}
