package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.mse_loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The paper's {@code vgg16} loss (DESIGN §1 step 7): targets T_0 = X, T_s = Down_s(X); predictions
 * P_0 = Blur(Ŷ), P_s = Blur(Down_s(Ŷ)); VGG16 post-ReLU features at each layer and scale; plain
 * MSE per (layer, scale), averaged over scales, then layers, then divided by the batch size B as
 * the reference code does. It needs real VGG16 weights: with seeded ones it is a poor loss
 * (DESIGN §2). The VGG16 stays owned by the caller.
 */
public final class PerceptualLoss implements MosaicLoss {
    private final Vgg16 vgg;
    private final PerceptualLossConfig config;
    /** Each layer's share (summed over scales) of the last {@link #loss} call. */
    private final double[] lastTerms;

    /** The paper's settings. */
    public PerceptualLoss(Vgg16 vgg) {
        this(vgg, PerceptualLossConfig.paper());
    }

    public PerceptualLoss(Vgg16 vgg, PerceptualLossConfig config) {
        this.vgg = vgg;
        this.config = config;
        this.lastTerms = new double[config.layers().size()];
        Arrays.fill(lastTerms, Double.NaN);
    }

    public PerceptualLossConfig config() {
        return config;
    }

    @Override
    public LossTarget prepare(Tensor image) {
        checkSize(image);
        return LossTarget.capture(this, image, x -> {
            List<Tensor> features = new ArrayList<>();
            for (int s : config.scales()) {
                Tensor t = config.blurTarget() && config.viewingBlur() ? ViewingPyramid.seen(x, s) : ViewingPyramid.level(x, s);
                Map<VggTap, Tensor> f = vgg.features(t, config.layers());
                for (VggTap layer : config.layers()) features.add(f.get(layer));
            }
            return features;
        });
    }

    @Override
    public Tensor loss(Tensor prediction, LossTarget target) {
        List<Tensor> targetFeatures = target.tensorsFor(this, prediction);
        List<VggTap> layers = config.layers();
        double terms = (double) layers.size() * config.scales().size(), divisor = terms * prediction.size(0);
        double[] shares = new double[layers.size()];
        Tensor total = null;
        int k = 0;
        for (int si = 0; si < config.scales().size(); si++) {
            int scale = config.scales().get(si);
            Tensor seen = config.viewingBlur() ? ViewingPyramid.seen(prediction, scale) : ViewingPyramid.level(prediction, scale);
            Map<VggTap, Tensor> f = vgg.features(seen, layers);
            for (int li = 0; li < layers.size(); li++) {
                double weight = config.scaleWeights().get(si) * config.layerWeights().get(li);
                Tensor term = mse_loss(f.get(layers.get(li)), targetFeatures.get(k++)).mul(new Scalar(weight));
                shares[li] += term.item_double() / divisor;
                total = total == null ? term : total.add(term);
            }
        }
        System.arraycopy(shares, 0, lastTerms, 0, shares.length);
        return total.div(new Scalar(divisor));
    }

    /** One term per layer (e.g. {@code relu1_1}), summed over the scales, each weighted as in the loss. */
    @Override
    public List<String> termNames() {
        return config.layers().stream().map(VggTap::layerName).toList();
    }

    @Override
    public double[] lastTerms() {
        return lastTerms.clone();
    }

    @Override
    public String describe() {
        String layers = config.layers().stream().map(VggTap::layerName).collect(Collectors.joining(", "));
        return "vgg16 perceptual loss: MSE of VGG16 features " + layers + " at scales " + config.scales()
                + (!config.viewingBlur() ? ", no viewing blur (experiment)"
                        : config.blurTarget() ? ", prediction and target blurred at viewing distance" : ", prediction blurred at viewing distance (as the paper)")
                + "; weights: " + vgg.origin();
    }

    /** Each scale must keep at least 2^pools pixels for the deepest layer, else VGG16 has nothing to pool. */
    private void checkSize(Tensor image) {
        if (image.dim() != 4) return; // LossTarget.capture reports the shape
        int pools = config.layers().stream().mapToInt(VggTap::pools).max().orElse(0);
        for (int s : config.scales()) {
            long h = ViewingPyramid.side(image.size(2), s), w = ViewingPyramid.side(image.size(3), s);
            if (h < (1L << pools) || w < (1L << pools))
                throw new IllegalArgumentException("image " + image.size(2) + "×" + image.size(3) + " is " + h + "×" + w
                        + " at scale " + s + ", too small for VGG16 layers " + config.layers() + " (they need "
                        + (1L << pools) + " px per side): use a larger image or fewer scales/layers");
        }
    }
}
