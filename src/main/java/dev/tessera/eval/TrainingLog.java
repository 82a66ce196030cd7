package dev.tessera.eval;

import dev.tessera.image.AtomicFile;
import dev.tessera.image.Images;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's numbers beside its checkpoint: {@code NAME.csv} gets one row per iteration
 * (iteration, loss, β, learning rate, images/s, then the loss's own terms), appended and flushed as
 * each step ends, and {@code NAME.png} is the {@link TrainingChart} of every row so far, redrawn on
 * request (when a checkpoint is written, and at the end). NAME is the checkpoint's file name
 * without {@code .tsr}.
 *
 * <p>A resumed run continues the file: rows after the iteration it resumes from were written by
 * steps whose checkpoint never came (a crash or a kill between checkpoints), so they are dropped
 * first, as is a last line cut short; the file then has each iteration at most once. That rewrite
 * and the chart go through {@link AtomicFile}; appended rows are whole lines, flushed before the
 * checkpoint of their iteration is written. Not thread-safe; use it from the training loop.
 */
public final class TrainingLog implements Closeable {
    /** The columns every log has, before the loss's terms. */
    public static final List<String> FIXED_COLUMNS = List.of("iteration", "loss", "beta", "learning_rate", "images_per_second");

    private final Path csv;
    private final Path chart;
    private final List<String> columns;
    private final List<double[]> rows;
    private final int dropped;
    private final BufferedWriter appender;

    private TrainingLog(Path csv, Path chart, List<String> columns, List<double[]> rows, int dropped) throws IOException {
        this.csv = csv;
        this.chart = chart;
        this.columns = columns;
        this.rows = rows;
        this.dropped = dropped;
        this.appender = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** {@code model.tsr} → {@code model.csv} in the same folder. */
    public static Path csvFor(Path checkpoint) {
        return sibling(checkpoint, ".csv");
    }

    /** {@code model.tsr} → {@code model.png} in the same folder. */
    public static Path chartFor(Path checkpoint) {
        return sibling(checkpoint, ".png");
    }

    /**
     * Opens the log of a checkpoint. {@code resumedFrom} is the iteration the run starts at: 0 for a
     * new run (any old log of that name is replaced), else the resumed checkpoint's iteration (rows
     * up to it are kept, later ones dropped). A kept log whose columns are not this run's (another
     * loss) is refused with an IllegalArgumentException naming the file, before anything is changed.
     */
    public static TrainingLog open(Path checkpoint, List<String> termNames, long resumedFrom) throws IOException {
        Path csv = csvFor(checkpoint), chart = chartFor(checkpoint);
        List<String> columns = new ArrayList<>(FIXED_COLUMNS);
        columns.addAll(termNames);
        String header = String.join(",", columns);
        List<double[]> kept = new ArrayList<>();
        int dropped = 0;
        if (resumedFrom > 0 && Files.exists(csv)) {
            String text = Files.readString(csv, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            // The last element is what follows the last newline: empty, or a line cut short.
            if (!lines.remove(lines.size() - 1).isEmpty()) dropped++;
            if (lines.isEmpty() || !lines.get(0).equals(header))
                throw new IllegalArgumentException(csv + " logs the columns " + (lines.isEmpty() ? "[]" : "[" + lines.get(0) + "]")
                        + ", not this run's [" + header + "] (another --loss?); move it away to start a new log");
            for (String line : lines.subList(1, lines.size())) {
                double[] row = parse(line, columns.size());
                if (row != null && row[0] <= resumedFrom) kept.add(row);
                else dropped++;
            }
        }
        StringBuilder content = new StringBuilder(header).append('\n');
        for (double[] row : kept) content.append(format(row)).append('\n');
        AtomicFile.writeString(csv, content.toString());
        return new TrainingLog(csv, chart, List.copyOf(columns), kept, dropped);
    }

    /**
     * Appends the row of one finished step and flushes it. {@code terms} are the loss's terms in the
     * order of the names given to {@link #open}; the iteration counts steps done (1 after the first).
     */
    public void append(long iteration, double loss, double beta, double learningRate, double imagesPerSecond, double[] terms)
            throws IOException {
        if (terms.length != columns.size() - FIXED_COLUMNS.size())
            throw new IllegalArgumentException("the log of " + csv + " has " + (columns.size() - FIXED_COLUMNS.size())
                    + " loss terms, not " + terms.length);
        double[] row = new double[columns.size()];
        row[0] = iteration;
        row[1] = loss;
        row[2] = beta;
        row[3] = learningRate;
        row[4] = imagesPerSecond;
        System.arraycopy(terms, 0, row, FIXED_COLUMNS.size(), terms.length);
        appender.write(format(row));
        appender.write('\n');
        appender.flush();
        rows.add(row);
    }

    /** Redraws the chart of every row so far (nothing is drawn before the first row). */
    public void writeChart(String title) {
        if (rows.isEmpty()) return;
        Images.write(TrainingChart.render(title, columns, rows), chart);
    }

    public Path csv() {
        return csv;
    }

    public Path chart() {
        return chart;
    }

    /** The header's names: {@link #FIXED_COLUMNS}, then the loss's terms. */
    public List<String> columns() {
        return columns;
    }

    /** Every row, the kept ones of a resumed log first; each has one value per column. */
    public List<double[]> rows() {
        return List.copyOf(rows);
    }

    /** Rows of a resumed log that were dropped when it was opened (after the resumed iteration, or cut short). */
    public int dropped() {
        return dropped;
    }

    @Override
    public void close() throws IOException {
        appender.close();
    }

    private static Path sibling(Path checkpoint, String extension) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".tsr") ? name.substring(0, name.length() - 4) : name;
        return checkpoint.resolveSibling(stem + extension);
    }

    /** A row, or null for a line that is not one (cut short by a crash, or damaged). */
    private static double[] parse(String line, int width) {
        String[] fields = line.split(",", -1);
        if (fields.length != width) return null;
        double[] row = new double[width];
        try {
            for (int i = 0; i < width; i++) row[i] = Double.parseDouble(fields[i]);
        } catch (NumberFormatException e) {
            return null;
        }
        return row;
    }

    /** The iteration as an integer, every other value at full double precision (NaN and Infinity as Java writes them). */
    private static String format(double[] row) {
        StringBuilder s = new StringBuilder(Long.toString((long) row[0]));
        for (int i = 1; i < row.length; i++) s.append(',').append(row[i]);
        return s.toString();
    }
}
