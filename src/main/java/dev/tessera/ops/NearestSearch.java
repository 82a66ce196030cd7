package dev.tessera.ops;

/**
 * Exhaustive k-nearest search by squared Euclidean distance, in libtessera (blocked matrix
 * arithmetic, all cores): what classic matching ranks templates with. Plain Java arrays in and
 * out, no LibTorch, so classic mode starts without loading it.
 */
public final class NearestSearch {
    private NearestSearch() {}

    /**
     * The {@code k} nearest of the {@code n = refs.length / dims} references for each of the
     * {@code m = queries.length / dims} queries (row-major vectors), nearest first.
     */
    public static Neighbours search(float[] queries, float[] refs, int dims, int k) {
        if (dims < 1) throw new IllegalArgumentException("nearest: dims must be >= 1, got " + dims);
        if (queries.length % dims != 0 || refs.length % dims != 0)
            throw new IllegalArgumentException("nearest: array lengths " + queries.length + ", " + refs.length
                    + " are not multiples of dims " + dims);
        int m = queries.length / dims, n = refs.length / dims;
        if (n < 1) throw new IllegalArgumentException("nearest: no references to search");
        if (k < 1 || k > n) throw new IllegalArgumentException("nearest: k = " + k + " must be in 1.." + n);
        int[] index = new int[Math.multiplyExact(m, k)];
        float[] distance = new float[m * k];
        if (m > 0) Ops.check("nearest", NativeOps.tsr_nearest_cpu(index, distance, queries, m, refs, n, dims, k));
        return new Neighbours(m, k, index, distance);
    }

    /**
     * The squared Euclidean distance between row {@code i} of {@code a} and row {@code j} of
     * {@code b} (rows of {@code dims} floats), summed in double: the plain reference that the
     * native search's blocked arithmetic is checked against, and what classic's exact
     * re-measurements use.
     */
    public static double squaredDistance(float[] a, int i, float[] b, int j, int dims) {
        double s = 0;
        for (int x = 0, ai = i * dims, bj = j * dims; x < dims; x++) {
            double diff = a[ai + x] - b[bj + x];
            s += diff * diff;
        }
        return s;
    }

    /**
     * Every squared distance, queries × references, row-major, computed exactly as {@link #search}
     * computes them.
     */
    public static float[] distances(float[] queries, float[] refs, int dims) {
        if (dims < 1 || queries.length % dims != 0 || refs.length % dims != 0 || refs.length == 0)
            throw new IllegalArgumentException("distances: array lengths " + queries.length + ", " + refs.length
                    + " are not non-empty multiples of dims " + dims);
        int m = queries.length / dims, n = refs.length / dims;
        float[] out = new float[Math.multiplyExact(m, n)];
        if (m > 0) Ops.check("distances", NativeOps.tsr_distances_cpu(out, queries, m, refs, n, dims));
        return out;
    }

    /** Row q holds the k nearest references of query q: {@code index(q, j)}, nearest first. */
    public record Neighbours(int queries, int k, int[] indices, float[] distances) {
        public int index(int query, int rank) {
            return indices[query * k + rank];
        }

        public float distance(int query, int rank) {
            return distances[query * k + rank];
        }
    }
}
