package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.mse_loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The default, weight-free loss: prediction and target under the SAME viewing blur and pyramid
 * (P_s = Blur(Down_s(Ŷ)), T_s = Blur(Down_s(X))), compared in Oklab by MSE plus λ·(1 − SSIM) on
 * luma, per scale. Symmetric blurring because blurring only the prediction rewards over-sharpened,
 * posterised mosaics (DESIGN §6: about 7 dB worse); SSIM because Oklab or RGB MSE alone did not beat
 * classic matching and the structure term did. Unlike the paper's loss it is not divided by B.
 */
public final class ViewingLoss implements MosaicLoss {
    private final ViewingLossConfig config;
    /** colour then structure share of each scale, from the last {@link #loss} call. */
    private final double[] lastTerms;

    /** Scales 0, 1, 2 and the default λ. */
    public ViewingLoss() {
        this(ViewingLossConfig.defaults());
    }

    public ViewingLoss(ViewingLossConfig config) {
        this.config = config;
        this.lastTerms = new double[2 * config.scales().size()];
        Arrays.fill(lastTerms, Double.NaN);
    }

    public ViewingLossConfig config() {
        return config;
    }

    @Override
    public LossTarget prepare(Tensor image) {
        checkSize(image);
        return LossTarget.capture(this, image, x -> {
            List<Tensor> perScale = new ArrayList<>();
            for (int s : config.scales()) {
                Tensor seen = seen(x, s);
                perScale.add(Oklab.fromSrgb255(seen));
                perScale.add(Oklab.luma(seen));
                if (config.rgbWeight() > 0) perScale.add(seen);
            }
            return perScale;
        });
    }

    @Override
    public Tensor loss(Tensor prediction, LossTarget target) {
        List<Tensor> t = target.tensorsFor(this, prediction);
        Tensor total = null;
        int scales = config.scales().size();
        for (int i = 0; i < scales; i++) {
            Tensor seen = seen(prediction, config.scales().get(i));
            int per = config.rgbWeight() > 0 ? 3 : 2;
            Tensor colour = mse_loss(Oklab.fromSrgb255(seen), t.get(per * i));
            if (config.rgbWeight() > 0)
                colour = colour.add(mse_loss(seen, t.get(per * i + 2)), new Scalar(config.rgbWeight() / (255.0 * 255.0)));
            Tensor structure = Ssim.mean(Oklab.luma(seen), t.get(per * i + 1)).neg().add(new Scalar(1.0));
            double share = config.scaleWeights().get(i) / scales;
            lastTerms[2 * i] = colour.item_double() * share;
            lastTerms[2 * i + 1] = structure.item_double() * config.ssimWeight() * share;
            Tensor term = colour.add(structure, new Scalar(config.ssimWeight())).mul(new Scalar(config.scaleWeights().get(i)));
            total = total == null ? term : total.add(term);
        }
        return total.div(new Scalar((double) scales));
    }

    /** {@code colour_sS} (Oklab MSE) and {@code structure_sS} (λ·(1 − SSIM)) per scale S, each weighted as in the sum. */
    @Override
    public List<String> termNames() {
        List<String> names = new ArrayList<>();
        for (int s : config.scales()) {
            names.add("colour_s" + s);
            names.add("structure_s" + s);
        }
        return names;
    }

    @Override
    public double[] lastTerms() {
        return lastTerms.clone();
    }

    private Tensor seen(Tensor x, int scale) {
        return config.viewingBlur() ? ViewingPyramid.seen(x, scale) : ViewingPyramid.level(x, scale);
    }

    @Override
    public String describe() {
        return "viewing loss (weight-free default): Oklab MSE" + (config.rgbWeight() > 0 ? " + " + config.rgbWeight() + "·sRGB MSE" : "")
                + " + " + config.ssimWeight() + "·(1 − SSIM on luma) at scales "
                + config.scales() + (config.viewingBlur() ? ", prediction and target blurred alike at viewing distance"
                        : ", WITHOUT the viewing blur (experiment)") + "; for the paper's vgg16 "
                + "perceptual loss supply a VGG16 weight file with --vgg FILE (torchvision/timm state dict as .pth or .safetensors)";
    }

    private void checkSize(Tensor image) {
        if (image.dim() != 4) return; // LossTarget.capture reports the shape
        for (int s : config.scales()) {
            long h = ViewingPyramid.side(image.size(2), s), w = ViewingPyramid.side(image.size(3), s);
            if (h < Ssim.WINDOW || w < Ssim.WINDOW)
                throw new IllegalArgumentException("image " + image.size(2) + "×" + image.size(3) + " is " + h + "×" + w
                        + " at scale " + s + ", smaller than the 11×11 SSIM window: use a larger image or fewer scales");
        }
    }
}
