package dev.tessera.model;

import java.util.List;

/**
 * Settings of the weight-free {@link ViewingLoss}. Per scale s the term is
 * MSE(Oklab(P_s), Oklab(T_s)) + ssimWeight · (1 − SSIM(luma P_s, luma T_s)), multiplied by the
 * scale's weight; the terms are averaged over scales.
 *
 * @param scales pyramid levels, 0 = full resolution; each must keep 11 px per side for SSIM
 * @param scaleWeights one per scale
 * @param ssimWeight λ, the weight of the structure term
 * @param viewingBlur whether both sides get the viewing blur (always, but for the experiment that
 *     shows what it is for: DESIGN §1, "without the blur the network collapses onto flat templates")
 * @param rgbWeight weight of the MSE of sRGB/255 added to the colour term (0 by default)
 */
public record ViewingLossConfig(List<Integer> scales, List<Double> scaleWeights, double ssimWeight, boolean viewingBlur, double rgbWeight) {
    /**
     * λ = 0.02, settled on the DESIGN §6 figures (bench/RESULTS.md, "The weight-free loss"): `fit`
     * from classic on three photos at 256², 8-px cells, with the 62 glyphs and with 1,700 photo
     * tiles, for λ ∈ {0, 0.002, 0.005, 0.02, 0.05}. With glyphs, 0.02 is the smallest λ that raises
     * SSIM by more than 0.05 at a cost under 0.5 dB (two photos of three; the third did not move),
     * where 0.005 raised it by 0.007–0.038 and 0.05 cost up to 0.66 dB; with photo tiles, 0.02 lost
     * no more PSNR than 0.005 and gained SSIM at ½ and ¼ size on all three photos. (0.005 was the
     * starting point: it made the two terms about the same size on samples/astronaut.png.)
     */
    public static final double DEFAULT_SSIM_WEIGHT = 0.02;

    public ViewingLossConfig {
        scales = List.copyOf(scales);
        scaleWeights = List.copyOf(scaleWeights);
        ViewingPyramid.checkScales(scales, "viewing loss scales");
        if (scaleWeights.size() != scales.size())
            throw new IllegalArgumentException("viewing loss: " + scaleWeights.size() + " scale weights for " + scales.size() + " scales");
        if (!(ssimWeight >= 0) || Double.isInfinite(ssimWeight))
            throw new IllegalArgumentException("viewing loss: SSIM weight must be a finite number ≥ 0, got " + ssimWeight);
        if (!(rgbWeight >= 0) || Double.isInfinite(rgbWeight))
            throw new IllegalArgumentException("viewing loss: sRGB weight must be a finite number ≥ 0, got " + rgbWeight);
    }

    /** Scales 0, 1, 2 equally weighted, λ = {@link #DEFAULT_SSIM_WEIGHT}. */
    public static ViewingLossConfig defaults() {
        return new ViewingLossConfig(List.of(0, 1, 2), PerceptualLossConfig.ones(3), DEFAULT_SSIM_WEIGHT, true, 0);
    }

    /** These scales, equally weighted. */
    public ViewingLossConfig withScales(List<Integer> newScales) {
        return new ViewingLossConfig(newScales, PerceptualLossConfig.ones(newScales.size()), ssimWeight, viewingBlur, rgbWeight);
    }

    public ViewingLossConfig withSsimWeight(double lambda) {
        return new ViewingLossConfig(scales, scaleWeights, lambda, viewingBlur, rgbWeight);
    }

    /**
     * The same plus w·MSE of sRGB/255 in the colour term (what PSNR measures; classic matching's
     * signature has it at half weight): for experiments.
     */
    public ViewingLossConfig withRgbWeight(double w) {
        return new ViewingLossConfig(scales, scaleWeights, ssimWeight, viewingBlur, w);
    }

    /** The same without the viewing blur on either side (the pyramid's own anti-alias filter stays): for experiments. */
    public ViewingLossConfig withoutViewingBlur() {
        return new ViewingLossConfig(scales, scaleWeights, ssimWeight, false, rgbWeight);
    }
}
