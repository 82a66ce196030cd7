package dev.tessera.reliability;

import static org.bytedeco.pytorch.global.torch.rand;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonParseException;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.model.WeightFileWriter;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.DecoderTrainer;
import dev.tessera.train.LearningRateSchedule;
import dev.tessera.train.TemperatureSchedule;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Damaged copies of every kind of file Tessera reads from strangers, each loaded through the public
 * entry point a command uses. The only acceptable outcomes: the file loads (the damage was
 * harmless), or an IOException or IllegalArgumentException whose message names the file. Never an
 * Error, another unchecked exception, or a hang. Counts are bounded so the suite stays fast; the
 * seed is fresh each run and printed with every finding, and {@code -Dtessera.fuzzSeed=S}
 * ({@code -Dtessera.fuzzMutations=N}) replays (lengthens) a run.
 */
class HostileFilesFuzzTest {
    private static final long SEED = Long.getLong("tessera.fuzzSeed", System.nanoTime());
    private static final int MUTATIONS = Integer.getInteger("tessera.fuzzMutations", 300);
    /** Far above any refusal or harmless load here (milliseconds); only a hang reaches it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /**
     * Image fuzzing runs under a 4-megapixel limit: a damaged header may declare anything up to the
     * limit and the decoder then allocates it, which the default 268 MP would make slow, not wrong.
     */
    private static final String FUZZ_MAX_PIXELS = "4194304";

    @TempDir
    static Path dir;
    private static String previousMaxPixels;

    /** What a command does with the file; a returned resource is closed. */
    interface Loader {
        Object load(Path file) throws Exception;
    }

    @BeforeAll
    static void lowerThePixelLimit() {
        previousMaxPixels = System.getProperty(Images.MAX_PIXELS_PROPERTY);
        System.setProperty(Images.MAX_PIXELS_PROPERTY, FUZZ_MAX_PIXELS);
    }

    @AfterAll
    static void restoreThePixelLimit() {
        if (previousMaxPixels == null) System.clearProperty(Images.MAX_PIXELS_PROPERTY);
        else System.setProperty(Images.MAX_PIXELS_PROPERTY, previousMaxPixels);
    }

    @Test
    void damagedPngsGiveCleanErrors() throws Exception {
        Path file = dir.resolve("fuzz.png");
        Images.write(picture(64, 48), file);
        byte[] valid = Files.readAllBytes(file);
        // Signature, IHDR and the start of IDAT: where the sizes and the compression are declared.
        fuzz("png", file, new Mutator(valid, 64, false), file.toString(), alternatingImageReaders(), MUTATIONS);
    }

    @Test
    void damagedJpegsGiveCleanErrors() throws Exception {
        Path file = dir.resolve("fuzz.jpg");
        Images.write(picture(64, 48), file);
        byte[] valid = Files.readAllBytes(file);
        fuzz("jpeg", file, new Mutator(valid, startOfScan(valid), false), file.toString(), alternatingImageReaders(), MUTATIONS);
    }

    @Test
    void damagedIndexMapsGiveCleanErrors() throws Exception {
        IndexMap map = indexMap();
        for (String ext : new String[] {"json", "csv"}) {
            Path file = dir.resolve("fuzz." + ext);
            map.save(file);
            byte[] valid = Files.readAllBytes(file);
            fuzz("index map " + ext, file, new Mutator(valid, valid.length, true), file.toString(), IndexMap::load, MUTATIONS);
        }
    }

    @Test
    void damagedPreparedTemplateSetsGiveCleanErrors() throws Exception {
        Path folder = dir.resolve("fuzz-set");
        TemplateSet.defaultGlyphs().save(folder);
        Path manifest = folder.resolve("manifest.json");
        byte[] validManifest = Files.readAllBytes(manifest);
        fuzz("prepared set manifest", manifest, new Mutator(validManifest, validManifest.length, true), folder.toString(),
                f -> TemplateSet.open(folder), MUTATIONS);
        Path tiles = folder.resolve("tiles-8.rgb");
        byte[] validTiles = Files.readAllBytes(tiles);
        fuzz("prepared set tiles", tiles, new Mutator(validTiles, validTiles.length, false), folder.toString(),
                f -> TemplateSet.open(folder), MUTATIONS);
    }

