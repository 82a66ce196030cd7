package dev.tessera.model;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/** An opened weight file: its index (read without touching tensor data), then tensors on demand. */
interface WeightSource extends Closeable {
    /** The format in words, for messages and {@link Vgg16#origin()}. */
    String format();

    Map<String, StoredTensor> index();

    /** The preprocessing the file records; only safetensors metadata can record one. */
    default Optional<Preprocessing> recordedPreprocessing() {
        return Optional.empty();
    }

    /** A float32 contiguous copy of one indexed tensor, owning its memory. */
    Tensor read(String name) throws IOException;
}
