package dev.tessera.model;

import dev.tessera.ops.GaussianBlur;
import dev.tessera.ops.OpsReference;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The method's scales (DESIGN §1 steps 5–6) as differentiable LibTorch composites: level s is the
 * pyramid Gaussian of size 2^s+1 and stride 2^s taken from the full-resolution image (not
 * cascaded), and "seen" adds the viewing-distance blur on top.
 */
final class ViewingPyramid {
    static final int MAX_SCALE = 4;
    private static final GaussianBlur VIEWING = GaussianBlur.viewing();

    private ViewingPyramid() {}

    /** Down_s(x); level 0 is x itself. */
    static Tensor level(Tensor x, int scale) {
        return scale == 0 ? x : OpsReference.blur(x, GaussianBlur.pyramid(scale));
    }

    /** Blur(Down_s(x)): the image at scale s as seen from viewing distance. */
    static Tensor seen(Tensor x, int scale) {
        return OpsReference.blur(level(x, scale), VIEWING);
    }

    /** Side length of level s for a side of n pixels. */
    static long side(long n, int scale) {
        return scale == 0 ? n : GaussianBlur.pyramid(scale).outputSize(n);
    }

    static void checkScales(List<Integer> scales, String flag) {
        if (scales.isEmpty()) throw new IllegalArgumentException(flag + ": at least one scale is needed");
        for (int s : scales)
            if (s < 0 || s > MAX_SCALE)
                throw new IllegalArgumentException(flag + ": scale " + s + " is outside 0.." + MAX_SCALE);
        if (scales.stream().distinct().count() != scales.size())
            throw new IllegalArgumentException(flag + ": scale listed twice in " + scales);
    }
}
