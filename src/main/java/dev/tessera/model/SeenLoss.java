package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.avg_pool2d;
import static org.bytedeco.pytorch.global.torch.mse_loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * The fit's loss: the mosaic as DESIGN §6 sees it. At each area factor f (1, 2, 4: full, ½ and ¼
 * size) prediction and target are averaged over f×f blocks, as the quality measure downscales them,
 * and compared in Oklab (chroma weighted as classic's signature) plus sRGB, plus λ·(1 − SSIM) on
 * BT.601 luma. No Gaussian viewing blur: the measure area-averages, and with 8-px cells an area
 * average by 2 or 4 stays inside each cell, so the colour terms are sums over cells and only SSIM
 * couples neighbours; the blur made fits trade colour for structure in ways the measure punished
 * (bench/RESULTS.md, "Fit on the loss as seen"). Training a decoder keeps the method's {@link ViewingLoss}.
 * Not divided by B.
 */
public final class SeenLoss implements MosaicLoss {
    private final SeenLossConfig config;
    private final double[] lastTerms;

    public SeenLoss() {
        this(SeenLossConfig.defaults());
    }

    public SeenLoss(SeenLossConfig config) {
        this.config = config;
        this.lastTerms = new double[2 * config.factors().size()];
        Arrays.fill(lastTerms, Double.NaN);
    }

    public SeenLossConfig config() {
        return config;
    }

    @Override
    public LossTarget prepare(Tensor image) {
        checkSize(image);
        return LossTarget.capture(this, image, x -> {
            List<Tensor> perFactor = new ArrayList<>();
            for (int f : config.factors()) {
                Tensor level = level(x, f);
                perFactor.add(weightedOklab(level));
                perFactor.add(level.div(new Scalar(255.0)));
                perFactor.add(Oklab.luma(level));
            }
            return perFactor;
        });
    }

    @Override
    public Tensor loss(Tensor prediction, LossTarget target) {
        List<Tensor> t = target.tensorsFor(this, prediction);
        int levels = config.factors().size();
        Tensor total = null;
        for (int i = 0; i < levels; i++) {
            Tensor level = level(prediction, config.factors().get(i));
            Tensor colour = mse_loss(weightedOklab(level), t.get(3 * i));
            if (config.rgbWeight() > 0)
                colour = colour.add(mse_loss(level.div(new Scalar(255.0)), t.get(3 * i + 1)), new Scalar(config.rgbWeight()));
            colour = colour.mul(new Scalar(config.colourWeights().get(i)));
            Tensor term = colour;
            if (config.ssimWeight() > 0) {
                Tensor structure = Ssim.mean(Oklab.luma(level), t.get(3 * i + 2)).neg().add(new Scalar(1.0));
                lastTerms[2 * i + 1] = structure.item_double() * config.ssimWeight() / levels;
                term = colour.add(structure, new Scalar(config.ssimWeight()));
            } else {
                lastTerms[2 * i + 1] = 0;
            }
            lastTerms[2 * i] = colour.item_double() / levels;
            total = total == null ? term : total.add(term);
        }
        return total.div(new Scalar((double) levels));
    }

    /** {@code colour_fF} and {@code structure_fF} per area factor F, each weighted as in the sum. */
    @Override
    public List<String> termNames() {
        List<String> names = new ArrayList<>();
        for (int f : config.factors()) {
            names.add("colour_f" + f);
            names.add("structure_f" + f);
        }
        return names;
    }

    @Override
    public double[] lastTerms() {
        return lastTerms.clone();
    }

    @Override
    public String describe() {
        return "seen loss (weight-free, fit's default): Oklab (chroma ×" + config.chromaWeight() + ") + " + config.rgbWeight()
                + "·sRGB MSE + " + config.ssimWeight() + "·(1 − SSIM on luma), on area averages at factors " + config.factors()
                + (config.colourWeights().stream().allMatch(w -> w == 1) ? "" : " (colour weighted " + config.colourWeights() + ")")
                + " (as DESIGN §6 measures), no viewing blur; for the paper's vgg16 perceptual loss supply a VGG16 weight file "
                + "with --vgg FILE (torchvision/timm state dict as .pth or .safetensors)";
    }

    private static Tensor level(Tensor x, int f) {
        return f == 1 ? x : avg_pool2d(x, f, f);
    }

    private Tensor weightedOklab(Tensor rgb) {
        Tensor lab = Oklab.fromSrgb255(rgb);
        if (config.chromaWeight() == 1) return lab;
        Tensor w = Tensor.create(new double[] {1, config.chromaWeight(), config.chromaWeight()}).reshape(1, 3, 1, 1)
                .to(lab.options(), false, false, new MemoryFormatOptional());
        return lab.mul(w);
    }

    private void checkSize(Tensor image) {
        if (image.dim() != 4) return; // LossTarget.capture reports the shape
        for (int f : config.factors()) {
            if (image.size(2) % f != 0 || image.size(3) % f != 0)
                throw new IllegalArgumentException("image " + image.size(2) + "×" + image.size(3)
                        + " is not a multiple of the area factor "
                        + f + ": crop it to whole cells");
            if (config.ssimWeight() > 0 && (image.size(2) / f < Ssim.WINDOW || image.size(3) / f < Ssim.WINDOW))
                throw new IllegalArgumentException("image " + image.size(2) + "×" + image.size(3) + " is " + image.size(2) / f + "×"
                        + image.size(3) / f + " at area factor " + f + ", smaller than the 11×11 SSIM window: use a larger image "
                        + "or smaller factors");
        }
    }
}
