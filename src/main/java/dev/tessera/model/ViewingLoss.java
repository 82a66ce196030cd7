package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.mse_loss;

import java.util.ArrayList;
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

    /** Scales 0, 1, 2 and the default λ. */
    public ViewingLoss() {
        this(ViewingLossConfig.defaults());
    }

    public ViewingLoss(ViewingLossConfig config) {
        this.config = config;
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
            }
            return perScale;
        });
    }

    @Override
    public Tensor loss(Tensor prediction, LossTarget target) {
        List<Tensor> t = target.tensorsFor(this, prediction);
        Tensor total = null;
        for (int i = 0; i < config.scales().size(); i++) {
            Tensor seen = seen(prediction, config.scales().get(i));
            Tensor colour = mse_loss(Oklab.fromSrgb255(seen), t.get(2 * i));
            Tensor structure = Ssim.mean(Oklab.luma(seen), t.get(2 * i + 1)).neg().add(new Scalar(1.0));
            Tensor term = colour.add(structure, new Scalar(config.ssimWeight())).mul(new Scalar(config.scaleWeights().get(i)));
            total = total == null ? term : total.add(term);
        }
        return total.div(new Scalar((double) config.scales().size()));
    }

    private Tensor seen(Tensor x, int scale) {
        return config.viewingBlur() ? ViewingPyramid.seen(x, scale) : ViewingPyramid.level(x, scale);
    }

    @Override
    public String describe() {
        return "viewing loss (weight-free default): Oklab MSE + " + config.ssimWeight() + "·(1 − SSIM on luma) at scales "
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
