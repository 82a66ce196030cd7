package dev.tessera.classic;

import dev.tessera.ops.NearestSearch;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Matching under repetition limits: no template twice within {@code minDistance} cells (Chebyshev
 * distance) and none more than {@code maxUses} times.
 *
 * <p>First greedily in raster order (as the peers do): each cell takes, among its L nearest
 * templates (sized so that a free one always exists among them when the set is large enough;
 * otherwise an exact scan of all), the free one of least cost. Then ejection moves until none
 * helps: a cell takes a better template that exactly one neighbour holds, and that neighbour takes
 * its best free alternative, when the two costs together fall. Greedy alone leaves such pairs: a
 * cell early in the raster takes what a later one needed more. Every move keeps both limits.
 *
 * <p>The cost is the sum over sub-cells of the Euclidean distance between their signature vectors,
 * not its square (which ranks the L candidates, as in unlimited matching): once repeats are limited
 * most cells get a template far from them, and a squared cost then prefers many moderate colour
 * errors over a few large ones, where the eye and CIEDE2000 average the distances themselves.
 * Measured against metapixel at its default distance 5 (bench/RESULTS.md): squared cost, greedy
 * only, lost CIEDE2000 on one photo of three (15.00 against 14.42); ejections alone gained on every
 * figure but not enough (14.82); with this cost as well, all three figures beat metapixel's on all
 * three photos.
 */
final class RepetitionLimits {
    private final CellGrid grid;
    private final int minDistance;
    private final int maxUses;
    private final int templates;

    RepetitionLimits(CellGrid grid, int minDistance, int maxUses, int templates) {
        this.grid = grid;
        this.minDistance = minDistance;
        this.maxUses = maxUses;
        this.templates = templates;
        if (maxUses > 0 && (long) maxUses * templates < grid.cells())
            throw new IllegalArgumentException("--max-uses " + maxUses + " with " + templates + " templates covers only "
                    + (long) maxUses * templates + " of the " + grid.cells() + " cells; raise --max-uses or use more templates");
    }

    /**
     * A --max-uses with which the greedy can never be cornered, for any picture: before any cell at
     * most ⌊(cells − 1)/U⌋ templates are used up and {@code neighbours} more are banned nearby, so
     * one is free while templates − ⌊(cells − 1)/U⌋ > neighbours. 0 when no cap is enough (too few
     * templates for the distance).
     */
    static long sufficientMaxUses(long cells, int templates, int neighbours) {
        long spare = (long) templates - neighbours - 1;  // templates that may be used up, leaving one free
        if (spare < 0) return 0;
        if (spare == 0) return cells;
        return Math.max(1, (cells - 1 + spare - 1) / spare);
    }

    /** Cells placed before a cell in raster order that lie within minDistance of it. */
    int precedingNeighbours() {
        return minDistance * (2 * minDistance + 1) + minDistance;
    }

    /** Most passes of ejection moves; measured, they stop improving after 5 to 8 on 1,024-cell mosaics. */
    static final int MAX_PASSES = 50;
    /** Off only in tests, to compare with greedy alone. */
    boolean ejections = true;

    void assign(ColourSignatures cells, ColourSignatures set, int[] choice, float[] score) {
        int k = Math.min(templates, Math.max(8, precedingNeighbours() + 1 + (maxUses > 0 ? 16 : 0)));
        NearestSearch.Neighbours nb = NearestSearch.search(cells.features, set.features, cells.dims(), k);
        double[] cost = new double[choice.length * k];
        IntStream.range(0, choice.length).parallel().forEach(cell -> {
            for (int rank = 0; rank < k; rank++) cost[cell * k + rank] = cost(cells, cell, set, nb.index(cell, rank));
        });
        int[] uses = new int[templates];
        int[] bannedStamp = new int[templates];
        int[] rankOfChoice = new int[choice.length];
        Arrays.fill(choice, -1);
        for (int cell = 0; cell < choice.length; cell++) {
            int stamp = cell + 1;
            markNeighbours(cell, choice, bannedStamp, stamp);
            int pick = -1, pickRank = -1;
            for (int rank = 0; rank < k; rank++) {
                int t = nb.index(cell, rank);
                if (allowed(t, uses, bannedStamp, stamp) && (pick < 0 || cost[cell * k + rank] < cost[cell * k + pickRank])) {
                    pick = t;
                    pickRank = rank;
                }
            }
            if (pick < 0) pick = exactScan(cell, cells, set, uses, bannedStamp, stamp, score);
            else score[cell] = nb.distance(cell, pickRank);
            choice[cell] = pick;
            rankOfChoice[cell] = pickRank;
            uses[pick]++;
        }
        if (minDistance > 0 && ejections) eject(nb, k, cost, choice, rankOfChoice, uses, score);
    }

