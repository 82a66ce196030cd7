package dev.tessera.classic;

import java.util.Arrays;

/**
 * Fair assignment of cells to templates ({@code --fair}): every template is used ⌊M/N⌋ or ⌈M/N⌉ times
 * (at most once when there are fewer cells than templates), each cell gets exactly one template, and
 * the total squared feature distance is minimal — solved as a transportation problem, not greedily.
 *
 * <p>How: the exact min-cost flow is solved on a sparse set of candidate arcs (each cell's nearest
 * templates, plus one round-robin arc per cell so a fair assignment always exists), then a pricing pass
 * over all M×N pairs checks its duals. For any template prices v,
 * {@code LB(v) = Σ_i min_j (c_ij + v_j) − ⌊M/N⌋·Σ_j v_j − Σ_j max(v_j, 0)} is the objective of a
 * feasible dual of the transportation LP, hence a lower bound on the optimum; with the flow's prices it
 * equals the flow's cost exactly when no pair has a negative reduced cost. Pairs that do are added as
 * candidates and the flow is solved again, so with unlimited rounds the result is optimal; with a
 * round limit it is returned with {@link Result#gapBound()} = cost − LB as a proven bound.
 *
 * <p>Costs are squared Euclidean distances computed in float (summing over features in order) and
 * held only as candidate lists, never as an M×N matrix; optimality is with respect to those float costs.
 */
public final class FairAssignment {
    /** A gap this small relative to the cost is double rounding in the bound's sums, not suboptimality. */
    private static final double OPTIMALITY_TOLERANCE = 1e-9;
    /** Reduced costs above minus this (relative) are rounding in the potentials; adding such arcs would not pay. */
    private static final double VIOLATION_TOLERANCE = 1e-12;

    private FairAssignment() {}

    /**
     * How the solver trades time for proof.
     *
     * @param candidatesPerCell nearest templates each cell starts with; more makes later rounds rarer
     * @param arcsAddedPerCell most violating pairs a cell gains per pricing round
     * @param maxRounds flow solves at most; the last result carries its proven gap bound
     * @param threads threads for the cost passes (the flow itself is sequential)
     */
    public record Settings(int candidatesPerCell, int arcsAddedPerCell, int maxRounds, int threads) {
        public Settings {
            if (candidatesPerCell < 1 || arcsAddedPerCell < 1 || maxRounds < 1 || threads < 1) {
                throw new IllegalArgumentException("fair assignment settings must all be at least 1, got " + candidatesPerCell
                        + " candidates per cell, " + arcsAddedPerCell + " arcs added per cell, " + maxRounds
                        + " rounds, " + threads + " threads");
            }
        }

        /** Rounds until proven optimal, on every available core. */
        public static Settings exact() {
            return new Settings(32, 16, Integer.MAX_VALUE, Runtime.getRuntime().availableProcessors());
        }

        /** The same, but stopping after {@code rounds} flow solves with whatever bound they reached. */
        public Settings withMaxRounds(int rounds) {
            return new Settings(candidatesPerCell, arcsAddedPerCell, rounds, threads);
        }
    }

    /**
     * @param templateOfCell the template chosen for each cell
     * @param totalCost the sum of the chosen pairs' costs
     * @param lowerBound a proven lower bound on the optimal total cost
     * @param rounds how many flow solves (one more pricing pass each) it took
     */
    public record Result(int[] templateOfCell, double totalCost, double lowerBound, int rounds) {
        /** How much cheaper than {@link #totalCost()} the optimum could at most be. */
        public double gapBound() {
            return Math.max(0, totalCost - lowerBound);
        }

        /** Whether the gap is within double rounding, i.e. the assignment is optimal for the float costs. */
        public boolean provenOptimal() {
            return gapBound() <= OPTIMALITY_TOLERANCE * Math.max(1, Math.abs(totalCost));
        }
    }

    /** Solves to proven optimality with {@link Settings#exact()}. */
    public static Result solve(float[] cellFeatures, float[] templateFeatures, int featureLength) {
        return solve(cellFeatures, templateFeatures, featureLength, Settings.exact());
    }

