package dev.tessera.model;

import java.util.Locale;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;

/**
 * How an image (RGB, 0..255) must be prepared for a given VGG16's weights. The weights' origin
 * decides: the network was trained on one convention and sees noise under the other.
 */
public enum Preprocessing {
    /** torchvision and timm weights: RGB / 255, minus the ImageNet mean, divided by its std. */
    IMAGENET("imagenet") {
        @Override
        public Tensor apply(Tensor rgb) {
            // ImageNet statistics of RGB in 0..1 (torchvision's and timm's IMAGENET_DEFAULT_MEAN/STD).
            double[] mean = {0.485, 0.456, 0.406}, std = {0.229, 0.224, 0.225};
            double[] scale = new double[3], shift = new double[3];
            for (int c = 0; c < 3; c++) {
                scale[c] = 1 / (255 * std[c]);
                shift[c] = -mean[c] / std[c];
            }
            return rgb.mul(channels(scale, rgb)).add(channels(shift, rgb));
        }
    },
    /** Caffe-converted weights (the paper's reference code): BGR 0..255 minus the Caffe means, no scaling. */
    CAFFE("caffe") {
        @Override
        public Tensor apply(Tensor rgb) {
            // Caffe's VGG16 mean pixel, in B, G, R order.
            return rgb.flip(1).sub(channels(new double[] {103.939, 116.779, 123.68}, rgb));
        }
    };

    private final String flag;

    Preprocessing(String flag) {
        this.flag = flag;
    }

    /** The preprocessed network input, differentiable, in the dtype of {@code rgb} (B×3×H×W, 0..255). */
    public abstract Tensor apply(Tensor rgb);

    /** The name used on command lines and in safetensors metadata. */
    public String flag() {
        return flag;
    }

    public static Preprocessing parse(String name) {
        for (Preprocessing p : values()) if (p.flag.equals(name.toLowerCase(Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown preprocessing '" + name + "': use imagenet (torchvision, timm) or caffe");
    }

    private static Tensor channels(double[] v, Tensor like) {
        return Tensor.create(v).reshape(1, 3, 1, 1).to(like.options(), false, false, new MemoryFormatOptional());
    }
}
