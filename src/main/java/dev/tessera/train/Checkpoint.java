package dev.tessera.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.tessera.image.AtomicFile;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.PixelEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A trained decoder and everything needed to use or continue it, in one {@code .tsr} file: a zip
 * holding {@code manifest.json} (format, version, the template set's hash and names, the encoder's
 * origin and preprocessing — VGG16 weights or the pixel encoder, under the key {@code vgg} that
 * version 1 has always used — the hyper-parameters, the iteration and the β schedule's
 * state, and each decoder tensor's name, shape and entry), the decoder tensors as raw float32
 * little-endian, and Adam's state as LibTorch serialises it ({@code optimizer/adam.pt}, a
 * TorchScript archive: step counts and both moments), so a resume continues the optimiser exactly.
 *
 * <p>Saving writes a temporary file in the target's folder and renames it over the target
 * atomically, so a crash mid-write leaves the previous checkpoint whole. Loading checks the format
 * and version, every entry's CRC and every tensor's size, and reports anything wrong
 * as an IOException naming the file. Immutable.
 */
public final class Checkpoint {
    /** What the manifest's "format" says, so another zip is not mistaken for a checkpoint. */
    public static final String FORMAT = "tessera-checkpoint";
    /** The version this build writes and the newest it reads. */
    public static final int VERSION = 1;

    private static final String MANIFEST = "manifest.json";
    private static final String OPTIMIZER = "optimizer/adam.pt";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /**
     * How the run was set up (DESIGN §1 step 8).
     *
     * @param batch images per step
     * @param imageSize side of the square training images, a multiple of 8
     * @param learningRate the staircase's initial rate
     * @param steps iterations the run was asked for
     * @param seed the shuffle's and the decoder's initial seed
     */
    public record Hyperparameters(int batch, int imageSize, double learningRate, long steps, long seed) {
        public Hyperparameters {
            if (batch < 1) throw new IllegalArgumentException("batch " + batch + " must be >= 1");
            if (imageSize < MosaicStep.ENCODER_STRIDE || imageSize % MosaicStep.ENCODER_STRIDE != 0)
                throw new IllegalArgumentException("image size " + imageSize + " must be a positive multiple of " + MosaicStep.ENCODER_STRIDE);
            if (!(learningRate > 0) || Double.isInfinite(learningRate))
                throw new IllegalArgumentException("learning rate " + learningRate + " must be finite and > 0");
            if (steps < 0) throw new IllegalArgumentException("steps " + steps + " must be >= 0");
        }
    }

    private record TensorEntry(String name, long[] shape, String entry) {}

    private record Templates(String hash, List<String> names) {}

    private record Vgg(String origin, String preprocessing) {}

    private record Manifest(String format, Integer version, Templates templates, Vgg vgg, Hyperparameters hyperparameters,
            Long iteration, TemperatureSchedule.State temperature, List<TensorEntry> decoder, String optimizer) {}

    private final String templateHash;
    private final List<String> templateNames;
    private final String encoderOrigin;
    private final String preprocessing;
    private final Hyperparameters hyperparameters;
    private final TemperatureSchedule.State temperature;
    private final Map<String, long[]> shapes;
    private final Map<String, float[]> weights;
    private final byte[] optimizerState;
    /** The file it was loaded from, for messages ("this checkpoint" when it was made in memory). */
    private final String source;

    private Checkpoint(String templateHash, List<String> templateNames, String encoderOrigin, String preprocessing,
            Hyperparameters hyperparameters, TemperatureSchedule.State temperature, Map<String, long[]> shapes,
            Map<String, float[]> weights, byte[] optimizerState, Path source) {
        this.templateHash = templateHash;
        this.templateNames = List.copyOf(templateNames);
        this.encoderOrigin = encoderOrigin;
        this.preprocessing = preprocessing;
        this.hyperparameters = hyperparameters;
        this.temperature = temperature;
        this.shapes = shapes;
        this.weights = weights;
        this.optimizerState = optimizerState;
        this.source = source == null ? "this checkpoint" : "checkpoint " + source;
    }

