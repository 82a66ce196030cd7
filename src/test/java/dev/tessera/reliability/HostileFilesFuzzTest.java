package dev.tessera.reliability;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.image.Images;
import dev.tessera.model.Vgg16;
import dev.tessera.model.WeightFileWriter;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
     * Runs {@code count} damaged versions of a file through its loader and fails listing every
     * distinct unclean outcome (by exception type and throwing frame) with the mutation that caused it.
     */
    private static void fuzz(String label, Path file, Mutator mutator, String mustName, Loader loader, int count) throws Exception {
        // Damage to a file that does not load in the first place would prove nothing.
        byte[] valid = mutator.valid();
        FileInPlace onDisk = new FileInPlace(file, valid);
        close(loader.load(file));
        long seed = SEED ^ label.hashCode();
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, String> findings = new LinkedHashMap<>();
        int refused = 0, harmless = 0;
        long start = System.nanoTime();
        for (int attempt = 0; attempt < count; attempt++) {
            Mutator.Mutation m = mutator.mutate(rnd);
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
                    if (e.getMessage() == null || !e.getMessage().contains(mustName))
                        findings.putIfAbsent("message without the file name: " + e.getClass().getName(), where + ": " + e.getMessage());
                } else {
                    findings.putIfAbsent(e.getClass().getName() + " at " + throwingFrame(e), where + ":\n" + stackTrace(e));
                }
            }
        }
        onDisk.become(valid);
        System.out.printf("fuzz %s: %d mutations, %d refused cleanly, %d loaded, %d unclean, %.1f s (seed %d)%n", label, count,
                refused, harmless, count - refused - harmless, (System.nanoTime() - start) / 1e9, seed);
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