    /**
     * @param cellFeatures M feature vectors of {@code featureLength} floats, row-major
     * @param templateFeatures N feature vectors of {@code featureLength} floats, row-major
     */
    public static Result solve(float[] cellFeatures, float[] templateFeatures, int featureLength, Settings settings) {
        checkFeatures(cellFeatures, templateFeatures, featureLength);
        FairAssignmentCosts costs = new FairAssignmentCosts(cellFeatures, templateFeatures, featureLength, settings.threads());
        int cells = costs.cellCount(), templates = costs.templateCount();
        if (cells == 0) {
            return new Result(new int[0], 0, 0, 0);
        }
        int[][] candidates = new int[cells][];
        float[][] candidateCosts = new float[cells][];
        int perCell = Math.min(templates, settings.candidatesPerCell());
        costs.forEachRow((cell, row) -> {
            int[] nearest = new int[perCell];
            float[] nearestCosts = new float[perCell];
            keepSmallest(row, null, Double.POSITIVE_INFINITY, nearest, nearestCosts);
            candidates[cell] = nearest;
            candidateCosts[cell] = nearestCosts;
        });
        // Template i mod N for cell i uses every template ⌊M/N⌋ or ⌈M/N⌉ times: a fair assignment always
        // exists on the candidate arcs, however the nearest lists cluster.
        for (int cell = 0; cell < cells; cell++) {
            int template = cell % templates;
            merge(candidates, candidateCosts, cell, new int[] {template}, new float[] {costs.cost(cell, template)});
        }
        double[] prices = null;
        for (int round = 1; ; round++) {
            FairAssignmentFlow flow = new FairAssignmentFlow(cells, templates, candidates, candidateCosts);
            flow.solve(prices);
            int[] templateOfCell = flow.templateOfCell();
            prices = flow.templatePrices();
            Pricing pricing = price(costs, templateOfCell, prices, settings.arcsAddedPerCell());
            Result result = new Result(templateOfCell, pricing.totalCost, pricing.lowerBound, round);
            if (pricing.violatingCells == 0 || result.provenOptimal() || round >= settings.maxRounds()) {
                return result;
            }
            for (int cell = 0; cell < cells; cell++) {
                if (pricing.addedArcs[cell] != null) {
                    merge(candidates, candidateCosts, cell, pricing.addedArcs[cell], pricing.addedCosts[cell]);
                }
            }
        }
    }

    private static void checkFeatures(float[] cellFeatures, float[] templateFeatures, int featureLength) {
        if (featureLength < 1) {
            throw new IllegalArgumentException("feature length must be at least 1, got " + featureLength);
        }
        if (cellFeatures.length % featureLength != 0 || templateFeatures.length % featureLength != 0) {
            throw new IllegalArgumentException("feature arrays (" + cellFeatures.length + " cell floats, "
                    + templateFeatures.length + " template floats) must be whole rows of " + featureLength);
        }
        if (templateFeatures.length == 0 && cellFeatures.length > 0) {
            throw new IllegalArgumentException("cannot assign " + cellFeatures.length / featureLength
                    + " cells with an empty template set");
        }
        checkFinite(cellFeatures, featureLength, "cell");
        checkFinite(templateFeatures, featureLength, "template");
    }

    private static void checkFinite(float[] features, int featureLength, String what) {
        for (int k = 0; k < features.length; k++) {
            if (!Float.isFinite(features[k])) {
                throw new IllegalArgumentException(what + " " + k / featureLength + " has a non-finite feature ("
                        + features[k] + "); fair assignment needs finite features for every " + what);
            }
        }
    }

    /** What a pricing pass found: the primal cost, the dual bound, and the pairs worth adding. */
    private static final class Pricing {
        double totalCost;
        double lowerBound;
        int violatingCells;
        int[][] addedArcs;
        float[][] addedCosts;
    }

