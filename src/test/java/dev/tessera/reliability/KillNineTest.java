package dev.tessera.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import dev.tessera.testing.TestPictures;
import dev.tessera.train.Checkpoint;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments: the real CLI runs in a child JVM and is killed outright
 * ({@link Process#destroyForcibly()}, SIGKILL on Linux: no shutdown hook, no finally) at a seeded
 * random moment once it has begun its work: a delay, or a share of its output written, so that the
 * kill lands inside the work on a quiet machine as on a busy one. What it leaves must be whole (a checkpoint that loads,
 * PNGs that decode to the last row, index maps that load) or absent, never half a file under an
 * output's name, and a rerun must finish the job and leave no temporary file behind. The seed is
 * fresh each run and printed; {@code -Dtessera.killSeed=S} replays the choices (not the child's
 * timing, which the machine decides).
 */
class KillNineTest {
    private static final long SEED = Long.getLong("tessera.killSeed", System.nanoTime());
    private static final int KILLS = 6;
    private static final int BATCH_TRIALS = 3;
    private static final int RENDER_TRIALS = 2;
    /** A child that has not reached its work by then is stuck, not slow (start-up is 1–5 s here). */
    private static final long START_TIMEOUT_MS = 60_000;

    @TempDir
    Path dir;

    /**
     * One training run killed {@value #KILLS} times in a row, each time resumed from what the kill
     * left (or started afresh when it left no checkpoint), then run to its end. 64 templates make a
     * checkpoint of 2.5 MB (weights and Adam's moments) written and forced to disk at every step at
     * 16², so that a good share of the kills land in the middle of a save: with a checkpoint written
     * in place instead of renamed, this test failed in each of three runs.
     */
    @Test
    void killedTrainingLeavesALoadableCheckpointThatResumes() throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED ^ 1);
        Path images = dir.resolve("images");
        for (int i = 0; i < 3; i++) TestPictures.gradientsAndNoise(images.resolve("p" + i + ".png"), 32, 32, i);
        Path tiles = TestPictures.gradientsAndNoise(dir.resolve("tiles.png"), 64, 64, 9);
        Path folder = dir.resolve("train");
        Path model = folder.resolve("model.tsr");
        List<String> args = List.of("train", "--images", images.toString(), "--grid", tiles.toString(), "--grid-tiles", "8x8", "-o",
                model.toString(), "--size", "16", "--batch", "1", "--vgg", "seeded", "--seed", "1", "--checkpoint-every", "1");
        long iteration = 0;
        int leftovers = 0;
        List<String> kills = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            List<String> child = new ArrayList<>(args);
            if (iteration > 0) child.add("--resume");
            // Far more steps than the kill leaves time for: every kill lands in the middle of training.
            child.addAll(List.of("--steps", "100000"));
            long delay = rnd.nextLong(0, 1200);
            // Timed from the last line before the loop (the resume line, or the run's summary when fresh):
            // an earlier line (a warning about --size) let a 10 ms kill land before the resume was logged.
            String log = runAndKill(child, folder.resolve("kill-" + kill + ".log"),
                    iteration > 0 ? "tessera train: resuming " : "images at ", delay);
            String where = String.format(Locale.ROOT, "kill %d, %d ms into training (seed %d); its log:%n%s", kill, delay, SEED, log);
            if (iteration > 0)
                assertTrue(log.contains("resuming " + model + " from iteration " + iteration + ","), where);

            List<Path> temporaries = temporaryFiles(folder);
            leftovers += temporaries.size();
            List<Path> outputs = listing(folder).stream()
                    .filter(p -> !temporaries.contains(p) && !p.getFileName().toString().endsWith(".log")).toList();
            // Besides the checkpoint, only training's own side files, each whole: the CSV log (rows
            // are appended; a resume drops a cut-short last line and rows past the checkpoint),
            // the chart and previews (written atomically, so they decode).
            List<Path> sideFiles = outputs.stream().filter(p -> !p.equals(model)).toList();
            for (Path side : sideFiles) {
                String name = side.getFileName().toString();
                assertTrue(name.equals("model.csv") || name.equals("model.png") || name.matches("model-preview-\\d+\\.png"),
                        "unexpected output " + side + "; " + where);
                if (name.endsWith(".png")) Images.readIntact(side);
            }
            outputs = outputs.stream().filter(p -> !sideFiles.contains(p)).toList();
            if (Files.exists(model)) {
                // Nothing but the checkpoint under a name a user sees, and it is whole, finite and at or past the last one.
                assertEquals(List.of(model), outputs, where);
                Checkpoint saved = Checkpoint.load(model);
                assertTrue(saved.iteration() >= Math.max(1, iteration), "iteration " + saved.iteration() + "; " + where);
                assertTrue(saved.finite(), where);
                assertTrue(saved.optimizerState() != null, where);
                try (Decoder d = saved.decoder()) {
                    assertEquals(64, d.templates(), where);
                }
                iteration = saved.iteration();
            } else {
                // Killed before its first checkpoint: nothing under the output's name, and the next run starts afresh.
                assertEquals(List.of(), outputs, where);
            }
            kills.add(delay + " ms -> " + (iteration > 0 ? "iteration " + iteration : "none"));
        }
        List<String> finish = new ArrayList<>(args);
        if (iteration > 0) finish.add("--resume");
        finish.addAll(List.of("--steps", Long.toString(iteration + 2)));
        Child done = run(finish, folder.resolve("finish.log"));
        assertEquals(0, done.exit(), done.log());
        if (iteration > 0) assertTrue(done.log().contains("resuming " + model + " from iteration " + iteration + ","), done.log());
        assertEquals(iteration + 2, Checkpoint.load(model).iteration());
        assertEquals(List.of(), temporaryFiles(folder), "the last run left temporary files");
        // The log of all those runs has each iteration once, in order, however the kills fell.
        List<String> rows = Files.readAllLines(folder.resolve("model.csv"));
        List<Long> logged = rows.subList(1, rows.size()).stream().map(r -> Long.parseLong(r.substring(0, r.indexOf(',')))).toList();
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, iteration + 2).boxed().toList();
        assertEquals(expected, logged, "iterations in model.csv (seed " + SEED + ")");
        System.out.printf("kill -9 train: %d kills, %d temporary files seen after them, none after the last run; %s; finished at"
                + " iteration %d (seed %d)%n", KILLS, leftovers, kills, iteration + 2, SEED);
    }

    /**
     * A classic batch of 40 pictures into 1280×960 PNG mosaics (with their index maps, text and
     * HTML), killed {@value #BATCH_TRIALS} times after a random number of mosaics, each time rerun
     * without --overwrite.
     * With mosaics streamed straight to their final names this test failed in each of two runs.
     */
    @Test
    void killedBatchLeavesOnlyWholeOutputsAndARerunFinishesTheRest() throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED ^ 2);
        Path in = dir.resolve("in");
        int count = 40;
        List<String> stems = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            stems.add(String.format(Locale.ROOT, "p%02d", i));
            TestPictures.gradientsAndNoise(in.resolve(stems.get(i) + ".png"), 160, 120, i);
        }
        int killedMidway = 0, leftovers = 0;
        List<String> trials = new ArrayList<>();
        for (int trial = 0; trial < BATCH_TRIALS; trial++) {
            Path out = dir.resolve("out-" + trial);
            // 4-px cells of 32-px tiles: 1280×960 mosaics, so the kill often lands in the middle of writing one.
            List<String> args = List.of("classic", in.toString(), "-o", out.toString(), "--cell", "4", "--tile", "32", "-j", "2");
            // Killed by progress, not by the clock, so that the kill lands inside the batch on a fast machine as on a busy one:
            // once `written` mosaics exist, plus up to 40 ms (two to four more mosaics in flight at -j 2).
            int written = rnd.nextInt(0, count - 8);
            long delay = rnd.nextLong(0, 40);
            String log = runAndKill(args, dir.resolve("classic-" + trial + ".log"),
                    l -> l.contains("tessera classic: ") && mosaicsIn(out) >= written, delay);
            String where = String.format(Locale.ROOT, "trial %d, killed %d ms after mosaic %d (seed %d); its log:%n%s", trial, delay,
                    written, SEED, log);

            List<Path> temporaries = temporaryFiles(out);
            leftovers += temporaries.size();
            int whole = 0;
            for (Path p : listing(out)) {
                if (temporaries.contains(p)) continue;
                String name = p.getFileName().toString();
                assertTrue(stems.contains(name.substring(0, name.lastIndexOf('.'))), "unexpected file " + p + "; " + where);
                if (name.endsWith(".png")) {
                    requireWholeMosaic(p, where);
                    whole++;
                } else if (name.endsWith(".json")) {
                    assertEquals(40 * 30, IndexMap.load(p).cells(), where);
                }
            }
            if (whole > 0 && whole < count) killedMidway++;
            trials.add(written + " + " + delay + " ms -> " + whole + " mosaics");

            Child rerun = run(args, dir.resolve("classic-" + trial + "-rerun.log"));
            assertEquals(0, rerun.exit(), where + "\nrerun:\n" + rerun.log());
            assertTrue(rerun.log().contains("classic: " + (count - whole) + " written, " + whole + " skipped, 0 failed"), rerun.log());
            for (String stem : stems) {
                requireWholeMosaic(out.resolve(stem + ".png"), where);
                for (String ext : new String[] {"json", "txt", "html"}) assertTrue(Files.isRegularFile(out.resolve(stem + "." + ext)), stem + "." + ext);
            }
            assertEquals(List.of(), temporaryFiles(out), "the rerun left temporary files; " + where);
            assertEquals(4 * count, listing(out).size(), where);
        }
        System.out.printf("kill -9 classic batch: %d trials, %d killed with some but not all mosaics written, %d temporary files left by"
                + " the kills and removed by the reruns; %s (seed %d)%n", BATCH_TRIALS, killedMidway, leftovers, trials, SEED);
    }

    /**
     * `render --index` over an existing mosaic (a 3072×2304 PNG, streamed), killed {@value #RENDER_TRIALS}
     * times once its temporary file holds a random 5–90% of the final size: the previous mosaic must
     * still be there, byte for byte, and a rerun must write the same mosaic again and leave no
     * temporary file.
     */
    @Test
    void killedRenderOverAnExistingMosaicLeavesThePreviousOneWhole() throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED ^ 3);
        TemplateSet glyphs = TemplateSet.defaultGlyphs();
        int columns = 128, rows = 96;
        int[] templates = new int[columns * rows];
        SplittableRandom cells = new SplittableRandom(7);
        for (int i = 0; i < templates.length; i++) templates[i] = cells.nextInt(glyphs.count());
        Path map = dir.resolve("map.json");
        new IndexMap(columns, rows, 8, templates, new float[templates.length], 0, null, glyphs.contentHash(), glyphs.names()).save(map);
        Path out = dir.resolve("render/mosaic.png");
        List<String> args = List.of("render", "--index", map.toString(), "-t", "glyphs", "--tile", "24", "-o", out.toString());
        Child first = run(args, dir.resolve("render-first.log"));
        assertEquals(0, first.exit(), first.log());
        byte[] whole = Files.readAllBytes(out);
        BufferedImage img = Images.readIntact(out);
        assertEquals(3072, img.getWidth());
        assertEquals(2304, img.getHeight());
        List<String> trials = new ArrayList<>();
        for (int trial = 0; trial < RENDER_TRIALS; trial++) {
            long at = (long) (whole.length * rnd.nextDouble(0.05, 0.9));
            // Ready once `at` bytes of the new mosaic are written, wherever they go: a writer that rewrote the mosaic in place
            // would be killed as surely as one that writes a temporary file.
            String log = runAndKill(args, dir.resolve("render-" + trial + ".log"),
                    l -> temporaryBytes(out.getParent()) >= at || sizeOf(out) >= at && sizeOf(out) < whole.length, 0);
            String where = String.format(Locale.ROOT, "trial %d, killed at %d of %d bytes (seed %d); its log:%n%s", trial, at,
                    whole.length, SEED, log);
            assertArrayEquals(whole, Files.readAllBytes(out), "the previous mosaic changed; " + where);
            List<Path> temporaries = temporaryFiles(out.getParent());
            assertEquals(1, temporaries.size(), where);
            trials.add(at + " -> " + Files.size(temporaries.get(0)) + " bytes written");
            Child again = run(args, dir.resolve("render-" + trial + "-rerun.log"));
            assertEquals(0, again.exit(), where + "\nrerun:\n" + again.log());
            assertArrayEquals(whole, Files.readAllBytes(out), where);
            assertEquals(List.of(), temporaryFiles(out.getParent()), "the rerun left temporary files; " + where);
        }
        System.out.printf("kill -9 render --index: %d trials over a %d-byte mosaic, killed with %s; the previous mosaic intact each time"
                + " (seed %d)%n", RENDER_TRIALS, whole.length, trials, SEED);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return -1;
        }
    }

    private static long temporaryBytes(Path folder) throws IOException {
        long bytes = 0;
        for (Path p : temporaryFiles(folder)) {
            try {
                bytes += Files.size(p);
            } catch (NoSuchFileException renamed) {
                // finished between the listing and the size: nothing left to wait for
                return Long.MAX_VALUE;
            }
        }
        return bytes;
    }

    private static void requireWholeMosaic(Path png, String where) throws IOException {
        BufferedImage img = Images.readIntact(png); // refuses a file cut short
        assertEquals(1280, img.getWidth(), png + "; " + where);
        assertEquals(960, img.getHeight(), png + "; " + where);
    }

    private record Child(int exit, String log) {}

    /** The CLI in a child JVM, as the launcher runs it, on one LibTorch thread (the machine is shared). */
    private static ProcessBuilder cli(List<String> args, Path log) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.tessera.cli.Main"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb;
    }

    private static Child run(List<String> args, Path log) throws Exception {
        Files.createDirectories(log.getParent());
        Process p = cli(args, log).start();
        if (!p.waitFor(START_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            fail("tessera " + args + " did not finish in " + START_TIMEOUT_MS + " ms:\n" + Files.readString(log));
        }
        return new Child(p.exitValue(), Files.readString(log));
    }

    /** When a child is far enough along to be killed. */
    private interface Ready {
        boolean now(String log) throws IOException;
    }

    /**
     * Starts the CLI, waits until its log shows {@code started} (the line a command prints when its
     * work begins), sleeps {@code delayMs} and kills it with SIGKILL; returns its log.
     */
    private static String runAndKill(List<String> args, Path log, String started, long delayMs) throws Exception {
        return runAndKill(args, log, l -> l.contains(started), delayMs);
    }

    /** Starts the CLI, polls {@code ready} every 2 ms, then sleeps {@code delayMs} and kills it with SIGKILL; returns its log. */
    private static String runAndKill(List<String> args, Path log, Ready ready, long delayMs) throws Exception {
        Files.createDirectories(log.getParent());
        Process p = cli(args, log).start();
        try {
            long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000;
            while (!ready.now(Files.readString(log))) {
                if (!p.isAlive()) fail("tessera " + args + " ended (exit " + p.exitValue() + ") before the kill:\n" + Files.readString(log));
                if (System.nanoTime() > deadline) fail("tessera " + args + " was not ready for the kill within " + START_TIMEOUT_MS + " ms");
                Thread.sleep(2);
            }
            Thread.sleep(delayMs);
            assertTrue(p.isAlive(), "tessera " + args + " finished before the kill at " + delayMs + " ms:\n" + Files.readString(log));
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        assertEquals(137, p.exitValue(), "not killed by SIGKILL");
        return Files.readString(log);
    }

    private static long mosaicsIn(Path folder) throws IOException {
        return listing(folder).stream().filter(p -> p.getFileName().toString().endsWith(".png")).count();
    }

    private static List<Path> listing(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    /** What a killed writer leaves: its temporary files, hidden and ending in .part, never an output's name. */
    private static List<Path> temporaryFiles(Path folder) throws IOException {
        return listing(folder).stream().filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".part"))
                .toList();
    }
}
