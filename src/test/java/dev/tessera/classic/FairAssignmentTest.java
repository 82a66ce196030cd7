package dev.tessera.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FairAssignmentTest {
    /** Float costs against the references' double costs: relative error per pair is about D·2^-24. */
    private static final double COST_TOLERANCE = 1e-5;

    @Test
    void totalCostEqualsBruteForceOptimumOnSmallShapes() {
        int[][] shapes = {{1, 1}, {1, 4}, {3, 5}, {2, 7}, {5, 8}, {5, 5}, {8, 8}, {4, 2}, {7, 3}, {8, 3}, {6, 4}, {8, 5}};
        long seed = freshSeed();
        SplittableRandom random = new SplittableRandom(seed);
        for (int[] shape : shapes) {
            for (int repeat = 0; repeat < 5; repeat++) {
                int features = 1 + random.nextInt(6);
                float[] cells = uniform(random, shape[0] * features), templates = uniform(random, shape[1] * features);
                FairAssignment.Result result = FairAssignment.solve(cells, templates, features);
                double optimum = bruteForceOptimum(cells, templates, features);
                String where = shape[0] + "x" + shape[1] + " seed " + seed;
                assertEquals(optimum, result.totalCost(), COST_TOLERANCE * (1 + optimum), where);
                assertEquals(optimum, costOf(result.templateOfCell(), cells, templates, features),
                        COST_TOLERANCE * (1 + optimum), where);
                assertTrue(result.provenOptimal(), where + " gap " + result.gapBound());
                assertCapacitiesRespected(result.templateOfCell(), shape[1], where);
            }
        }
    }

    @Test
    void everyTemplateUsedWithinOneOfEvenAndEveryCellOnce() {
        long seed = freshSeed();
        SplittableRandom random = new SplittableRandom(seed);
        for (int instance = 0; instance < 300; instance++) {
            int cellCount = random.nextInt(1, 90), templateCount = random.nextInt(1, 40), features = random.nextInt(1, 9);
            float[] cells = uniform(random, cellCount * features), templates = uniform(random, templateCount * features);
            // Tiny candidate lists and few rounds exercise the round-robin arcs and the bounded exit too.
            FairAssignment.Settings settings = new FairAssignment.Settings(random.nextInt(1, 4), random.nextInt(1, 4),
                    random.nextInt(1, 4), random.nextInt(1, 3));
            FairAssignment.Result result = FairAssignment.solve(cells, templates, features, settings);
            String where = cellCount + "x" + templateCount + " instance " + instance + " seed " + seed;
            assertEquals(cellCount, result.templateOfCell().length, where);
            assertCapacitiesRespected(result.templateOfCell(), templateCount, where);
            assertEquals(costOf(result.templateOfCell(), cells, templates, features), result.totalCost(),
                    COST_TOLERANCE * (1 + result.totalCost()), where);
            assertTrue(result.lowerBound() <= result.totalCost() + COST_TOLERANCE * (1 + result.totalCost()), where);
        }
    }

    @Test
    void moderateInstanceMatchesHungarianOnReplicatedSlots() {
        long seed = freshSeed();
        SplittableRandom random = new SplittableRandom(seed);
        int cellCount = 500, templateCount = 300, features = 48;
        float[] cells = uniform(random, cellCount * features), templates = uniform(random, templateCount * features);
        FairAssignment.Result result = FairAssignment.solve(cells, templates, features);
        double optimum = hungarianOptimum(cells, templates, features);
        assertEquals(optimum, result.totalCost(), COST_TOLERANCE * optimum, "seed " + seed);
        assertTrue(result.provenOptimal(), "seed " + seed + " gap " + result.gapBound());
        assertCapacitiesRespected(result.templateOfCell(), templateCount, "seed " + seed);
    }

    @Test
    void shortCandidateListsStillReachTheOptimumThroughPricing() {
        long seed = freshSeed();
        SplittableRandom random = new SplittableRandom(seed);
        int cellCount = 200, templateCount = 70, features = 12;
        float[] cells = uniform(random, cellCount * features), templates = uniform(random, templateCount * features);
        FairAssignment.Result result = FairAssignment.solve(cells, templates, features,
                new FairAssignment.Settings(1, 1, Integer.MAX_VALUE, 2));
        double optimum = hungarianOptimum(cells, templates, features);
        assertTrue(result.rounds() > 1, "one nearest template per cell should not already be optimal, seed " + seed);
        assertEquals(optimum, result.totalCost(), COST_TOLERANCE * optimum, "seed " + seed);
        assertTrue(result.provenOptimal(), "seed " + seed);
    }

    @Test
    void roundLimitedResultBracketsTheOptimumWithItsBound() {
        long seed = freshSeed();
        SplittableRandom random = new SplittableRandom(seed);
        int cellCount = 300, templateCount = 300, features = 16;
        float[] cells = uniform(random, cellCount * features), templates = uniform(random, templateCount * features);
        FairAssignment.Result bounded = FairAssignment.solve(cells, templates, features,
                new FairAssignment.Settings(2, 1, 1, 2));
        double optimum = hungarianOptimum(cells, templates, features);
        String where = "seed " + seed;
        assertEquals(1, bounded.rounds(), where);
        assertTrue(bounded.lowerBound() <= optimum * (1 + COST_TOLERANCE), where + ": bound above the optimum");
        assertTrue(bounded.totalCost() >= optimum * (1 - COST_TOLERANCE), where + ": cost below the optimum");
        assertEquals(bounded.totalCost() - bounded.lowerBound(), bounded.gapBound(), 1e-9 * optimum, where);
        assertTrue(bounded.gapBound() > 0 && !bounded.provenOptimal(), where + ": two candidates should leave a gap");
    }

    @Test
    void fairCostsNoMoreThanGreedyNearestWithCapacities() {
        long seed = freshSeed();
        SplittableRandom random = new SplittableRandom(seed);
        int[][] shapes = {{400, 400}, {400, 130}, {130, 400}, {1000, 37}};
        for (int[] shape : shapes) {
            int features = 48;
            float[] cells = uniform(random, shape[0] * features), templates = uniform(random, shape[1] * features);
            FairAssignment.Result result = FairAssignment.solve(cells, templates, features);
            int[] greedy = greedyNearestWithCapacities(cells, templates, features);
            assertCapacitiesRespected(greedy, shape[1], "greedy reference");
            double greedyCost = costOf(greedy, cells, templates, features);
            assertTrue(result.totalCost() <= greedyCost * (1 + COST_TOLERANCE),
                    shape[0] + "x" + shape[1] + " seed " + seed + ": fair " + result.totalCost() + " > greedy " + greedyCost);
        }
    }

    @Test
    void noCellsGiveAnEmptyOptimalAssignment() {
        FairAssignment.Result result = FairAssignment.solve(new float[0], new float[] {0.5f, 0.5f}, 2);
        assertArrayEquals(new int[0], result.templateOfCell());
        assertEquals(0, result.totalCost());
        assertTrue(result.provenOptimal());
    }

    @Test
    void unusableInputIsRejectedWithAMessageNamingIt() {
        float[] two = {0.1f, 0.2f};
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> FairAssignment.solve(new float[] {0.1f, 0.2f, 0.3f}, two, 2));
        assertTrue(ragged.getMessage().contains("whole rows of 2"), ragged.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> FairAssignment.solve(two, new float[0], 2));
        assertTrue(empty.getMessage().contains("empty template set"), empty.getMessage());
        IllegalArgumentException notFinite = assertThrows(IllegalArgumentException.class,
                () -> FairAssignment.solve(two, new float[] {0.1f, 0.2f, Float.NaN, 0.4f}, 2));
        assertTrue(notFinite.getMessage().contains("template 1"), notFinite.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FairAssignment.Settings(0, 1, 1, 1));
    }

    private static void assertCapacitiesRespected(int[] templateOfCell, int templateCount, String where) {
        int cellCount = templateOfCell.length;
        int[] uses = new int[templateCount];
        for (int template : templateOfCell) {
            assertTrue(template >= 0 && template < templateCount, where + ": template " + template);
            uses[template]++;
        }
        int floor = cellCount / templateCount, ceiling = (cellCount + templateCount - 1) / templateCount;
        int atCeiling = 0;
        for (int j = 0; j < templateCount; j++) {
            assertTrue(uses[j] == floor || uses[j] == ceiling, where + ": template " + j + " used " + uses[j] + " times");
            atCeiling += uses[j] > floor ? 1 : 0;
        }
        assertEquals(cellCount % templateCount, atCeiling, where + ": templates above the floor");
    }

    /** Enumerates every assignment with uses ≤ ⌈M/N⌉ and at most M mod N templates above ⌊M/N⌋. */
    private static double bruteForceOptimum(float[] cells, float[] templates, int features) {
        int cellCount = cells.length / features, templateCount = templates.length / features;
        double[][] cost = costMatrix(cells, templates, features);
        double[] best = {Double.POSITIVE_INFINITY};
        enumerate(0, 0, 0, new int[templateCount], cost, cellCount / templateCount, cellCount % templateCount, best);
        return best[0];
    }

    private static void enumerate(int cell, double sum, int extrasTaken, int[] uses, double[][] cost, int floor,
            int extras, double[] best) {
        if (cell == cost.length) {
            best[0] = Math.min(best[0], sum);
            return;
        }
        for (int j = 0; j < uses.length; j++) {
            boolean extra = uses[j] == floor;
            if (uses[j] < floor || (extra && extrasTaken < extras)) {
                uses[j]++;
                enumerate(cell + 1, sum + cost[cell][j], extrasTaken + (extra ? 1 : 0), uses, cost, floor, extras, best);
                uses[j]--;
            }
        }
    }

    /**
     * The same problem as a square assignment: each template becomes ⌊M/N⌋ mandatory slots plus, when M is
     * not a multiple of N, one optional slot; dummy cells fill the optional slots left over at no cost and
     * cannot take mandatory ones. Solved with the O(n³) Hungarian method with row and column potentials.
     */
    private static double hungarianOptimum(float[] cells, float[] templates, int features) {
        int cellCount = cells.length / features, templateCount = templates.length / features;
        double[][] cost = costMatrix(cells, templates, features);
        int floor = cellCount / templateCount;
        boolean optionalSlots = cellCount % templateCount != 0;
        int slotsPerTemplate = floor + (optionalSlots ? 1 : 0);
        int n = templateCount * slotsPerTemplate;
        double forbidden = 1e9;
        double[][] square = new double[n + 1][n + 1];
        for (int row = 1; row <= n; row++) {
            for (int slot = 1; slot <= n; slot++) {
                int template = (slot - 1) / slotsPerTemplate;
                boolean optional = optionalSlots && (slot - 1) % slotsPerTemplate == floor;
                square[row][slot] = row <= cellCount ? cost[row - 1][template] : optional ? 0 : forbidden;
            }
        }
        double[] rowPotential = new double[n + 1], slotPotential = new double[n + 1];
        int[] rowOfSlot = new int[n + 1], way = new int[n + 1];
        for (int row = 1; row <= n; row++) {
            rowOfSlot[0] = row;
            int slot0 = 0;
            double[] least = new double[n + 1];
            boolean[] used = new boolean[n + 1];
            Arrays.fill(least, Double.POSITIVE_INFINITY);
            do {
                used[slot0] = true;
                int row0 = rowOfSlot[slot0], slot1 = 0;
                double delta = Double.POSITIVE_INFINITY;
                for (int slot = 1; slot <= n; slot++) {
                    if (!used[slot]) {
                        double reduced = square[row0][slot] - rowPotential[row0] - slotPotential[slot];
                        if (reduced < least[slot]) {
                            least[slot] = reduced;
                            way[slot] = slot0;
                        }
                        if (least[slot] < delta) {
                            delta = least[slot];
                            slot1 = slot;
                        }
                    }
                }
                for (int slot = 0; slot <= n; slot++) {
                    if (used[slot]) {
                        rowPotential[rowOfSlot[slot]] += delta;
                        slotPotential[slot] -= delta;
                    } else {
                        least[slot] -= delta;
                    }
                }
                slot0 = slot1;
            } while (rowOfSlot[slot0] != 0);
            do {
                int slot1 = way[slot0];
                rowOfSlot[slot0] = rowOfSlot[slot1];
                slot0 = slot1;
            } while (slot0 != 0);
        }
        double total = 0;
        for (int slot = 1; slot <= n; slot++) {
            total += square[rowOfSlot[slot]][slot];
        }
        assertTrue(total < forbidden, "the slot problem must be feasible");
        return total;
    }

    /** Cells in order, each to its nearest template that can still take a use without breaking fairness. */
    private static int[] greedyNearestWithCapacities(float[] cells, float[] templates, int features) {
        int cellCount = cells.length / features, templateCount = templates.length / features;
        double[][] cost = costMatrix(cells, templates, features);
        int floor = cellCount / templateCount, extras = cellCount % templateCount, extrasTaken = 0;
        int[] uses = new int[templateCount], choice = new int[cellCount];
        for (int i = 0; i < cellCount; i++) {
            int best = -1;
            for (int j = 0; j < templateCount; j++) {
                boolean open = uses[j] < floor || (uses[j] == floor && extrasTaken < extras);
                if (open && (best < 0 || cost[i][j] < cost[i][best])) {
                    best = j;
                }
            }
            extrasTaken += uses[best] == floor ? 1 : 0;
            uses[best]++;
            choice[i] = best;
        }
        return choice;
    }

    private static double costOf(int[] templateOfCell, float[] cells, float[] templates, int features) {
        double[][] cost = costMatrix(cells, templates, features);
        double total = 0;
        for (int i = 0; i < templateOfCell.length; i++) {
            total += cost[i][templateOfCell[i]];
        }
        return total;
    }

    /** Squared distances in double, independently of the solver's float kernel. */
    private static double[][] costMatrix(float[] cells, float[] templates, int features) {
        int cellCount = cells.length / features, templateCount = templates.length / features;
        double[][] cost = new double[cellCount][templateCount];
        for (int i = 0; i < cellCount; i++) {
            for (int j = 0; j < templateCount; j++) {
                double sum = 0;
                for (int d = 0; d < features; d++) {
                    double e = (double) cells[i * features + d] - templates[j * features + d];
                    sum += e * e;
                }
                cost[i][j] = sum;
            }
        }
        return cost;
    }

    private static float[] uniform(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            values[k] = (float) random.nextDouble();
        }
        return values;
    }

    private static long freshSeed() {
        return System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
    }
}
