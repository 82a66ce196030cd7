package dev.tessera.cli;

import dev.tessera.model.Vgg16;
import java.io.IOException;
import java.nio.file.Path;

/** The value of a --vgg flag: a weight file, or 'seeded' for the deterministic random VGG16 (warned). */
final class VggFlag {
    /** Fixed, so fit, train and render agree on the seeded network's identity. */
    static final long SEED = 16;

    private VggFlag() {}

    static Vgg16 open(String value) throws IOException {
        return value.equals("seeded") ? Vgg16.seeded(SEED) : Vgg16.load(Path.of(value));
    }
}