    @Test
    void damagedSafetensorsWeightFilesGiveCleanErrors() throws Exception {
        Path file = dir.resolve("fuzz-vgg16.safetensors");
        WeightFileWriter.writeSafetensors(file, vgg16Entries(), Map.of("format", "pt", "preprocessing", "imagenet"));
        byte[] valid = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Half the count: each attempt copies and compares 30 MB (about 50 ms), where the other formats take 2.
        fuzz("safetensors", file, new Mutator(valid, (int) (8 + headerLength), false), file.toString(), Vgg16::load, MUTATIONS / 2);
    }

    /**
     * A checkpoint as `train` writes it (decoder weights and Adam's state from a real step), loaded
     * as `train --resume` and `render --model` use it: {@link Checkpoint#load}, the decoder rebuilt
     * from it, Adam's state restored into a trainer. Three kinds of damage: to the file's bytes
     * (mostly refused by the zip's own checks and the CRCs), to the manifest's text, and to Adam's
     * state (a LibTorch archive) — the last two written back into a zip with valid CRCs, so that
     * they reach the parsers behind those checks.
     */
    @Test
    void damagedCheckpointsGiveCleanErrors() throws Exception {
        Path file = dir.resolve("fuzz.tsr");
        int templates = 3;
        try (PointerScope scope = new PointerScope(); Decoder decoder = Decoder.initialised(templates, 1);
                DecoderTrainer trainer = trainer(decoder)) {
            trainer.step(rand(1, 3, 32, 32).mul(new Scalar(255)));
            Checkpoint.of(decoder, "0123456789abcdef", List.of("a", "b", "c"), SEEDED.origin(), SEEDED.preprocessingName(),
                    new Checkpoint.Hyperparameters(1, 32, 1e-3, 10, 1), trainer.temperature().state(), trainer.optimizerState(file))
                    .save(file);
        }
        Loader resume = f -> {
            Checkpoint c = Checkpoint.load(f);
            try (PointerScope scope = new PointerScope(); Decoder d = c.decoder(); DecoderTrainer t = trainer(d)) {
                c.restoreOptimizerInto(t);
            }
            return null;
        };
        byte[] valid = Files.readAllBytes(file);
        fuzz("checkpoint bytes", file, new Mutator(valid, valid.length, false), file.toString(), resume, MUTATIONS);
        byte[] manifest = zipEntry(valid, "manifest.json");
        // Half the count: each attempt deflates the whole checkpoint again (0.9 MB, about 40 ms).
        fuzz("checkpoint manifest", file, valid, inZipEntry(valid, "manifest.json", new Mutator(manifest, manifest.length, true)),
                file.toString(), resume, MUTATIONS / 2);
        byte[] adam = zipEntry(valid, "optimizer/adam.pt");
        fuzz("checkpoint optimizer state", file, valid, inZipEntry(valid, "optimizer/adam.pt", new Mutator(adam, adam.length, false)),
                file.toString(), resume, MUTATIONS / 3);
    }

    /**
     * torch.save's zip layout (the pickle in {@code archive/data.pkl}, stored, not compressed) at
     * VGG16's real shapes, through {@link Vgg16#load}: damage to the file's structure, and to the
     * pickle itself written back with a valid CRC, which is what reaches the {@code Unpickler}.
     */
    @Test
    void damagedTorchZipWeightFilesGiveCleanErrors() throws Exception {
        Path file = dir.resolve("fuzz-vgg16.pth");
        WeightFileWriter.writeTorchZip(file, "archive", vgg16Entries());
        byte[] valid = Files.readAllBytes(file);
        byte[] pickle = zipEntry(valid, "archive/data.pkl");
        // Each attempt handles 30 MB, as for safetensors; a changed pickle length moves all of it.
        fuzz("torch zip", file, new Mutator(valid, indexOf(valid, "archive/data/0"), false), file.toString(), Vgg16::load,
                MUTATIONS / 3);
        fuzz("torch zip pickle", file, valid, inZipEntry(valid, "archive/data.pkl", new Mutator(pickle, pickle.length, false)),
                file.toString(), Vgg16::load, MUTATIONS / 3);
    }

