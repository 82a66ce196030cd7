package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.rand;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.Decoder;
import dev.tessera.model.PixelEncoder;
import dev.tessera.model.Preprocessing;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    private static final Checkpoint.Hyperparameters HYPER = new Checkpoint.Hyperparameters(2, 32, 1e-3, 5, 7);
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static int threads;

    @TempDir
    Path dir;

    @BeforeAll
    static void oneThread() {
        threads = get_num_threads();
        set_num_threads(1);
    }

    @AfterAll
    static void restoreThreads() {
        set_num_threads(threads);
    }

    private static Checkpoint of(Decoder d, TemperatureSchedule.State state, byte[] adam) {
        return Checkpoint.of(d, "hash-1", NAMES, "seeded random weights (seed 3), not pretrained", Preprocessing.IMAGENET.flag(), HYPER,
                state, adam);
    }

    @Test
    void roundTripKeepsWeightsScheduleAndIdentity() throws IOException {
        SplittableRandom random = new SplittableRandom();
        try (Decoder d = Decoder.initialised(3, random.nextLong())) {
            TemperatureSchedule s = TemperatureSchedule.reaching(15, 40);
            for (int i = 0; i < 23; i++) s.advance();
            Path file = dir.resolve("model.tsr");
            of(d, s.state(), null).save(file);
            Checkpoint back = Checkpoint.load(file);
            assertEquals(s.state(), back.temperature());
            assertEquals(23, back.iteration());
            assertEquals(TemperatureSchedule.resume(back.temperature()).beta(), s.beta(), 0);
            assertEquals("hash-1", back.templateHash());
            assertEquals(NAMES, back.templateNames());
            assertEquals("imagenet", back.preprocessing());
            assertEquals(HYPER, back.hyperparameters());
            assertEquals(null, back.optimizerState());
            try (Decoder restored = back.decoder()) {
                Map<String, Tensor> want = d.namedParameters(), got = restored.namedParameters();
                for (String name : want.keySet()) assertArrayEquals(values(want.get(name)), values(got.get(name)), name);
            }
            // Saving again over the file replaces it and leaves no temporary file behind.
            of(d, s.state(), null).save(file);
            try (var listing = Files.list(dir)) {
                assertEquals(List.of(file), listing.toList());
            }
        }
    }

    @Test
    void resumedAdamContinuesExactlyAsAnUninterruptedRun() throws IOException {
        manual_seed(11);
        try (PointerScope scope = new PointerScope(); Vgg16 vgg = Vgg16.seeded(3); Decoder a = Decoder.initialised(3, 5);
                Decoder b = Decoder.initialised(3, 99)) {
            Tensor images = rand(1, 3, 48, 48).mul(new Scalar(255));
            Tensor templates = rand(3, 3, 8, 8).mul(new Scalar(255));
            LearningRateSchedule lr = LearningRateSchedule.method().startingAt(1e-2);
            Path file = dir.resolve("run.tsr");
            try (DecoderTrainer first = new DecoderTrainer(vgg, a, templates, new ViewingLoss(), TemperatureSchedule.reaching(15, 4), lr)) {
                first.step(images);
                first.step(images);
                of(a, first.temperature().state(), first.optimizerState(file)).save(file);
                first.step(images);
            }
            Checkpoint saved = Checkpoint.load(file);
            assertNotNull(saved.optimizerState());
            saved.restoreInto(b);
            try (DecoderTrainer resumed = new DecoderTrainer(vgg, b, templates, new ViewingLoss(),
                    TemperatureSchedule.resume(saved.temperature()), lr)) {
                resumed.restoreOptimizerState(saved.optimizerState());
                DecoderTrainer.Step step = resumed.step(images);
                assertEquals(2, step.iteration());
            }
            // Adam's moments came back too: a fresh Adam would move the weights by lr·sign(g) instead.
            for (String name : a.namedParameters().keySet())
                assertArrayEquals(values(a.namedParameters().get(name)), values(b.namedParameters().get(name)), 1e-6f, name);
        }
    }

    @Test
    void anotherTemplateSetOrVggIsRefusedByName() throws IOException {
        try (Decoder d = Decoder.initialised(3, 1)) {
            Path file = dir.resolve("m.tsr");
            of(d, TemperatureSchedule.reaching(15, 10).state(), null).save(file);
            Checkpoint c = Checkpoint.load(file);
            c.requireTemplateSet("hash-1");
            c.requireEncoder("seeded random weights (seed 3), not pretrained");
            assertFalse(c.weightFree());
            IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> c.requireTemplateSet("hash-2"));
            assertTrue(set.getMessage().contains("hash-1") && set.getMessage().contains("hash-2"), set.getMessage());
            IllegalArgumentException vgg = assertThrows(IllegalArgumentException.class, () -> c.requireEncoder("vgg16.pth (zip)"));
            assertTrue(vgg.getMessage().contains("vgg16.pth") && vgg.getMessage().contains("--vgg"), vgg.getMessage());
            IllegalArgumentException pixels = assertThrows(IllegalArgumentException.class, () -> c.requireEncoder(PixelEncoder.ORIGIN));
            assertTrue(pixels.getMessage().contains("not the weight-free encoder '" + PixelEncoder.ORIGIN + "'")
                    && pixels.getMessage().contains("pass the same --vgg"),
                    pixels.getMessage());
        }
    }

    @Test
    void aPixelEncoderCheckpointNeedsNoVggAndRefusesOne() throws IOException {
        try (Decoder d = Decoder.initialised(3, 1); PixelEncoder pixels = new PixelEncoder()) {
            Path file = dir.resolve("p.tsr");
            Checkpoint.of(d, "hash-1", NAMES, pixels.origin(), pixels.preprocessingName(), HYPER,
                    TemperatureSchedule.reaching(15, 10).state(), null).save(file);
            Checkpoint c = Checkpoint.load(file);
            assertTrue(c.weightFree());
            assertEquals("none", c.preprocessing());
            c.requireEncoder(PixelEncoder.ORIGIN);
            IllegalArgumentException vgg = assertThrows(IllegalArgumentException.class, () -> c.requireEncoder("vgg16.pth (zip)"));
            assertTrue(vgg.getMessage().contains("weight-free encoder '" + PixelEncoder.ORIGIN + "'") && vgg.getMessage().contains("leave out --vgg"),
                    vgg.getMessage());
        }
    }

    @Test
    void truncatedOrCorruptFilesAreIOExceptionsNamingTheFile() throws IOException {
        try (Decoder d = Decoder.initialised(3, 1)) {
            Path file = dir.resolve("m.tsr");
            of(d, TemperatureSchedule.reaching(15, 10).state(), null).save(file);
            byte[] whole = Files.readAllBytes(file);

            Path cut = dir.resolve("cut.tsr");
            Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(cut));
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());

            Path flipped = dir.resolve("flipped.tsr");
            byte[] bad = whole.clone();
            // Inside conv1.weight's data, past its local header (30 bytes and the name): the entry's CRC catches it.
            byte[] name = "decoder/conv1.weight.f32".getBytes(StandardCharsets.US_ASCII);
            int header = indexOf(whole, name);
            bad[header + name.length + 200] ^= 0x5a;
            Files.write(flipped, bad);
            e = assertThrows(IOException.class, () -> Checkpoint.load(flipped));
            assertTrue(e.getMessage().contains(flipped.toString()), e.getMessage());

            Path text = dir.resolve("text.tsr");
            Files.writeString(text, "not a zip");
            e = assertThrows(IOException.class, () -> Checkpoint.load(text));
            assertTrue(e.getMessage().contains(text.toString()), e.getMessage());
        }
    }

    @Test
    void aLaterVersionIsRefusedWithAMessage() throws IOException {
        try (Decoder d = Decoder.initialised(3, 1)) {
            Path file = dir.resolve("future.tsr");
            of(d, TemperatureSchedule.reaching(15, 10).state(), null).save(file);
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toUri()), Map.of())) {
                Path manifest = zip.getPath("manifest.json");
                String json = Files.readString(manifest, StandardCharsets.UTF_8);
                Files.writeString(manifest, json.replace("\"version\": " + Checkpoint.VERSION, "\"version\": " + (Checkpoint.VERSION + 1)));
            }
            IOException e = assertThrows(IOException.class, () -> Checkpoint.load(file));
            assertTrue(e.getMessage().contains("version " + (Checkpoint.VERSION + 1)) && e.getMessage().contains(file.toString()),
                    e.getMessage());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("entry name not found in the file");
    }

    private static float[] values(Tensor p) {
        float[] v = new float[(int) p.numel()];
        p.detach().contiguous().data_ptr_float().get(v);
        return v;
    }
}
