package dev.tessera.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The 13 convolutions of VGG16 under torchvision's state-dict names. timm's {@code vgg16.tv_in1k}
 * uses the same {@code features.N} names (it renames only the classifier, to pre_logits.fc1/fc2 and
 * head.fc), so one layout serves both; classifier keys of either are ignored.
 */
final class Vgg16Layout {
    /** Positions of the convolutions in torchvision's features Sequential (ReLUs and pools between). */
    static final int[] FEATURE_INDEX = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
    static final int[] OUT_CHANNELS = {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512};
    static final int CONVS = FEATURE_INDEX.length;

    private Vgg16Layout() {}

    static int inChannels(int conv) {
        return conv == 0 ? 3 : OUT_CHANNELS[conv - 1];
    }

    static String weightName(int conv) {
        return "features." + FEATURE_INDEX[conv] + ".weight";
    }

    static String biasName(int conv) {
        return "features." + FEATURE_INDEX[conv] + ".bias";
    }

    static long[] weightShape(int conv) {
        return new long[] {OUT_CHANNELS[conv], inChannels(conv), 3, 3};
    }

    static long[] biasShape(int conv) {
        return new long[] {OUT_CHANNELS[conv]};
    }

    /** All 26 names in network order (weight, then bias, per convolution). */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < CONVS; c++) {
            names.add(weightName(c));
            names.add(biasName(c));
        }
        return Collections.unmodifiableList(names);
    }

    static long[] shapeOf(String name) {
        for (int c = 0; c < CONVS; c++) {
            if (name.equals(weightName(c))) return weightShape(c);
            if (name.equals(biasName(c))) return biasShape(c);
        }
        throw new IllegalArgumentException(name + " is not a VGG16 feature parameter");
    }

    /**
     * The first way the declared tensors differ from VGG16's, in network order: a missing name, a
     * non-floating dtype or a wrong shape.
     */
    static Optional<String> firstMismatch(Map<String, StoredTensor> found) {
        for (String name : names()) {
            StoredTensor t = found.get(name);
            if (t == null) return Optional.of("missing tensor " + name + " (" + describeKeys(found) + ")");
            if (t.dtype() == null || !t.dtype().floating())
                return Optional.of(name + " has dtype " + t.dtypeName() + "; expected a floating type (F32, F16, BF16 or F64)");
            long[] expected = shapeOf(name);
            if (!Arrays.equals(expected, t.shape()))
                return Optional.of(name + " has shape " + Arrays.toString(t.shape()) + "; expected " + Arrays.toString(expected));
        }
        return Optional.empty();
    }

    private static String describeKeys(Map<String, StoredTensor> found) {
        if (found.isEmpty()) return "the file holds no tensors";
        String some = found.keySet().stream().limit(4).collect(Collectors.joining(", "));
        return "the file holds " + found.size() + " tensors: " + some + (found.size() > 4 ? ", …" : "")
                + "; expected torchvision/timm VGG16 names features.0.weight … features.28.bias";
    }
}
