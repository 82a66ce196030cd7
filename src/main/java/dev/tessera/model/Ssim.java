package dev.tessera.model;

import dev.tessera.ops.GaussianBlur;
import dev.tessera.ops.OpsReference;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * SSIM (Wang et al. 2004) as a differentiable LibTorch composite: Gaussian window 11×11, σ 1.5,
 * over the valid region (no padding), constants for a 0..255 range. The same figure §6 of the
 * design measures quality with.
 */
final class Ssim {
    /** The standard window: 11 taps, σ = 1.5. */
    static final int WINDOW = 11;
    private static final GaussianBlur GAUSSIAN = new GaussianBlur(GaussianBlur.gaussianTaps(WINDOW, 1.5), 0, 0, 1);
    /** (K1·L)² and (K2·L)² with the standard K1 = 0.01, K2 = 0.03 and range L = 255. */
    private static final double C1 = Math.pow(0.01 * 255, 2), C2 = Math.pow(0.03 * 255, 2);

    private Ssim() {}

    /** Mean SSIM over the batch and the valid region of two B×1×H×W images (H, W ≥ 11). */
    static Tensor mean(Tensor x, Tensor y) {
        Tensor muX = OpsReference.blur(x, GAUSSIAN), muY = OpsReference.blur(y, GAUSSIAN);
        Tensor muXY = muX.mul(muY), muXX = muX.square(), muYY = muY.square();
        Tensor varX = OpsReference.blur(x.square(), GAUSSIAN).sub(muXX);
        Tensor varY = OpsReference.blur(y.square(), GAUSSIAN).sub(muYY);
        Tensor cov = OpsReference.blur(x.mul(y), GAUSSIAN).sub(muXY);
        Tensor num = muXY.mul(new Scalar(2)).add(new Scalar(C1)).mul(cov.mul(new Scalar(2)).add(new Scalar(C2)));
        Tensor den = muXX.add(muYY).add(new Scalar(C1)).mul(varX.add(varY).add(new Scalar(C2)));
        return num.div(den).mean();
    }
}
