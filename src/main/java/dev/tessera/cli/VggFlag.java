package dev.tessera.cli;

import dev.tessera.model.Encoder;
import dev.tessera.model.PixelEncoder;
import dev.tessera.model.Vgg16;
import dev.tessera.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The value of a --vgg flag: a weight file, or 'seeded' for the deterministic random VGG16 (warned);
 * and the encoder it makes: VGG16 pool3 with it, the {@link PixelEncoder} without it (DESIGN §2:
 * measured better than a seeded VGG16 when no weights exist).
 */
final class VggFlag {
    /** Fixed, so fit, train and render agree on the seeded network's identity. */
    static final long SEED = 16;

    private VggFlag() {}

    static Vgg16 open(String value) throws IOException {
        return value.equals("seeded") ? Vgg16.seeded(SEED) : Vgg16.load(Path.of(value));
    }

    /** The decoder's encoder: --vgg's network, or the pixel encoder when {@code value} is null. */
    static Encoder encoder(String value) throws IOException {
        return value == null ? new PixelEncoder() : open(value);
    }

    /**
     * The encoder a checkpoint was trained on: the pixel encoder needs no --vgg, a VGG16 needs the
     * same --vgg. Anything else is an IllegalArgumentException naming the checkpoint.
     */
    static Encoder forCheckpoint(Checkpoint checkpoint, String value) throws IOException {
        if (value == null && !checkpoint.trainedOnPixels())
            throw new IllegalArgumentException(checkpoint.source() + " was trained with VGG16 " + checkpoint.encoderOrigin()
                    + "; pass the same --vgg");
        Encoder encoder = encoder(value);
        try {
            checkpoint.requireEncoder(encoder.origin());
            return encoder;
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** A line for messages: which encoder. */
    static String describe(Encoder encoder) {
        return encoder instanceof Vgg16 ? "VGG16 pool3, " + encoder.origin() : encoder.origin();
    }
}
