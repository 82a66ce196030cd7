package dev.tessera.cli;

import dev.tessera.testing.OneTorchThread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.TemperatureSchedule;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OneTorchThread.class)
class TrainCommandTest {
    @TempDir
    Path dir;

    private Path picture(Path file, int w, int h, long seed) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | rnd.nextInt(256));
        Files.createDirectories(file.getParent());
        Images.write(img, file);
        return file;
    }

    private List<String> args(Path images, Path tiles, String gridTiles, Path model, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--images", images.toString(), "--grid", tiles.toString(), "--grid-tiles",
                gridTiles, "-o", model.toString(), "--size", "32", "--vgg", "seeded", "--seed", "1"));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void trainsWritesACheckpointAndResumesAtItsIterationAndBeta() throws Exception {
        Path images = dir.resolve("images");
        picture(images.resolve("a.png"), 32, 32, 1);
        picture(images.resolve("b.png"), 40, 32, 2); // cropped to its centred square
        picture(images.resolve("sub/c.png"), 32, 32, 3); // found recursively
        picture(images.resolve("sub/d.png"), 64, 64, 4); // resized
        Files.writeString(images.resolve("broken.jpg"), "not a picture");
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 5);
        Path model = dir.resolve("out/model.tsr");

        TesseraCommandTest.Run first = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--batch", "2", "--steps", "3",
                "--checkpoint-every", "2").toArray(String[]::new));
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.err().contains("skipping " + images.resolve("broken.jpg")), first.err());
        assertTrue(first.err().contains("1 unreadable image(s) skipped"), first.err());
        assertTrue(first.err().contains("train iteration 3/3"), first.err());
        Checkpoint saved = Checkpoint.load(model);
        assertEquals(3, saved.iteration());
        assertEquals(9, saved.templateNames().size());
        assertEquals(new Checkpoint.Hyperparameters(2, 32, 6e-6, 3, 1), saved.hyperparameters());
        assertNotNull(saved.optimizerState());
        assertTrue(saved.finite());
        try (Decoder d = saved.decoder()) {
            assertEquals(9, d.templates());
        }
        // 4 images in batches of 2: the ramp ends after 1 iteration, Δ = 14 / (1 / 10) = 140, first applied at iteration 10.
        assertEquals(TemperatureSchedule.forTraining(4, 2).delta(), saved.temperature().delta(), 0);

        TesseraCommandTest.Run again = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--steps", "5").toArray(String[]::new));
        assertEquals(3, again.exit(), again.err());
        assertTrue(again.err().contains("--resume"), again.err());

        TesseraCommandTest.Run resumed = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--steps", "5", "--resume")
                .toArray(String[]::new));
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains(String.format(Locale.ROOT, "resuming %s from iteration 3, β %.4g", model,
                TemperatureSchedule.resume(saved.temperature()).beta())), resumed.err());
        assertTrue(resumed.err().contains("train iteration 4/5"), resumed.err());
        Checkpoint after = Checkpoint.load(model);
        assertEquals(5, after.iteration());
        assertEquals(saved.temperature().delta(), after.temperature().delta(), 0);
        assertEquals(saved.temperature().start(), after.temperature().start(), 0);
        assertEquals(2, after.hyperparameters().batch());

        TesseraCommandTest.Run otherSet = TesseraCommandTest.run(args(images, tiles, "2x2", model, "--steps", "6", "--resume")
                .toArray(String[]::new));
        assertEquals(3, otherSet.exit(), otherSet.err());
        assertTrue(otherSet.err().contains("template set"), otherSet.err());
        assertEquals(5, Checkpoint.load(model).iteration());
    }

    @Test
    void aNonFiniteLossStopsTrainingAndKeepsTheLastFiniteCheckpoint() throws Exception {
        Path images = dir.resolve("images");
        picture(images.resolve("a.png"), 32, 32, 1);
        picture(images.resolve("b.png"), 32, 32, 2);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 5);
        Path model = dir.resolve("model.tsr");
        // Adam moves every weight by about the rate, so 1e30 overflows float32 in the LayerNorm of the next step.
        TesseraCommandTest.Run r = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--batch", "1", "--steps", "4",
                "--checkpoint-every", "1", "--lr", "1e30").toArray(String[]::new));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("stopping without saving these weights"), r.err());
        assertTrue(r.err().contains("The last checkpoint, of iteration "), r.err());
        Checkpoint kept = Checkpoint.load(model);
        assertTrue(kept.finite());
        assertTrue(kept.iteration() < 4, "iteration " + kept.iteration());
        assertTrue(r.err().contains("The last checkpoint, of iteration " + kept.iteration() + ","), r.err());
    }

    @Test
    void aTrainedCheckpointRendersPicturesWithItsSetAndRefusesAnother() throws Exception {
        Path images = dir.resolve("images");
        picture(images.resolve("a.png"), 32, 32, 11);
        picture(images.resolve("b.png"), 32, 32, 12);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 13);
        Path model = dir.resolve("model.tsr");
        TesseraCommandTest.Run trained = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--batch", "2", "--steps", "1")
                .toArray(String[]::new));
        assertEquals(0, trained.exit(), trained.err());

        Path photo = picture(dir.resolve("in/photo.png"), 43, 26, 14);  // cropped to 40x24: 5x3 cells
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("render", "--model", model.toString(), "--vgg", "seeded", "--grid",
                tiles.toString(), "--grid-tiles", "3x3", "--tile", "16", "-o", out.toString(), photo.toString());
        assertEquals(0, r.exit(), r.err());
        dev.tessera.render.IndexMap map = dev.tessera.render.IndexMap.load(out.resolve("photo.json"));
        assertEquals(5, map.columns());
        assertEquals(3, map.rows());
        BufferedImage mosaic = Images.read(out.resolve("photo.png"));
        assertEquals(80, mosaic.getWidth());
        assertEquals(48, mosaic.getHeight());

        TesseraCommandTest.Run otherSet = TesseraCommandTest.run("render", "--model", model.toString(), "--vgg", "seeded", "--glyphs",
                "-o", dir.resolve("out2").toString(), photo.toString());
        assertEquals(3, otherSet.exit());
        assertTrue(otherSet.err().toLowerCase(Locale.ROOT).contains("template set"), otherSet.err());
        assertEquals(2, TesseraCommandTest.run("render", "--model", model.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "-o", out.toString(), photo.toString()).exit());
        assertEquals(2, TesseraCommandTest.run("render", "-o", out.toString()).exit());
    }
}
