package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {
    private static final List<String> TERMS = List.of("colour_s0", "structure_s0");
    private static final String HEADER = "iteration,loss,beta,learning_rate,images_per_second,colour_s0,structure_s0";

    @TempDir
    Path dir;

    /** Appends iterations from..to with random values, returning the rows as the log should hold them. */
    private static List<double[]> appendRows(TrainingLog log, long from, long to, SplittableRandom rnd) throws Exception {
        List<double[]> rows = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            double a = rnd.nextDouble(), b = rnd.nextDouble();
            double[] row = {i, a + b, 1 + 0.5 * i, 6e-6 * Math.pow(0.96, i / 100), 3 + rnd.nextDouble(), a, b};
            log.append(i, row[1], row[2], row[3], row[4], new double[] {a, b});
            rows.add(row);
        }
        return rows;
    }

    private static String csvOf(List<double[]> rows) {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        for (double[] r : rows) {
            s.append((long) r[0]);
            for (int i = 1; i < r.length; i++) s.append(',').append(r[i]);
            s.append('\n');
        }
        return s.toString();
    }

    @Test
    void rowsAreAppendedBesideTheCheckpointAtFullPrecision() throws Exception {
        Path model = dir.resolve("run/model.tsr");
        Files.createDirectories(model.getParent());
        SplittableRandom rnd = new SplittableRandom();
        List<double[]> rows;
        try (TrainingLog log = TrainingLog.open(model, TERMS, 0)) {
            assertEquals(dir.resolve("run/model.csv"), log.csv());
            assertEquals(dir.resolve("run/model.png"), log.chart());
            assertEquals(HEADER + "\n", Files.readString(log.csv()), "the header is there before the first step");
            rows = appendRows(log, 1, 5, rnd);
            // Flushed per row: the file is complete while the log is still open.
            assertEquals(csvOf(rows), Files.readString(log.csv()));
            assertEquals(5, log.rows().size());
            for (int i = 0; i < 5; i++) assertArrayEquals(rows.get(i), log.rows().get(i), 0);
            assertThrows(IllegalArgumentException.class, () -> log.append(6, 1, 1, 1, 1, new double[] {1}));
        }
        assertEquals(dir.resolve("x/other.csv"), TrainingLog.csvFor(dir.resolve("x/other")), "no .tsr: the name is kept whole");
    }

    @Test
    void resumingDropsRowsAfterTheCheckpointAndALineCutShort() throws Exception {
        Path model = dir.resolve("model.tsr");
        SplittableRandom rnd = new SplittableRandom();
        List<double[]> rows;
        try (TrainingLog log = TrainingLog.open(model, TERMS, 0)) {
            rows = appendRows(log, 1, 7, rnd);
        }
        // The process died while writing row 8; the last checkpoint is of iteration 5.
        Files.writeString(TrainingLog.csvFor(model), "8,0.123,5.", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        try (TrainingLog log = TrainingLog.open(model, TERMS, 5)) {
            assertEquals(3, log.dropped(), "rows 6 and 7, and the cut line");
            assertEquals(csvOf(rows.subList(0, 5)), Files.readString(log.csv()));
            List<double[]> more = appendRows(log, 6, 9, rnd);
            List<double[]> all = new ArrayList<>(rows.subList(0, 5));
            all.addAll(more);
            assertEquals(csvOf(all), Files.readString(log.csv()));
            List<Long> iterations = log.rows().stream().map(r -> (long) r[0]).toList();
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), iterations, "each iteration once, in order");
        }
    }

    @Test
    void aNewRunReplacesAnOldLogAndAResumeMissingItsLogStartsOne() throws Exception {
        Path model = dir.resolve("model.tsr");
        try (TrainingLog log = TrainingLog.open(model, TERMS, 0)) {
            appendRows(log, 1, 3, new SplittableRandom());
        }
        try (TrainingLog log = TrainingLog.open(model, TERMS, 0)) {
            assertEquals(0, log.rows().size());
            assertEquals(HEADER + "\n", Files.readString(log.csv()));
        }
        Files.delete(TrainingLog.csvFor(model));
        try (TrainingLog log = TrainingLog.open(model, TERMS, 40)) {
            assertEquals(0, log.dropped());
            assertEquals(HEADER + "\n", Files.readString(log.csv()));
        }
    }

    @Test
    void aLogWithOtherColumnsIsRefusedAndLeftAlone() throws Exception {
        Path model = dir.resolve("model.tsr");
        try (TrainingLog log = TrainingLog.open(model, List.of("relu1_1"), 0)) {
            log.append(1, 2, 1, 6e-6, 3, new double[] {2});
        }
        String before = Files.readString(TrainingLog.csvFor(model));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingLog.open(model, TERMS, 1));
        assertTrue(e.getMessage().contains(TrainingLog.csvFor(model).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("another --loss"), e.getMessage());
        assertEquals(before, Files.readString(TrainingLog.csvFor(model)));
    }

    @Test
    void theChartIsAPngOfTheStatedSizeEvenWithValuesALogAxisCannotShow() throws Exception {
        Path model = dir.resolve("model.tsr");
        try (TrainingLog log = TrainingLog.open(model, TERMS, 0)) {
            log.writeChart("empty");
            assertFalse(Files.exists(log.chart()), "no chart before the first row");
            appendRows(log, 1, 30, new SplittableRandom());
            log.append(31, Double.NaN, 16, 6e-6, 3, new double[] {0, -1e-3}); // a diverged step, a term at zero and below
            log.writeChart("tessera train: model.tsr");
            byte[] png = Files.readAllBytes(log.chart());
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(png, 8));
            BufferedImage chart = ImageIO.read(log.chart().toFile());
            assertEquals(TrainingChart.WIDTH, chart.getWidth());
            assertEquals(TrainingChart.HEIGHT, chart.getHeight());
            // Lines and text, not a blank canvas: well over 1% of the pixels are neither white nor the light grid grey.
            int inked = 0;
            for (int y = 0; y < chart.getHeight(); y++)
                for (int x = 0; x < chart.getWidth(); x++) if ((chart.getRGB(x, y) & 0xffffff) < 0xc0c0c0) inked++;
            assertTrue(inked > TrainingChart.WIDTH * TrainingChart.HEIGHT / 100, "inked pixels " + inked);
        }
    }
}