    /**
     * Copies the decoder's weights now, with what identifies the run.
     *
     * @param encoderOrigin {@link Encoder#origin()} of the encoder the decoder reads
     * @param preprocessing {@link Encoder#preprocessingName()} of that encoder
     * @param optimizerState Adam's state from {@link DecoderTrainer#optimizerState}, or null for a decoder that is only to be used
     */
    public static Checkpoint of(Decoder decoder, String templateHash, List<String> templateNames, String encoderOrigin,
            String preprocessing, Hyperparameters hyperparameters, TemperatureSchedule.State temperature, byte[] optimizerState) {
        if (templateNames.size() != decoder.templates())
            throw new IllegalArgumentException("the decoder has " + decoder.templates() + " outputs but " + templateNames.size()
                    + " template names were given");
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            for (Map.Entry<String, Tensor> e : decoder.namedParameters().entrySet()) {
                Tensor t = e.getValue().detach().contiguous();
                float[] values = new float[(int) t.numel()];
                t.data_ptr_float().get(values);
                shapes.put(e.getKey(), t.sizes().vec().get());
                weights.put(e.getKey(), values);
            }
        }
        return new Checkpoint(templateHash, templateNames, encoderOrigin, preprocessing, hyperparameters, temperature, shapes, weights,
                optimizerState == null ? null : optimizerState.clone(), null);
    }

    /** Writes the checkpoint to {@code file} atomically (a temporary file in the same folder, then a rename). */
    public void save(Path file) throws IOException {
        try {
            AtomicFile.write(file, this::writeZip);
        } catch (IOException e) {
            throw new IOException("could not write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeZip(Path tmp) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                ZipOutputStream zip = new ZipOutputStream(java.nio.channels.Channels.newOutputStream(channel))) {
            List<TensorEntry> entries = new ArrayList<>();
            for (String name : weights.keySet()) entries.add(new TensorEntry(name, shapes.get(name), "decoder/" + name + ".f32"));
            Manifest m = new Manifest(FORMAT, VERSION, new Templates(templateHash, templateNames),
                    new Vgg(encoderOrigin, preprocessing), hyperparameters, temperature.iteration(), temperature, entries,
                    optimizerState == null ? null : OPTIMIZER);
            put(zip, MANIFEST, GSON.toJson(m).getBytes(StandardCharsets.UTF_8));
            for (TensorEntry e : entries) put(zip, e.entry(), littleEndian(weights.get(e.name())));
            if (optimizerState != null) put(zip, OPTIMIZER, optimizerState);
            zip.finish();
            zip.flush();
            channel.force(true); // on disk before the rename makes it the checkpoint
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** Reads a checkpoint; a missing, truncated or corrupt file, or one of a later version, is an IOException naming it. */
    public static Checkpoint load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such checkpoint file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Manifest m;
            try {
                m = GSON.fromJson(new String(read(zip, MANIFEST, file), StandardCharsets.UTF_8), Manifest.class);
            } catch (JsonParseException e) {
                throw new IOException("checkpoint " + file + ": manifest.json is not valid JSON: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                // Gson wraps a record's own check (e.g. a schedule whose end is below its start) in a bare RuntimeException.
                Throwable why = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
                throw new IOException("checkpoint " + file + ": manifest.json holds an impossible value: " + why.getMessage(), why);
            }
            if (m == null || !FORMAT.equals(m.format()))
                throw new IOException(file + " is not a Tessera checkpoint (its manifest does not say format \"" + FORMAT + "\")");
            if (m.version() == null || m.version() > VERSION)
                throw new IOException("checkpoint " + file + " is format version " + m.version() + "; this build reads versions up to "
                        + VERSION + ": use a newer Tessera");
            if (m.templates() == null || m.templates().hash() == null || m.templates().names() == null || m.vgg() == null
                    || m.vgg().origin() == null || m.vgg().preprocessing() == null || m.hyperparameters() == null || m.temperature() == null || m.decoder() == null
                    || m.iteration() == null)
                throw new IOException("checkpoint " + file + ": the manifest lacks a required field");
            if (m.iteration() != m.temperature().iteration())
                throw new IOException("checkpoint " + file + ": iteration " + m.iteration() + " disagrees with the schedule's "
                        + m.temperature().iteration());
            if (m.templates().names().isEmpty() || m.templates().names().contains(null))
                throw new IOException("checkpoint " + file + ": the manifest's template names are empty or incomplete");
            // The decoder it describes must be the one for its template count, so a damaged name or shape is this file's error
            // here rather than an unnamed mismatch when the weights are put into a decoder.
            Map<String, long[]> layout = Decoder.parameterShapes(m.templates().names().size());
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> weights = new LinkedHashMap<>();
            for (TensorEntry e : m.decoder()) {
                if (e == null || e.name() == null || e.shape() == null || e.entry() == null)
                    throw new IOException("checkpoint " + file + ": a decoder tensor in the manifest lacks its name, shape or entry");
                if (!layout.containsKey(e.name()) || shapes.containsKey(e.name()))
                    throw new IOException("checkpoint " + file + ": the manifest lists decoder tensor '" + e.name() + "'; a decoder has "
                            + layout.keySet() + ", each once");
                if (!Arrays.equals(layout.get(e.name()), e.shape()))
                    throw new IOException("checkpoint " + file + ": decoder tensor " + e.name() + " has shape " + Arrays.toString(e.shape())
                            + "; a decoder for its " + m.templates().names().size() + " templates needs "
                            + Arrays.toString(layout.get(e.name())));
                long n = 1;
                for (long d : e.shape()) n *= d;
                byte[] bytes = read(zip, e.entry(), file);
                if (bytes.length != n * Float.BYTES)
                    throw new IOException("checkpoint " + file + ": " + e.entry() + " holds " + bytes.length + " bytes, shape "
                            + Arrays.toString(e.shape()) + " needs " + n * Float.BYTES);
                float[] values = new float[(int) n];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                shapes.put(e.name(), e.shape());
                weights.put(e.name(), values);
            }
            if (!shapes.keySet().equals(layout.keySet()))
                throw new IOException("checkpoint " + file + ": the manifest lists decoder tensors " + shapes.keySet() + ", not "
                        + layout.keySet());
            byte[] optimizer = m.optimizer() == null ? null : read(zip, m.optimizer(), file);
            return new Checkpoint(m.templates().hash(), m.templates().names(), m.vgg().origin(), m.vgg().preprocessing(),
                    m.hyperparameters(), m.temperature(), shapes, weights, optimizer, file);
        } catch (java.util.zip.ZipException | IllegalArgumentException e) {
            // A zip cut short has no central directory; a field out of range fails the records' own checks.
            throw new IOException("checkpoint " + file + " is truncated or corrupt: " + e.getMessage(), e);
        }
    }

    private static byte[] read(ZipFile zip, String name, Path file) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) throw new IOException("checkpoint " + file + " lacks " + name + "; it is truncated or not a checkpoint");
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readAllBytes();
        }
        // ZipFile, unlike ZipInputStream, does not check the CRC, and a flipped bit can still inflate.
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (crc.getValue() != entry.getCrc())
            throw new IOException("checkpoint " + file + " is corrupt: " + name + " fails its CRC check");
        return bytes;
    }

    /** Refuses to go on with a template set other than the one the decoder was trained for. */
    public void requireTemplateSet(String hash) {
        if (!templateHash.equals(hash))
            throw new IllegalArgumentException(source + " was trained for the template set with hash " + templateHash + " ("
                    + templateNames.size() + " templates), not " + hash + "; use the same --templates (same tiles and --sizes)");
    }

    /** Refuses to go on with an encoder other than the one the decoder was trained on (as {@link Encoder#origin()} says). */
    public void requireEncoder(String origin) {
        if (encoderOrigin.equals(origin)) return;
        if (weightFree())
            throw new IllegalArgumentException(source + " was trained on the weight-free encoder '" + encoderOrigin + "', not '" + origin
                    + "'" + (isWeightFree(origin) ? "" : "; leave out --vgg"));
        throw new IllegalArgumentException(source + " was trained with VGG16 " + encoderOrigin + ", not "
                + (isWeightFree(origin) ? "the weight-free encoder '" + origin + "'" : origin) + "; pass the same --vgg");
    }

    /** Whether the decoder reads a weight-free encoder's features ({@link SignatureEncoder}, {@link PixelEncoder}): no VGG16 weights needed. */
    public boolean weightFree() {
        return isWeightFree(encoderOrigin);
    }

    private static boolean isWeightFree(String origin) {
        return origin.equals(PixelEncoder.ORIGIN) || origin.startsWith(SignatureEncoder.ORIGIN_PREFIX);
    }

    /** A new decoder holding the saved weights; the caller closes it. */
    public Decoder decoder() {
        Decoder d = Decoder.initialised(templateNames.size(), 0);
        try {
            restoreInto(d);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** Overwrites a decoder's parameters with the saved ones; their names and shapes must match. */
    public void restoreInto(Decoder decoder) {
        Map<String, Tensor> named = decoder.namedParameters();
        if (!named.keySet().equals(weights.keySet()))
            throw new IllegalArgumentException(source + " holds decoder tensors " + weights.keySet() + " but the decoder has "
                    + named.keySet());
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : named.entrySet()) {
                long[] shape = shapes.get(e.getKey());
                if (!Arrays.equals(shape, e.getValue().sizes().vec().get()))
                    throw new IllegalArgumentException(source + ": " + e.getKey() + " has shape " + Arrays.toString(shape)
                            + " but the decoder's is " + Arrays.toString(e.getValue().sizes().vec().get()));
                e.getValue().copy_(Tensor.create(weights.get(e.getKey()), shape));
            }
        }
    }

    /**
     * Continues Adam from the saved state in {@code trainer} (nothing when none was saved); a state
     * LibTorch cannot read, or one for another decoder, is an IOException naming the file.
     */
    public void restoreOptimizerInto(DecoderTrainer trainer) throws IOException {
        if (optimizerState == null) return;
        try {
            trainer.restoreOptimizerState(optimizerState);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    public String templateHash() {
        return templateHash;
    }

    public List<String> templateNames() {
        return templateNames;
    }

    /** "checkpoint FILE" (or "this checkpoint" for one made in memory), for messages. */
    public String source() {
        return source;
    }

    public String encoderOrigin() {
        return encoderOrigin;
    }

    public String preprocessing() {
        return preprocessing;
    }

    public Hyperparameters hyperparameters() {
        return hyperparameters;
    }

    /** The β schedule's state after the last completed iteration: {@link TemperatureSchedule#resume} continues it. */
    public TemperatureSchedule.State temperature() {
        return temperature;
    }

    /** Iterations completed when it was written. */
    public long iteration() {
        return temperature.iteration();
    }

    /** Adam's saved state, or null when none was saved. */
    public byte[] optimizerState() {
        return optimizerState == null ? null : optimizerState.clone();
    }

    /** True when every saved weight is finite (a checkpoint of a diverged run is not worth writing). */
    public boolean finite() {
        for (float[] w : weights.values()) for (float v : w) if (!Float.isFinite(v)) return false;
        return true;
    }
}
