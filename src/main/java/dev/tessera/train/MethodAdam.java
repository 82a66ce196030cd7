package dev.tessera.train;

import dev.tessera.image.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
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

    /**
     * Adam's state (step counts, both moments, the group's options) as LibTorch serialises it, a
     * TorchScript archive. The preset can write an archive only to a file or a C++ callback, so it
     * goes through a temporary file beside {@code scratch}, named as {@link AtomicFile} names its own
     * so that a run killed meanwhile leaves nothing the next run does not remove.
     */
    static byte[] save(Adam adam, Path scratch) throws IOException {
        Path tmp = AtomicFile.temporaryFor(scratch);
        try (OutputArchive archive = new OutputArchive()) {
            adam.save(archive);
            archive.save_to(tmp.toString());
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Restores state written by {@link #save} into an Adam over parameters of the same shapes, in the same order. */
    static void load(Adam adam, byte[] state) {
        try (BytePointer bytes = new BytePointer(state); InputArchive archive = new InputArchive()) {
            archive.load_from(bytes, state.length);
            adam.load(archive);
        }
    }
}
