package dev.tessera.model;

import static dev.tessera.model.TestTensors.entries;
import static dev.tessera.model.TestTensors.freshSeed;
import static dev.tessera.model.TestTensors.maxAbsDiff;
import static dev.tessera.model.TestTensors.randomVggParameters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Vgg16WeightFileTest {
    /** The three layouts a user's file may have, each written as its producer writes it. */
    enum Format {
        TORCH_ZIP(".pth") {
            @Override
            void write(Path file, List<WeightFileWriter.Entry> entries) throws IOException {
                WeightFileWriter.writeTorchZip(file, "archive", entries);
            }
        },
        TORCH_LEGACY(".pth") {
            @Override
            void write(Path file, List<WeightFileWriter.Entry> entries) throws IOException {
                WeightFileWriter.writeTorchLegacy(file, entries);
            }
        },
        SAFETENSORS(".safetensors") {
            @Override
            void write(Path file, List<WeightFileWriter.Entry> entries) throws IOException {
                WeightFileWriter.writeSafetensors(file, entries, Map.of("format", "pt"));
            }
        };

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        abstract void write(Path file, List<WeightFileWriter.Entry> entries) throws IOException;
    }

    @TempDir
    static Path dir;
    private static Map<String, Tensor> parameters;
    private static long seed;

    @BeforeAll
    static void randomWeights() {
        seed = freshSeed();
        parameters = randomVggParameters();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void fileLoadsToTheSameFeaturesAsParametersSetDirectly(Format format) throws IOException {
        List<WeightFileWriter.Entry> entries = entries(parameters);
        // Classifier keys (torchvision's and timm's names) must be ignored, whatever their shapes.
        entries.add(WeightFileWriter.Entry.f32("classifier.6.bias", new long[] {5}, new float[5]));
        entries.add(WeightFileWriter.Entry.f32("pre_logits.fc1.weight", new long[] {2, 2}, new float[4]));
        entries.add(WeightFileWriter.Entry.f32("head.fc.weight", new long[] {3}, new float[3]));
        Path file = dir.resolve("vgg16-" + format + format.extension);
        format.write(file, entries);
        try (PointerScope scope = new PointerScope();
                Vgg16 direct = Vgg16.fromParameters(parameters, Preprocessing.IMAGENET);
                Vgg16 loaded = Vgg16.load(file)) {
            Tensor image = TestTensors.image(ScalarType.Float, 2, 3, 32, 32);
            EnumSet<VggTap> all = EnumSet.allOf(VggTap.class);
            Map<VggTap, Tensor> expected = direct.features(image, all), actual = loaded.features(image, all);
            for (VggTap tap : all) {
                assertEquals(List.of(2L, (long) tap.channels()), List.of(actual.get(tap).size(0), actual.get(tap).size(1)));
                assertEquals(0.0, maxAbsDiff(actual.get(tap), expected.get(tap)), format + " " + tap + ", seed " + seed);
            }
            assertEquals(Preprocessing.IMAGENET, loaded.preprocessing());
            assertTrue(loaded.origin().contains(file.toString()), loaded.origin());
        }
    }

    @Test
    void safetensorsMetadataRecordsCaffePreprocessingAndAFlagOverridesNothingElse() throws IOException {
        Path file = dir.resolve("caffe.safetensors");
        WeightFileWriter.writeSafetensors(file, entries(parameters), Map.of("preprocessing", "caffe"));
        try (PointerScope scope = new PointerScope();
                Vgg16 recorded = Vgg16.load(file);
                Vgg16 given = Vgg16.load(file, Preprocessing.IMAGENET);
                Vgg16 direct = Vgg16.fromParameters(parameters, Preprocessing.CAFFE)) {
            assertEquals(Preprocessing.CAFFE, recorded.preprocessing());
            assertEquals(Preprocessing.IMAGENET, given.preprocessing());
            Tensor image = TestTensors.image(ScalarType.Float, 1, 3, 16, 16);
            assertEquals(0.0, maxAbsDiff(recorded.features(image, VggTap.RELU2_1), direct.features(image, VggTap.RELU2_1)));
        }
    }

    @Test
    void zipPrefixIsTakenFromWhereDataPklIs() throws IOException {
        // PyTorch versions that name the archive folder after the saved file's stem.
        Path file = dir.resolve("stem.pth");
        WeightFileWriter.writeTorchZip(file, "vgg16-397923af", entries(parameters));
        try (Vgg16 loaded = Vgg16.load(file)) {
            assertTrue(loaded.origin().contains("torch.save zip"));
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void missingKeyIsNamed(Format format) throws IOException {
        List<WeightFileWriter.Entry> entries = entries(parameters);
        entries.removeIf(e -> e.name().equals("features.12.bias"));
        assertLoadFails(format, entries, "missing tensor features.12.bias");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void wrongShapeIsNamed(Format format) throws IOException {
        List<WeightFileWriter.Entry> entries = smallPrefix();
        entries.set(2, WeightFileWriter.Entry.f32("features.2.weight", new long[] {64, 64, 5, 5}, new float[64 * 64 * 25]));
        assertLoadFails(format, entries, "features.2.weight has shape [64, 64, 5, 5]; expected [64, 64, 3, 3]");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void wrongDtypeIsNamed(Format format) throws IOException {
        List<WeightFileWriter.Entry> entries = smallPrefix();
        entries.set(1, new WeightFileWriter.Entry("features.0.bias", "I64", new long[] {64}, new byte[64 * 8]));
        assertLoadFails(format, entries, "features.0.bias has dtype I64");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void truncatedFileIsAnErrorNamingIt(Format format) throws IOException {
        Path file = dir.resolve("truncated-" + format + format.extension);
        format.write(file, smallPrefix());
        byte[] all = Files.readAllBytes(file);
        for (int keep : new int[] {all.length - 1, all.length - 200, all.length / 2, 9, 3, 0}) {
            Files.write(file, Arrays.copyOf(all, keep));
            IOException e = assertThrows(IOException.class, () -> Vgg16.load(file), format + " cut to " + keep);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void safetensorsHeaderLongerThanTheFileIsAnError() throws IOException {
        Path file = dir.resolve("long-header.safetensors");
        WeightFileWriter.writeSafetensorsRaw(file, "{}", new byte[16], 1_000_000);
        assertLoadFails(file, "safetensors header length 1000000 does not fit in the file's");
    }

    @Test
    void safetensorsOffsetsPastTheEndAreAnError() throws IOException {
        Path file = dir.resolve("offsets.safetensors");
        String header = "{\"features.0.bias\":{\"dtype\":\"F32\",\"shape\":[64],\"data_offsets\":[0,256000000]}}";
        WeightFileWriter.writeSafetensorsRaw(file, header, new byte[256], -1);
        assertLoadFails(file, "claims bytes [0, 256000000) but the data section has 256 bytes");
    }

    @Test
    void safetensorsAbsurdShapeIsAnError() throws IOException {
        Path file = dir.resolve("absurd.safetensors");
        String header = "{\"features.0.weight\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,64],\"data_offsets\":[0,4]}}";
        WeightFileWriter.writeSafetensorsRaw(file, header, new byte[4], -1);
        assertLoadFails(file, "features.0.weight is malformed: shape too large");
    }

    @Test
    void pickleThatCallsAnythingButTensorRebuildersIsRefused() throws IOException {
        WeightFileWriter.Pickle p = new WeightFileWriter.Pickle().proto().global("posix", "system")
                .mark().string("echo owned").op('t').op('R').stop();
        Path file = dir.resolve("evil.pth");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            zip.write(p.bytes());
            zip.closeEntry();
        }
        assertLoadFails(file, "pickle calls posix.system");
    }

    @Test
    void pickleThatAppendsToATupleIsMalformedNotAnUncheckedException() throws IOException {
        // EMPTY_TUPLE, an int, APPEND: Python refuses it too (tuples are immutable); found by HostileFilesFuzzTest.
        WeightFileWriter.Pickle p = new WeightFileWriter.Pickle().proto().op(')').integer(7).op('a').stop();
        Path file = dir.resolve("tuple-append.pth");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            zip.write(p.bytes());
            zip.closeEntry();
        }
        IOException e = assertThrows(IOException.class, () -> Vgg16.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("an item added to a tuple"), e.getMessage());
        assertTrue(e.getCause() == null || !(e.getCause() instanceof UnsupportedOperationException), "came through the catch-all");
    }

    @Test
    void garbageInsideTheZipPickleIsAnErrorNotACrash() throws IOException {
        Path file = dir.resolve("garbage.pth");
        WeightFileWriter.writeTorchZip(file, "archive", smallPrefix());
        byte[] all = Files.readAllBytes(file);
        long seedHere = freshSeed();
        java.util.Random random = new java.util.Random(seedHere);
        int start = indexOf(all, "archive/data.pkl".getBytes(StandardCharsets.US_ASCII)) + 16 + 40;
        for (int k = 0; k < 200; k++) {
            byte[] corrupt = all.clone();
            for (int j = 0; j < 4; j++) corrupt[start + random.nextInt(300)] = (byte) random.nextInt(256);
            Files.write(file, corrupt);
            try (Vgg16 ignored = Vgg16.load(file)) {
                // a flipped byte in tensor data or a harmless spot still loads: fine
            } catch (IOException e) {
                assertTrue(e.getMessage().contains(file.toString()), e.getMessage() + ", seed " + seedHere);
            }
        }
    }

    @Test
    void otherFilesAreNotMistakenForWeights() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "these are not weights, just text");
        assertLoadFails(file, "neither a torch.save file (zip or legacy) nor safetensors");
        assertLoadFails(dir.resolve("absent.pth"), "no such weight file");
    }

    @Test
    void parametersInMemoryAreValidatedToo() {
        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(parameters);
        bad.put("features.5.weight", org.bytedeco.pytorch.global.torch.zeros(128, 64, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vgg16.fromParameters(bad, Preprocessing.IMAGENET));
        assertTrue(e.getMessage().contains("features.5.weight has shape [128, 64, 3]; expected [128, 64, 3, 3]"), e.getMessage());
    }

    /** The first two convolutions only: enough for the first mismatch to come before anything missing. */
    private static List<WeightFileWriter.Entry> smallPrefix() {
        List<WeightFileWriter.Entry> all = entries(parameters);
        return new ArrayList<>(all.subList(0, 4));
    }

    private static void assertLoadFails(Format format, List<WeightFileWriter.Entry> entries, String expected) throws IOException {
        Path file = dir.resolve("bad-" + format + "-" + System.nanoTime() + format.extension);
        format.write(file, entries);
        assertLoadFails(file, expected);
    }

    private static void assertLoadFails(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> Vgg16.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(expected),
                "message was: " + e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
