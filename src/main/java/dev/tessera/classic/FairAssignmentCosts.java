package dev.tessera.classic;

import dev.tessera.ops.NearestSearch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Squared Euclidean distances between cell and template feature vectors: all of them at once by the
 * native blocked search when the M×N matrix is small ({@link #MATRIX_LIMIT}), else computed on the
 * fly a row at a time so that no M×N matrix is held (10^4 × 10^4 floats would be 400 MB). The
 * matrix matters for long signatures: classic's default 16×16 sub-cells are 1,536 numbers, and
 * the Java rows then cost 25 s per 1,024-cell image against 1,700 templates.
 *
 * <p>Every cost, whichever method produces it, is summed over the features in the same order in
 * float, so a pair's cost is bit-identical everywhere; the solver's optimality proof relies on the
 * candidate lists, the flow and the pricing pass all seeing one and the same cost function.
 */
final class FairAssignmentCosts {
    /** Cells handed to a worker at a time: large enough to amortise the hand-out, small enough to balance. */
    private static final int CELLS_PER_CHUNK = 32;
    /** 24 KiB of template features per block: fits a 32 KiB L1 data cache with the cell's features beside it. */
    private static final int TEMPLATE_BLOCK_FLOATS = 6 * 1024;

    private final float[] cellFeatures;
    private final float[] templateFeatures;
    private final int featureLength;
    private final int cellCount;
    private final int templateCount;
    private final int threads;
    /** Costs precomputed natively (cells × templates), or null to compute rows on the fly. */
    private final float[] matrix;

    /** Cell-template pairs up to which all costs are precomputed: 128 MB of floats. */
    static final long MATRIX_LIMIT = 1L << 25;

    FairAssignmentCosts(float[] cellFeatures, float[] templateFeatures, int featureLength, int threads) {
        this.cellFeatures = cellFeatures;
        this.templateFeatures = templateFeatures;
        this.featureLength = featureLength;
        this.cellCount = cellFeatures.length / featureLength;
        this.templateCount = templateFeatures.length / featureLength;
        this.threads = threads;
        this.matrix = (long) cellCount * templateCount <= MATRIX_LIMIT && cellCount > 0 && templateCount > 0
                ? NearestSearch.distances(cellFeatures, templateFeatures, featureLength) : null;
    }

    int cellCount() {
        return cellCount;
    }

    int templateCount() {
        return templateCount;
    }

    /** The cost of one pair, the same value {@link #row} gives. */
    float cost(int cell, int template) {
        if (matrix != null) return matrix[cell * templateCount + template];
        int a = cell * featureLength, b = template * featureLength;
        float sum = 0f;
        for (int d = 0; d < featureLength; d++) {
            float e = cellFeatures[a + d] - templateFeatures[b + d];
            sum += e * e;
        }
        return sum;
    }

    /**
     * Writes the costs of {@code cell} against templates {@code [from, to)} into {@code row} at the same
     * indices. Eight templates at a time keep eight independent sums in flight, which is what makes the
     * scalar loop throughput-bound instead of waiting on one chain of additions.
     */
    void row(float[] row, int cell, int from, int to) {
        if (matrix != null) {
            System.arraycopy(matrix, cell * templateCount + from, row, from, to - from);
            return;
        }
        int length = featureLength;
        int a = cell * length;
        float[] t = templateFeatures, c = cellFeatures;
        int j = from;
        for (; j + 8 <= to; j += 8) {
            int b0 = j * length, b1 = b0 + length, b2 = b1 + length, b3 = b2 + length;
            int b4 = b3 + length, b5 = b4 + length, b6 = b5 + length, b7 = b6 + length;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int d = 0; d < length; d++) {
                float x = c[a + d];
                float e0 = x - t[b0 + d], e1 = x - t[b1 + d], e2 = x - t[b2 + d], e3 = x - t[b3 + d];
                float e4 = x - t[b4 + d], e5 = x - t[b5 + d], e6 = x - t[b6 + d], e7 = x - t[b7 + d];
                s0 += e0 * e0;
                s1 += e1 * e1;
                s2 += e2 * e2;
                s3 += e3 * e3;
                s4 += e4 * e4;
                s5 += e5 * e5;
                s6 += e6 * e6;
                s7 += e7 * e7;
            }
            row[j] = s0;
            row[j + 1] = s1;
            row[j + 2] = s2;
            row[j + 3] = s3;
            row[j + 4] = s4;
            row[j + 5] = s5;
            row[j + 6] = s6;
            row[j + 7] = s7;
        }
        for (; j < to; j++) {
            row[j] = cost(cell, j);
        }
    }

    /** What a worker does with one cell's full row of costs; each worker gets its own scratch. */
    interface RowVisitor {
        void visit(int cell, float[] row);
    }

    /**
     * Computes every cell's row on {@code threads} threads and hands each to {@code visitor}; cells are
     * visited once each, in no particular order, possibly concurrently (the visitor writes only to
     * per-cell slots).
     */
    void forEachRow(RowVisitor visitor) {
        AtomicInteger next = new AtomicInteger();
        // A block of templates small enough to stay in L1 is reused by every cell of the chunk; streaming all
        // templates once per cell instead made the pass memory-bound (4 s instead of 1.5 s at 10^4 × 10^4).
        int templatesPerBlock = Math.max(8, TEMPLATE_BLOCK_FLOATS / featureLength / 8 * 8);
        Runnable work = () -> {
            float[][] rows = new float[CELLS_PER_CHUNK][templateCount];
            for (int start; (start = next.getAndAdd(CELLS_PER_CHUNK)) < cellCount; ) {
                int end = Math.min(cellCount, start + CELLS_PER_CHUNK);
                for (int from = 0; from < templateCount; from += templatesPerBlock) {
                    int to = Math.min(templateCount, from + templatesPerBlock);
                    for (int cell = start; cell < end; cell++) {
                        row(rows[cell - start], cell, from, to);
                    }
                }
                for (int cell = start; cell < end; cell++) {
                    visitor.visit(cell, rows[cell - start]);
                }
            }
        };
        int workers = Math.max(1, Math.min(threads, (cellCount + CELLS_PER_CHUNK - 1) / CELLS_PER_CHUNK));
        Thread[] helpers = new Thread[workers - 1];
        for (int k = 0; k < helpers.length; k++) {
            helpers[k] = new Thread(work, "fair-assignment-costs-" + k);
            helpers[k].start();
        }
        work.run();
        for (Thread helper : helpers) {
            try {
                helper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while computing assignment costs", e);
            }
        }
    }
}
