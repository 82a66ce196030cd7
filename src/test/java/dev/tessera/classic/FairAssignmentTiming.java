package dev.tessera.classic;

import java.util.SplittableRandom;

/**
 * Wall time of {@link FairAssignment} on the sizes issue 5 names, with random features in [0,1] and 48
 * features (4×4 sub-cells × 3 colour channels). Run by bench/fair-timing.sh; arguments, if any, are
 * "CELLSxTEMPLATES" sizes to time instead of the defaults, optionally ":ROUNDS" to cap the flow solves
 * (the result then carries its proven gap bound instead of being exact).
 */
public final class FairAssignmentTiming {
    private static final int FEATURES = 48;

    private FairAssignmentTiming() {}

    public static void main(String[] args) {
        String[] sizes = args.length > 0 ? args : new String[] {"4096x1700", "10000x10000", "65536x1700:1", "65536x1700"};
        System.out.printf("%-14s %8s %6s %16s %12s %8s%n", "size", "seconds", "rounds", "total cost", "gap bound",
                "optimal");
        for (String size : sizes) {
            String[] parts = size.split("[x:]");
            int cells = Integer.parseInt(parts[0]), templates = Integer.parseInt(parts[1]);
            FairAssignment.Settings settings = FairAssignment.Settings.exact();
            if (parts.length > 2) {
                settings = settings.withMaxRounds(Integer.parseInt(parts[2]));
            }
            SplittableRandom random = new SplittableRandom(cells * 31L + templates);
            float[] cellFeatures = uniform(random, cells * FEATURES);
            float[] templateFeatures = uniform(random, templates * FEATURES);
            long start = System.nanoTime();
            FairAssignment.Result result = FairAssignment.solve(cellFeatures, templateFeatures, FEATURES, settings);
            double seconds = (System.nanoTime() - start) * 1e-9;
            System.out.printf("%-14s %8.2f %6d %16.4f %12.3g %8s%n", size, seconds, result.rounds(),
                    result.totalCost(), result.gapBound(), result.provenOptimal());
        }
    }

    private static float[] uniform(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            values[k] = (float) random.nextDouble();
        }
        return values;
    }
}
