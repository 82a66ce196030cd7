package dev.tessera.cli;

import dev.tessera.model.Encoder;
import dev.tessera.model.PixelEncoder;
import dev.tessera.model.Vgg16;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.ClassicImitation;
import dev.tessera.train.SignatureEncoder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The value of a --vgg flag: a weight file, or 'seeded' for the deterministic random VGG16 (warned);
 * and the encoder it makes: VGG16 pool3 with it, the {@link SignatureEncoder} without it (DESIGN §2:
 * the decoder can start as classic's exact choice on it, measured in bench/RESULTS.md); checkpoints
 * trained on the earlier {@link PixelEncoder} still open with it.
 */
final class VggFlag {
    /** Fixed, so fit, train and render agree on the seeded network's identity. */
    static final long SEED = 16;

    private VggFlag() {}

    static Vgg16 open(String value) throws IOException {
        return value.equals("seeded") ? Vgg16.seeded(SEED) : Vgg16.load(Path.of(value));
    }

    /** The decoder's encoder: --vgg's network, or the signature encoder of {@code set} when {@code value} is null. */
    static Encoder encoder(String value, TemplateSet set) throws IOException {
        return value == null ? new SignatureEncoder(ClassicImitation.matcher(set)) : open(value);
    }

    /**
     * The encoder a checkpoint was trained on: the weight-free ones (signature, pixel) need no --vgg,
     * a VGG16 needs the same --vgg; {@code set} is the checkpoint's template set. Anything else is an
     * IllegalArgumentException naming the checkpoint.
     */
    static Encoder forCheckpoint(Checkpoint checkpoint, String value, TemplateSet set) throws IOException {
        if (value == null && !checkpoint.weightFree())
            throw new IllegalArgumentException(checkpoint.source() + " was trained with VGG16 " + checkpoint.encoderOrigin()
                    + "; pass the same --vgg");
        Encoder encoder = value == null && checkpoint.encoderOrigin().equals(PixelEncoder.ORIGIN) ? new PixelEncoder() : encoder(value, set);
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
