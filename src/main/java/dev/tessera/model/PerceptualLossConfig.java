package dev.tessera.model;

import java.util.Collections;
import java.util.List;

/**
 * Settings of the {@code vgg16} loss. Each (layer, scale) term is multiplied by its layer weight
 * and its scale weight and the terms are averaged, so all-ones weights give the paper's plain
 * means.
 *
 * @param layers VGG16 taps compared (the paper: relu1_1 … relu5_1)
 * @param layerWeights one per layer
 * @param scales pyramid levels, 0 = full resolution (the paper: 0, 1, 2)
 * @param scaleWeights one per scale
 * @param blurTarget blur the target at viewing distance too (the paper blurs only the prediction)
 * @param viewingBlur whether the viewing blur is applied at all (always, but for the experiment of
 *     DESIGN §1's property (1), which takes it away from both sides; the pyramid's own filter stays)
 */
public record PerceptualLossConfig(List<VggTap> layers, List<Double> layerWeights, List<Integer> scales,
        List<Double> scaleWeights, boolean blurTarget, boolean viewingBlur) {

    public PerceptualLossConfig {
        layers = List.copyOf(layers);
        layerWeights = List.copyOf(layerWeights);
        scales = List.copyOf(scales);
        scaleWeights = List.copyOf(scaleWeights);
        if (layers.isEmpty()) throw new IllegalArgumentException("perceptual loss layers: at least one VGG16 layer is needed");
        if (layers.stream().distinct().count() != layers.size())
            throw new IllegalArgumentException("perceptual loss layers: a layer is listed twice in " + layers);
        ViewingPyramid.checkScales(scales, "perceptual loss scales");
        if (layerWeights.size() != layers.size())
            throw new IllegalArgumentException("perceptual loss: " + layerWeights.size() + " layer weights for " + layers.size() + " layers");
        if (scaleWeights.size() != scales.size())
            throw new IllegalArgumentException("perceptual loss: " + scaleWeights.size() + " scale weights for " + scales.size() + " scales");
    }

    /** The paper's loss: relu1_1 … relu5_1 at scales 0, 1, 2, equal weights, prediction-only blur. */
    public static PerceptualLossConfig paper() {
        return new PerceptualLossConfig(List.of(VggTap.RELU1_1, VggTap.RELU2_1, VggTap.RELU3_1, VggTap.RELU4_1, VggTap.RELU5_1),
                ones(5), List.of(0, 1, 2), ones(3), false, true);
    }

    /** These layers, equally weighted. */
    public PerceptualLossConfig withLayers(List<VggTap> newLayers) {
        return new PerceptualLossConfig(newLayers, ones(newLayers.size()), scales, scaleWeights, blurTarget, viewingBlur);
    }

    /** These scales, equally weighted. */
    public PerceptualLossConfig withScales(List<Integer> newScales) {
        return new PerceptualLossConfig(layers, layerWeights, newScales, ones(newScales.size()), blurTarget, viewingBlur);
    }

    public PerceptualLossConfig withBlurTarget(boolean blur) {
        return new PerceptualLossConfig(layers, layerWeights, scales, scaleWeights, blur, viewingBlur);
    }

    /** The same without the viewing blur on either side (the pyramid's own anti-alias filter stays): for experiments. */
    public PerceptualLossConfig withoutViewingBlur() {
        return new PerceptualLossConfig(layers, layerWeights, scales, scaleWeights, false, false);
    }

    static List<Double> ones(int n) {
        return Collections.nCopies(n, 1.0);
    }
}