    /** The legacy torch.save layout (a sequence of pickles, then the raw storages) through {@link Vgg16#load}. */
    @Test
    void damagedLegacyTorchWeightFilesGiveCleanErrors() throws Exception {
        Path file = dir.resolve("fuzz-vgg16-legacy.pth");
        List<WeightFileWriter.Entry> entries = vgg16Entries();
        WeightFileWriter.writeTorchLegacy(file, entries);
        byte[] valid = Files.readAllBytes(file);
        long storages = 0;
        for (WeightFileWriter.Entry e : entries) storages += Long.BYTES + e.data().length;
        fuzz("torch legacy", file, new Mutator(valid, (int) (valid.length - storages), false), file.toString(), Vgg16::load,
                MUTATIONS / 3);
    }

    /**
     * Runs {@code count} damaged versions of a file through its loader and fails listing every
     * distinct unclean outcome (by exception type and throwing frame) with the mutation that caused it.
     */
    private static void fuzz(String label, Path file, Mutator mutator, String mustName, Loader loader, int count) throws Exception {
        fuzz(label, file, mutator.valid(), mutator::mutate, mustName, loader, count);
    }

    /** Damage to a whole file: one of its bytes, or of one entry inside it ({@link #inZipEntry}). */
    interface Damage {
        Mutator.Mutation mutate(SplittableRandom rnd) throws IOException;
    }

    private static void fuzz(String label, Path file, byte[] valid, Damage damage, String mustName, Loader loader, int count)
            throws Exception {
        // Damage to a file that does not load in the first place would prove nothing.
        FileInPlace onDisk = new FileInPlace(file, valid);
        close(loader.load(file));
        long seed = SEED ^ label.hashCode();
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, String> findings = new LinkedHashMap<>();
        int refused = 0, harmless = 0, caughtAll = 0;
        Set<String> caughtKinds = new TreeSet<>();
        long start = System.nanoTime();
        for (int attempt = 0; attempt < count; attempt++) {
            Mutator.Mutation m = damage.mutate(rnd);
            onDisk.become(valid);
            onDisk.become(m.bytes());
            String where = label + " (seed " + seed + ", attempt " + attempt + ", " + m.description() + ")";
            try {
                assertTimeoutPreemptively(TIMEOUT, () -> {
                    Object loaded = loader.load(file);
                    close(loaded);
                    if (loaded instanceof BufferedImage img)
                        assertTrue((long) img.getWidth() * img.getHeight() <= Images.maxPixels(), "image over the limit");
                });
                harmless++;
            } catch (AssertionFailedError e) {
                findings.putIfAbsent("hang or over the limit: " + e.getMessage(), where);
            } catch (Throwable e) { // the loader's own exceptions come through undeclared
                if (e instanceof IOException || e instanceof IllegalArgumentException) {
                    refused++;
                    // Clean for the user, but a parser's own check would have been better: counted, to be looked at.
                    if (e.getCause() instanceof RuntimeException c && !(c instanceof IllegalArgumentException)
                            && !(c instanceof JsonParseException)) {
                        caughtAll++;
                        caughtKinds.add(c.getClass().getSimpleName() + " at " + throwingFrame(c));
                    }
                    if (e.getMessage() == null || !e.getMessage().contains(mustName))
                        findings.putIfAbsent("message without the file name: " + e.getClass().getName(), where + ": " + e.getMessage());
                } else {
                    findings.putIfAbsent(e.getClass().getName() + " at " + throwingFrame(e), where + ":\n" + stackTrace(e));
                }
            }
        }
        onDisk.become(valid);
        System.out.printf("fuzz %s: %d mutations, %d refused cleanly (%d by a catch-all of an unchecked exception%s), %d loaded, %d unclean,"
                + " %.1f s (seed %d)%n", label, count, refused, caughtAll, caughtKinds.isEmpty() ? "" : ": " + caughtKinds, harmless, count - refused - harmless, (System.nanoTime() - start) / 1e9, seed);
        if (!findings.isEmpty()) {
            StringBuilder b = new StringBuilder(findings.size() + " kinds of unclean outcome for " + label + " (seed " + seed + "):\n");
            findings.forEach((kind, example) -> b.append("- ").append(kind).append("\n  first: ").append(example).append('\n'));
            fail(b.toString());
        }
    }

    private static void close(Object loaded) throws Exception {
        if (loaded instanceof AutoCloseable c) c.close();
    }

    private static Loader alternatingImageReaders() {
        int[] calls = {0};
        return f -> calls[0]++ % 2 == 0 ? Images.read(f) : Images.readIntact(f);
    }

