package dev.tessera.model;

import java.util.Arrays;

/**
 * A tensor as a weight file declares it, before any data is read: its dtype (null when the file
 * names one Tessera does not know, kept as {@code dtypeName} for the message) and its shape.
 */
record StoredTensor(String dtypeName, WeightDtype dtype, long[] shape) {

    static StoredTensor of(WeightDtype dtype, long[] shape) {
        return new StoredTensor(dtype.name(), dtype, shape);
    }

    /** Element count, or an error when the declared shape overflows a long (a lying header). */
    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
