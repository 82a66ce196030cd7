package dev.tessera.bench;

import org.bytedeco.pytorch.Tensor;

/**
 * Tensors that live for a whole trial: created in the setup's PointerScope like everything else,
 * then given one extra reference so they survive it, and released in the trial's tearDown.
 */
final class TrialTensors {
    private TrialTensors() {}

    static void keep(Tensor... tensors) {
        for (Tensor t : tensors) t.retainReference();
    }

    static void release(Tensor... tensors) {
        for (Tensor t : tensors) t.releaseReference();
    }
}
