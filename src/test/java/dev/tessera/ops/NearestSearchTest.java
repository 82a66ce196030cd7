package dev.tessera.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NearestSearchTest {
    /** Sizes off every block size (16 queries, 16 and 512 references). */
    @ParameterizedTest(name = "m={0} n={1} d={2} k={3}")
    @CsvSource({"1,1,1,1", "37,5,3,5", "100,700,48,1", "100,700,48,7", "33,1030,12,64"})
    void nearestMatchesBruteForceInDouble(int m, int n, int d, int k) {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] q = random(rnd, m * d), r = random(rnd, n * d);
        NearestSearch.Neighbours got = NearestSearch.search(q, r, d, k);
        for (int i = 0; i < m; i++) {
            final int qi = i;
            double[] exact = IntStream.range(0, n).mapToDouble(j -> NearestSearch.squaredDistance(q, qi, r, j, d)).toArray();
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> exact[j]).thenComparingInt(j -> j));
            for (int rank = 0; rank < k; rank++) {
                int j = got.index(i, rank);
                // Float rounding may swap near-ties: the rank-th result must be as near as the exact rank-th.
                assertEquals(exact[order[rank]], exact[j], 1e-4 * (1 + exact[order[rank]]),
                        "query " + i + " rank " + rank + " seed " + seed);
                assertEquals(exact[j], got.distance(i, rank), 1e-4 * (1 + exact[j]), "distance, seed " + seed);
            }
        }
    }

    @Test
    void allDistancesAreTheOnesTheSearchRanks() {
        SplittableRandom rnd = new SplittableRandom();
        int m = 1 + rnd.nextInt(40), n = 1 + rnd.nextInt(600), d = 1 + rnd.nextInt(200);
        float[] q = random(rnd, m * d), r = random(rnd, n * d);
        float[] all = NearestSearch.distances(q, r, d);
        NearestSearch.Neighbours sorted = NearestSearch.search(q, r, d, n);
        for (int i = 0; i < m; i++)
            for (int rank = 0; rank < n; rank++)
                assertEquals(sorted.distance(i, rank), all[i * n + sorted.index(i, rank)], 0f, "query " + i + " rank " + rank);
    }

    @Test
    void equalDistancesPreferTheLowerIndex() {
        float[] refs = {1, 0, 0, 1, -1, 0, 0, -1};  // four unit vectors, all at distance 1 from the origin
        NearestSearch.Neighbours got = NearestSearch.search(new float[] {0, 0}, refs, 2, 4);
        assertEquals(Arrays.toString(new int[] {0, 1, 2, 3}), Arrays.toString(got.indices()));
    }

    @Test
    void badSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> NearestSearch.search(new float[3], new float[4], 2, 1));
        assertThrows(IllegalArgumentException.class, () -> NearestSearch.search(new float[2], new float[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> NearestSearch.search(new float[2], new float[0], 2, 1));
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1);
        return v;
    }
}
