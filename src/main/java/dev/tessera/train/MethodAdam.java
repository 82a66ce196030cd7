package dev.tessera.train;

import java.util.List;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * LibTorch's Adam with the method's moments, β1 0.9, β2 0.999, ε 1e-8: LibTorch's defaults, which
 * the preset exposes only as a tuple of unspecified layout, so they are left as they are (a test
 * pins them by two steps worked by hand). One parameter group, whose rate the schedule sets.
 */
final class MethodAdam {
    private MethodAdam() {}

    static Adam create(List<Tensor> parameters, double learningRate) {
        return new Adam(new TensorVector(parameters.toArray(new Tensor[0])), new AdamOptions(learningRate));
    }

    static void setLearningRate(Adam adam, double rate) {
        adam.param_groups().get(0).options().set_lr(rate);
    }

    static double learningRate(Adam adam) {
        return adam.param_groups().get(0).options().get_lr();
    }
}
