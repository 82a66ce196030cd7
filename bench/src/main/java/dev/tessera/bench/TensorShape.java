package dev.tessera.bench;

import java.util.Arrays;

/** A B×C×H×W (or any rank) size written as JMH parameters are: "6x3x512x512". */
record TensorShape(long[] dims) {

    static TensorShape parse(String text) {
        String[] parts = text.split("x");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Long.parseLong(parts[i].trim());
            if (dims[i] < 1) throw new IllegalArgumentException("bad size '" + text + "': every dimension must be >= 1");
        }
        return new TensorShape(dims);
    }

    long dim(int i) {
        return dims[i];
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
