package dev.tessera.model;

/**
 * Where VGG16 features can be taken: the first ReLU of each block (the perceptual loss's layers)
 * and the third pooling (the encoder's output, 256 channels at 1/8 resolution).
 */
public enum VggTap {
    RELU1_1("relu1_1", 1, 0, 64),
    RELU2_1("relu2_1", 4, 1, 128),
    RELU3_1("relu3_1", 7, 2, 256),
    POOL3("pool3", 10, 3, 256),
    RELU4_1("relu4_1", 11, 3, 512),
    RELU5_1("relu5_1", 15, 4, 512);

    private final String layerName;
    private final int depth;
    private final int pools;
    private final int channels;

    VggTap(String layerName, int depth, int pools, int channels) {
        this.layerName = layerName;
        this.depth = depth;
        this.pools = pools;
        this.channels = channels;
    }

    /** The conventional name, e.g. relu3_1. */
    public String layerName() {
        return layerName;
    }

    /** Steps of the stack (conv+ReLU or pool) run to reach this tap. */
    int depth() {
        return depth;
    }

    /** Pooling layers before the tap: the input must be at least 2^pools pixels on each side. */
    public int pools() {
        return pools;
    }

    public int channels() {
        return channels;
    }

    public static VggTap parse(String name) {
        for (VggTap t : values()) if (t.layerName.equalsIgnoreCase(name)) return t;
        throw new IllegalArgumentException("unknown VGG16 layer '" + name
                + "': use relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 or pool3");
    }
}