    /**
     * Ejection passes: cell a takes a template t of lower cost that exactly one cell b within
     * minDistance holds; b takes its least-cost template that is free around it (with a holding
     * t) and within maxUses; done when the two costs together fall. Cells placed by the exact scan
     * (no rank in their list) stay.
     */
    private void eject(NearestSearch.Neighbours nb, int k, double[] cost, int[] choice, int[] rankOfChoice, int[] uses,
            float[] score) {
        int cols = grid.columns(), rows = choice.length / cols;
        int[] mark = new int[templates];
        int stamp = 0;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            boolean moved = false;
            for (int a = 0; a < choice.length; a++) {
                int curRank = rankOfChoice[a];
                if (curRank < 0) continue;
                double current = cost[a * k + curRank];
                for (int rank = 0; rank < k; rank++) {
                    if (!(cost[a * k + rank] < current)) continue;
                    int t = nb.index(a, rank);
                    int b = soleHolder(a, t, choice, cols, rows);
                    if (b < 0 || rankOfChoice[b] < 0) continue;
                    int heldRank = rankIn(nb, b, t, k);
                    if (heldRank < 0) continue;
                    stamp++;
                    int rb = b / cols, cb = b % cols;
                    for (int y = Math.max(0, rb - minDistance); y <= Math.min(rows - 1, rb + minDistance); y++)
                        for (int x = Math.max(0, cb - minDistance); x <= Math.min(cols - 1, cb + minDistance); x++) {
                            int o = y * cols + x;
                            if (o != b) mark[o == a ? t : choice[o]] = stamp;
                        }
                    mark[t] = stamp;
                    int cur = choice[a], altRank = -1;
                    for (int r = 0; r < k; r++) {
                        int u = nb.index(b, r);
                        if (mark[u] == stamp || (maxUses > 0 && u != cur && uses[u] >= maxUses)) continue;
                        if (altRank < 0 || cost[b * k + r] < cost[b * k + altRank]) altRank = r;
                    }
                    if (altRank < 0) continue;
                    double change = cost[a * k + rank] - current + cost[b * k + altRank] - cost[b * k + heldRank];
                    if (change < -1e-9 * current) {
                        int alt = nb.index(b, altRank);
                        uses[cur]--;
                        uses[alt]++;
                        choice[a] = t;
                        choice[b] = alt;
                        rankOfChoice[a] = rank;
                        rankOfChoice[b] = altRank;
                        score[a] = nb.distance(a, rank);
                        score[b] = nb.distance(b, altRank);
                        moved = true;
                        break;
                    }
                }
            }
            if (!moved) return;
        }
    }

    /** The one cell other than a within minDistance of a that holds t; -1 when none or several. */
    private int soleHolder(int a, int t, int[] choice, int cols, int rows) {
        int ra = a / cols, ca = a % cols, holder = -1;
        for (int y = Math.max(0, ra - minDistance); y <= Math.min(rows - 1, ra + minDistance); y++)
            for (int x = Math.max(0, ca - minDistance); x <= Math.min(cols - 1, ca + minDistance); x++) {
                int o = y * cols + x;
                if (o == a || choice[o] != t) continue;
                if (holder >= 0) return -1;
                holder = o;
            }
        return holder;
    }

    private static int rankIn(NearestSearch.Neighbours nb, int cell, int t, int k) {
        for (int r = 0; r < k; r++) if (nb.index(cell, r) == t) return r;
        return -1;
    }

    /** Sum over sub-cells of the Euclidean distance between the two signatures' sub-cell vectors. */
    static double cost(ColourSignatures cells, int cell, ColourSignatures set, int t) {
        int d = cells.dims(), per = ColourSignatures.PER_SUBCELL;
        double total = 0;
        for (int o = 0, ci = cell * d, ti = t * d; o < d; o += per) {
            double s = 0;
            for (int j = 0; j < per; j++) {
                double diff = cells.features[ci + o + j] - set.features[ti + o + j];
                s += diff * diff;
            }
            total += Math.sqrt(s);
        }
        return total;
    }

    private boolean allowed(int t, int[] uses, int[] bannedStamp, int stamp) {
        return bannedStamp[t] != stamp && (maxUses == 0 || uses[t] < maxUses);
    }

    private void markNeighbours(int cell, int[] choice, int[] bannedStamp, int stamp) {
        if (minDistance == 0) return;
        int cols = grid.columns(), r = cell / cols, c = cell % cols;
        for (int y = Math.max(0, r - minDistance); y <= r; y++)
            for (int x = Math.max(0, c - minDistance); x <= Math.min(cols - 1, c + minDistance); x++) {
                int other = y * cols + x;
                if (other < cell) bannedStamp[choice[other]] = stamp;
            }
    }

    private int exactScan(int cell, ColourSignatures cells, ColourSignatures set, int[] uses, int[] bannedStamp, int stamp,
            float[] score) {
        int best = -1;
        double bestCost = Double.MAX_VALUE;
        for (int t = 0; t < templates; t++) {
            if (!allowed(t, uses, bannedStamp, stamp)) continue;
            double c = cost(cells, cell, set, t);
            if (c < bestCost) {
                bestCost = c;
                best = t;
            }
        }
        if (best < 0) {
            long enough = sufficientMaxUses(grid.cells(), templates, precedingNeighbours());
            throw new IllegalArgumentException("no template satisfies --min-distance " + minDistance
                    + (maxUses > 0 ? " and --max-uses " + maxUses : "") + " at cell " + cell + " with " + templates
                    + " templates; at least " + (precedingNeighbours() + 1) + " are needed for this distance"
                    + (maxUses > 0 && enough > 0 ? ", and --max-uses " + enough + " or more never runs out" : ""));
        }
        score[cell] = (float) cells.squaredDistance(cell, set, best);
        return best;
    }
}
