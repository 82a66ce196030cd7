package dev.tessera.cli;

import dev.tessera.testing.OneTorchThread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.eval.TrainingChart;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.TemperatureSchedule;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** images/a.png and images/b.png, 32×32 pictures drawn from seeds {@code seed} and seed + 1: a training folder. */
    private Path twoPictures(long seed) throws Exception {
        Path images = dir.resolve("images");
        picture(images.resolve("a.png"), 32, 32, seed);
        picture(images.resolve("b.png"), 32, 32, seed + 1);
        return images;
    }

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

    /** The rows of a training log, each a row of numbers (the header checked by the caller). */
    private static List<double[]> csvRows(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double[] row = new double[f.length];
            for (int i = 0; i < f.length; i++) row[i] = Double.parseDouble(f[i]);
            rows.add(row);
        }
        return rows;
    }

    @Test
    void trainingLogsEveryStepWithItsLossTermsChartsItAndAResumeDropsStepsWhoseCheckpointWasLost() throws Exception {
        Path images = twoPictures(21);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 23);
        Path model = dir.resolve("out/model.tsr"), csv = dir.resolve("out/model.csv"), chart = dir.resolve("out/model.png");

        TesseraCommandTest.Run first = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--batch", "1", "--steps", "2",
                "--checkpoint-every", "2").toArray(String[]::new));
        assertEquals(0, first.exit(), first.err());
        // 32 px: the viewing loss keeps scales 0 and 1 (16 px); scale 2 (8 px) is under SSIM's window.
        assertEquals("iteration,loss,beta,learning_rate,images_per_second,colour_s0,structure_s0,colour_s1,structure_s1",
                Files.readAllLines(csv).get(0));
        List<double[]> afterTwo = csvRows(csv);
        assertEquals(2, afterTwo.size());
        Path atTwo = dir.resolve("model-at-2.tsr");
        Files.copy(model, atTwo);

        TesseraCommandTest.Run longer = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--steps", "4", "--resume")
                .toArray(String[]::new));
        assertEquals(0, longer.exit(), longer.err());
        List<double[]> afterFour = csvRows(csv);
        assertEquals(4, afterFour.size());
        TemperatureSchedule beta = TemperatureSchedule.forTraining(2, 1);
        for (int i = 0; i < 4; i++) {
            double[] row = afterFour.get(i);
            assertEquals(i + 1, row[0]);
            assertTrue(row[1] > 0, "loss " + row[1]);
            assertEquals(beta.beta(), row[2], 0, "β of step " + (i + 1));
            beta.advance();
            assertEquals(6e-6, row[3], 0, "the rate holds for the first 100 steps");
            assertTrue(row[4] > 0, "images/s " + row[4]);
            double terms = row[5] + row[6] + row[7] + row[8];
            assertEquals(row[1], terms, 1e-5 * row[1], "the terms of step " + (i + 1) + " add up to its loss");
            if (i < 2) assertArrayEquals(afterTwo.get(i), row, 0, "a resume keeps the rows before it");
        }
        BufferedImage drawn = Images.read(chart);
        assertEquals(TrainingChart.WIDTH, drawn.getWidth());
        assertEquals(TrainingChart.HEIGHT, drawn.getHeight());

        // A crash after steps 3 and 4 whose checkpoint never reached the disk: the last checkpoint is of iteration 2.
        Files.copy(atTwo, model, StandardCopyOption.REPLACE_EXISTING);
        TesseraCommandTest.Run again = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--steps", "3", "--resume")
                .toArray(String[]::new));
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("dropped 2 row(s) logged after iteration 2"), again.err());
        List<double[]> rerun = csvRows(csv);
        assertEquals(List.of(1.0, 2.0, 3.0), rerun.stream().map(r -> r[0]).toList(), "each iteration once");
        // The same batches from the same weights and Adam state: step 3 again, to float rounding.
        assertEquals(afterFour.get(2)[1], rerun.get(2)[1], 1e-5 * afterFour.get(2)[1]);
    }

    @Test
    void aNonFiniteLossStopsTrainingAndKeepsTheLastFiniteCheckpoint() throws Exception {
        Path images = twoPictures(1);
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
        Path images = twoPictures(11);
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

    @Test
    void withoutVggTheEncoderIsTheSignatureEncoderTheDecoderStartsAsClassicAndRenderNeedsNoWeights() throws Exception {
        Path images = twoPictures(31);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 33);
        Path model = dir.resolve("pixels.tsr");
        List<String> a = new ArrayList<>(args(images, tiles, "3x3", model, "--batch", "2", "--steps", "2"));
        a.remove(a.indexOf("--vgg") + 1);
        a.remove("--vgg");
        TesseraCommandTest.Run trained = TesseraCommandTest.run(a.toArray(String[]::new));
        assertEquals(0, trained.exit(), trained.err());
        assertTrue(trained.err().contains("encoder " + dev.tessera.train.SignatureEncoder.ORIGIN_PREFIX), trained.err());
        assertTrue(trained.err().contains("the decoder starts at classic's choice exactly"), trained.err());
        assertTrue(Checkpoint.load(model).weightFree());

        Path photo = picture(dir.resolve("in/photo.png"), 40, 24, 34);
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("render", "--model", model.toString(), "--grid", tiles.toString(),
                "--grid-tiles", "3x3", "-o", out.toString(), "--soft", "--tile", "16", photo.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(5, dev.tessera.render.IndexMap.load(out.resolve("photo.json")).columns());
        assertTrue(r.err().contains("render: soft mosaics at β 15"), r.err());
        BufferedImage soft = Images.read(out.resolve("photo-soft.png"));
        assertEquals(80, soft.getWidth());
        assertEquals(48, soft.getHeight());
        Path odd1 = picture(dir.resolve("odd/a.png"), 44, 30, 35), odd2 = picture(dir.resolve("odd/b.png"), 27, 41, 36);
        TesseraCommandTest.Run odd = TesseraCommandTest.run("render", "--model", model.toString(), "--grid", tiles.toString(),
                "--grid-tiles", "3x3", "-o", dir.resolve("odd-out").toString(), odd1.toString(), odd2.toString());
        assertEquals(0, odd.exit(), odd.err());
        assertEquals(1, odd.err().split("cropped to whole 8-px cells", -1).length - 1, "said once: " + odd.err());
        assertTrue(odd.err().contains("cropped 44x30 to 40x24"), odd.err());
        assertEquals(3, dev.tessera.render.IndexMap.load(dir.resolve("odd-out/b.json")).columns());
        TesseraCommandTest.Run softIndex = TesseraCommandTest.run("render", "--index", out.resolve("photo.json").toString(), "--grid",
                tiles.toString(), "--grid-tiles", "3x3", "-o", dir.resolve("x.png").toString(), "--soft");
        assertEquals(2, softIndex.exit(), softIndex.err());
        assertTrue(softIndex.err().contains("--soft needs --model"), softIndex.err());

        TesseraCommandTest.Run withVgg = TesseraCommandTest.run("render", "--model", model.toString(), "--vgg", "seeded", "--grid",
                tiles.toString(), "--grid-tiles", "3x3", "-o", dir.resolve("out2").toString(), photo.toString());
        assertEquals(2, withVgg.exit(), withVgg.err());
        assertTrue(withVgg.err().contains("was trained on the weight-free encoder") && withVgg.err().contains("leave out --vgg"), withVgg.err());

        a.addAll(List.of("--loss", "vgg16"));
        TesseraCommandTest.Run paperLoss = TesseraCommandTest.run(a.toArray(String[]::new));
        assertEquals(2, paperLoss.exit(), paperLoss.err());
        assertTrue(paperLoss.err().contains("--loss vgg16 needs --vgg"), paperLoss.err());
    }

    @Test
    void validationMeasuresTheArgmaxAgainstClassicAtTheStartAndAtEveryCheckpoint() throws Exception {
        Path images = twoPictures(41);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 43);
        Path held = dir.resolve("held");
        picture(held.resolve("x.png"), 40, 28, 44);  // cropped to 40x24, as render crops it
        picture(held.resolve("sub/y.png"), 24, 24, 45);
        Path model = dir.resolve("run/m.tsr");
        List<String> a = new ArrayList<>(args(images, tiles, "3x3", model, "--batch", "2", "--steps", "4", "--checkpoint-every", "2",
                "--preview-every", "0", "--validate", held.toString()));
        a.remove(a.indexOf("--vgg") + 1);
        a.remove("--vgg");
        TesseraCommandTest.Run r = TesseraCommandTest.run(a.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        for (int i : new int[] {0, 2, 4})
            assertTrue(r.err().contains("validation at iteration " + i + ": full "), r.err());
        // 9 tiles: the signature encoder's start is classic's choice exactly, so at iteration 0 both pictures are no worse.
        assertTrue(r.err().contains("validation at iteration 0: ") && r.err().contains("nowhere worse than classic on 2 of 2 picture(s)"),
                r.err());
        List<String> csv = Files.readAllLines(dir.resolve("run/m-validation.csv"));
        assertEquals(4, csv.size(), csv.toString());
        assertTrue(csv.get(0).startsWith("iteration,learned_psnr_full,"), csv.get(0));
        assertEquals(21, csv.get(1).split(",").length, "iteration, 9 figures each for learned and classic, two counts");
        assertTrue(csv.get(1).startsWith("0,") && csv.get(3).startsWith("4,") && csv.get(1).endsWith(",2,2"), csv.toString());

        a.set(a.indexOf(held.toString()), dir.resolve("nope").toString());
        a.set(a.indexOf(model.toString()), dir.resolve("run/other.tsr").toString());
        TesseraCommandTest.Run missing = TesseraCommandTest.run(a.toArray(String[]::new));
        assertEquals(3, missing.exit(), missing.err());
        assertTrue(missing.err().contains("is not a folder"), missing.err());
    }

    @Test
    void previewsShowInputSoftAndArgmaxMosaicsOfTheFirstPicturesEveryKIterations() throws Exception {
        Path images = dir.resolve("images");
        picture(images.resolve("a.png"), 32, 32, 21);
        picture(images.resolve("b.png"), 32, 32, 22);
        picture(images.resolve("c.png"), 32, 32, 23);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 24);
        Path model = dir.resolve("run/model.tsr");
        TesseraCommandTest.Run r = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--batch", "1", "--steps", "3",
                "--preview-every", "2").toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        // Every 2 iterations and at the end; none at iteration 1.
        assertTrue(Files.exists(dir.resolve("run/model-preview-2.png")), r.err());
        assertTrue(Files.exists(dir.resolve("run/model-preview-3.png")), r.err());
        assertEquals(2, previews(dir.resolve("run")));
        assertTrue(r.err().contains("preview " + dir.resolve("run/model-preview-3.png").toAbsolutePath() + ": loss soft "), r.err());

        BufferedImage sheet = Images.read(dir.resolve("run/model-preview-3.png"));
        assertEquals(3 * 32, sheet.getWidth(), "input | soft | argmax");
        assertEquals(2 * 32, sheet.getHeight(), "the first two pictures");
        BufferedImage a = Images.read(images.resolve("a.png")), b = Images.read(images.resolve("b.png"));
        BufferedImage tileSheet = Images.read(tiles);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++) {
                assertEquals(a.getRGB(x, y), sheet.getRGB(x, y), "row 0 is a.png at (" + x + "," + y + ")");
                assertEquals(b.getRGB(x, y), sheet.getRGB(x, 32 + y), "row 1 is b.png at (" + x + "," + y + ")");
            }
        // Each 8-px cell of the argmax panel is one of the nine tiles, pasted as it is.
        for (int cy = 0; cy < 8; cy++)
            for (int cx = 0; cx < 4; cx++) {
                boolean found = false;
                for (int t = 0; t < 9 && !found; t++) {
                    boolean same = true;
                    for (int y = 0; y < 8 && same; y++)
                        for (int x = 0; x < 8 && same; x++)
                            same = sheet.getRGB(64 + cx * 8 + x, cy * 8 + y) == tileSheet.getRGB(t % 3 * 8 + x, t / 3 * 8 + y);
                    found = same;
                }
                assertTrue(found, "argmax cell (" + cx + "," + cy + ") is not a tile");
            }
        // The soft mosaic at β ≈ 1 blends templates: some of its cells are no tile at all.
        int blended = 0;
        for (int cy = 0; cy < 8; cy++)
            for (int cx = 0; cx < 4; cx++)
                if (sheet.getRGB(32 + cx * 8 + 3, cy * 8 + 3) != sheet.getRGB(64 + cx * 8 + 3, cy * 8 + 3)) blended++;
        assertTrue(blended > 0, "soft and argmax panels are identical");

        Path quiet = dir.resolve("quiet/model.tsr");
        TesseraCommandTest.Run none = TesseraCommandTest.run(args(images, tiles, "3x3", quiet, "--batch", "1", "--steps", "1",
                "--preview-every", "0").toArray(String[]::new));
        assertEquals(0, none.exit(), none.err());
        assertEquals(0, previews(dir.resolve("quiet")));
        assertEquals(2, TesseraCommandTest.run(args(images, tiles, "3x3", dir.resolve("x.tsr"), "--preview-every", "-1")
                .toArray(String[]::new)).exit());
    }

    @Test
    void aClassicWarmStartRunsBeforeTrainingAndIsRefusedOnResume() throws Exception {
        Path images = twoPictures(31);
        Path tiles = picture(dir.resolve("tiles.png"), 24, 24, 33);
        Path model = dir.resolve("model.tsr");
        TesseraCommandTest.Run r = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--batch", "2", "--steps", "2",
                "--warm-start", "classic", "--warm-start-steps", "4").toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("train warm start 4/4"), r.err());
        assertTrue(r.err().indexOf("train warm start 4/4") < r.err().indexOf("train iteration 1/2"), r.err());
        Checkpoint warmed = Checkpoint.load(model);
        assertEquals(2, warmed.iteration(), "the warm start's steps are not iterations of the run");
        assertEquals(TemperatureSchedule.END, TemperatureSchedule.resume(warmed.temperature()).beta(), 0,
                "after imitating at β 15 the run does not ramp from 1");
        assertEquals(0, warmed.temperature().delta(), 0);

        TesseraCommandTest.Run resumed = TesseraCommandTest.run(args(images, tiles, "3x3", model, "--steps", "3", "--resume",
                "--warm-start", "classic").toArray(String[]::new));
        assertEquals(2, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("--warm-start classic starts a new run"), resumed.err());
        assertEquals(2, Checkpoint.load(model).iteration());
    }

    private static long previews(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().matches("model-preview-\\d+\\.png")).count();
        }
    }
}
