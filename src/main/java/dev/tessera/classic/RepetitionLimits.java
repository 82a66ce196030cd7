package dev.tessera.classic;

import dev.tessera.ops.NearestSearch;
import java.util.Arrays;

/**
 * Greedy matching under repetition limits, in raster order (as the peers do): each cell takes the
 * nearest template that is not used within {@code minDistance} cells (Chebyshev distance, among
 * cells already placed) and has been used fewer than {@code maxUses} times. Candidates come from a
 * top-L nearest search sized so that a free candidate always exists among them when the set is
 * large enough; otherwise the cell falls back to an exact scan of all templates.
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

    void assign(ColourSignatures cells, ColourSignatures set, int[] choice, float[] score) {
        int k = Math.min(templates, Math.max(8, precedingNeighbours() + 1 + (maxUses > 0 ? 16 : 0)));
        NearestSearch.Neighbours nb = NearestSearch.search(cells.features, set.features, cells.dims(), k);
        int[] uses = new int[templates];
        int[] bannedStamp = new int[templates];
        Arrays.fill(choice, -1);
        for (int cell = 0; cell < choice.length; cell++) {
            int stamp = cell + 1;
            markNeighbours(cell, choice, bannedStamp, stamp);
            int pick = -1;
            for (int rank = 0; rank < k && pick < 0; rank++) {
                int t = nb.index(cell, rank);
                if (allowed(t, uses, bannedStamp, stamp)) {
                    pick = t;
                    score[cell] = nb.distance(cell, rank);
                }
            }
            if (pick < 0) pick = exactScan(cell, cells, set, uses, bannedStamp, stamp, score);
            choice[cell] = pick;
            uses[pick]++;
        }
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
        int d = cells.dims(), best = -1;
        double bestDistance = Double.MAX_VALUE;
        for (int t = 0; t < templates; t++) {
            if (!allowed(t, uses, bannedStamp, stamp)) continue;
            double s = 0;
            for (int j = 0; j < d; j++) {
                double diff = cells.features[cell * d + j] - set.features[t * d + j];
                s += diff * diff;
            }
            if (s < bestDistance) {
                bestDistance = s;
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
        score[cell] = (float) bestDistance;
        return best;
    }
}