    private static Pricing price(FairAssignmentCosts costs, int[] templateOfCell, double[] prices, int arcsPerCell) {
        int cells = costs.cellCount();
        double[] cheapestPriced = new double[cells];
        double[] assignedCost = new double[cells];
        int[][] addedArcs = new int[cells][];
        float[][] addedCosts = new float[cells][];
        costs.forEachRow((cell, row) -> {
            int assigned = templateOfCell[cell];
            assignedCost[cell] = row[assigned];
            double paid = row[assigned] + prices[assigned];
            double cheapest = paid;
            for (int j = 0; j < row.length; j++) {
                cheapest = Math.min(cheapest, row[j] + prices[j]);
            }
            cheapestPriced[cell] = cheapest;
            double threshold = paid - VIOLATION_TOLERANCE * Math.max(1, Math.abs(paid));
            if (cheapest < threshold) {
                int[] arcs = new int[arcsPerCell];
                float[] arcCosts = new float[arcsPerCell];
                int found = keepSmallest(row, prices, threshold, arcs, arcCosts);
                addedArcs[cell] = Arrays.copyOf(arcs, found);
                addedCosts[cell] = Arrays.copyOf(arcCosts, found);
            }
        });
        int direct = cells / costs.templateCount();
        Pricing pricing = new Pricing();
        double priceTerm = 0;
        for (double v : prices) {
            priceTerm += direct * v + Math.max(v, 0);
        }
        double cheapestSum = 0;
        for (int cell = 0; cell < cells; cell++) {
            pricing.totalCost += assignedCost[cell];
            cheapestSum += cheapestPriced[cell];
            if (addedArcs[cell] != null) {
                pricing.violatingCells++;
            }
        }
        pricing.lowerBound = cheapestSum - priceTerm;
        pricing.addedArcs = addedArcs;
        pricing.addedCosts = addedCosts;
        return pricing;
    }

    /**
     * Keeps the {@code indices.length} templates with the smallest {@code row[j] + prices[j]} (prices
     * may be null for zero) among those below {@code below}, as a max-heap in {@code indices}/{@code
     * values}; returns how many it kept.
     */
    private static int keepSmallest(float[] row, double[] prices, double below, int[] indices, float[] values) {
        int capacity = indices.length;
        double[] keys = new double[capacity];
        int size = 0;
        for (int j = 0; j < row.length; j++) {
            double key = prices == null ? row[j] : row[j] + prices[j];
            if (key >= below || (size == capacity && key >= keys[0])) {
                continue;
            }
            int k;
            if (size < capacity) {
                k = size++;
                while (k > 0 && keys[(k - 1) >>> 1] < key) {
                    int parent = (k - 1) >>> 1;
                    keys[k] = keys[parent];
                    indices[k] = indices[parent];
                    values[k] = values[parent];
                    k = parent;
                }
            } else {
                k = 0;
                while (true) {
                    int child = 2 * k + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && keys[child + 1] > keys[child]) {
                        child++;
                    }
                    if (keys[child] <= key) {
                        break;
                    }
                    keys[k] = keys[child];
                    indices[k] = indices[child];
                    values[k] = values[child];
                    k = child;
                }
            }
            keys[k] = key;
            indices[k] = j;
            values[k] = row[j];
        }
        return size;
    }

    /** Appends the arcs the cell does not have yet. */
    private static void merge(int[][] candidates, float[][] candidateCosts, int cell, int[] arcs, float[] arcCosts) {
        int[] old = candidates[cell];
        int[] merged = Arrays.copyOf(old, old.length + arcs.length);
        float[] mergedCosts = Arrays.copyOf(candidateCosts[cell], merged.length);
        int size = old.length;
        for (int k = 0; k < arcs.length; k++) {
            boolean present = false;
            for (int m = 0; m < old.length && !present; m++) {
                present = old[m] == arcs[k];
            }
            if (!present) {
                merged[size] = arcs[k];
                mergedCosts[size++] = arcCosts[k];
            }
        }
        candidates[cell] = Arrays.copyOf(merged, size);
        candidateCosts[cell] = Arrays.copyOf(mergedCosts, size);
    }
}