    private static String throwingFrame(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        for (StackTraceElement frame : trace)
            if (frame.getClassName().startsWith("dev.tessera.")) return frame.toString();
        return trace.length > 0 ? trace[0].toString() : "?";
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
    }

    /** Where a JPEG's entropy-coded data starts: everything before is tables and sizes. */
    private static int startOfScan(byte[] jpeg) {
        for (int i = 0; i + 1 < jpeg.length; i++)
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xda) return i + 14;
        throw new IllegalStateException("the JPEG writer wrote no start-of-scan marker");
    }

    private static BufferedImage picture(int w, int h) {
        SplittableRandom rnd = new SplittableRandom();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | rnd.nextInt(256));
        return img;
    }

    private static IndexMap indexMap() {
        SplittableRandom rnd = new SplittableRandom();
        int columns = 7, rows = 5, cells = columns * rows;
        List<String> names = List.of("plain", "with, comma", "with \"quotes\"", "ünïcödé", "five");
        int[] templates = new int[cells];
        float[] scores = new float[cells], colours = new float[3 * cells];
        for (int i = 0; i < cells; i++) {
            templates[i] = rnd.nextInt(names.size());
            scores[i] = (float) rnd.nextDouble(100);
        }
        for (int i = 0; i < colours.length; i++) colours[i] = (float) rnd.nextDouble(255);
        return new IndexMap(columns, rows, 8, templates, scores, 0.4f, colours, "0123456789abcdef", names);
    }

    private static final Vgg16 SEEDED = Vgg16.seeded(3);

    private static DecoderTrainer trainer(Decoder decoder) {
        Tensor templates = rand(decoder.templates(), 3, 8, 8).mul(new Scalar(255));
        return new DecoderTrainer(SEEDED, decoder, templates, new ViewingLoss(ViewingLossConfig.defaults().withScales(List.of(0, 1))),
                TemperatureSchedule.reaching(15, 4), LearningRateSchedule.method().startingAt(1e-3));
    }

    /** The bytes of one entry of a zip. */
    private static byte[] zipEntry(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; )
                if (e.getName().equals(name)) return in.readAllBytes();
        }
        throw new IllegalStateException("no " + name + " in the zip");
    }

    /**
     * Damage to one entry of a zip, written back as the writer wrote it (stored or deflated) with a
     * valid CRC and sizes: the zip layer then has nothing to catch, and the entry's parser gets it.
     */
    private static Damage inZipEntry(byte[] zip, String name, Mutator mutator) {
        return rnd -> {
            Mutator.Mutation m = mutator.mutate(rnd);
            ByteArrayOutputStream out = new ByteArrayOutputStream(zip.length + 64);
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip)); ZipOutputStream z = new ZipOutputStream(out)) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    byte[] bytes = e.getName().equals(name) ? m.bytes() : in.readAllBytes();
                    ZipEntry copy = new ZipEntry(e.getName());
                    copy.setMethod(e.getMethod());
                    if (e.getMethod() == ZipEntry.STORED) {
                        CRC32 crc = new CRC32();
                        crc.update(bytes);
                        copy.setCrc(crc.getValue());
                        copy.setSize(bytes.length);
                        copy.setCompressedSize(bytes.length);
                    }
                    z.putNextEntry(copy);
                    z.write(bytes);
                    z.closeEntry();
                }
            }
            return new Mutator.Mutation(name + ": " + m.description(), out.toByteArray());
        };
    }

    private static int indexOf(byte[] bytes, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int k = 0; k < needle.length; k++) if (bytes[i + k] != needle[k]) continue outer;
            return i;
        }
        throw new IllegalStateException("no " + ascii + " in the file");
    }

    /**
     * The 26 VGG16 feature tensors at their real shapes (the loader accepts no other), as zero F16:
     * half the bytes of F32 to write and read back 300 times, and the values do not matter here.
     */
    private static List<WeightFileWriter.Entry> vgg16Entries() {
        List<WeightFileWriter.Entry> entries = new ArrayList<>();
        for (String name : Vgg16.parameterNames()) {
            long[] shape = Vgg16.parameterShape(name);
            long numel = 1;
            for (long d : shape) numel *= d;
            entries.add(new WeightFileWriter.Entry(name, "F16", shape, new byte[Math.toIntExact(2 * numel)]));
        }
        return entries;
    }
}
