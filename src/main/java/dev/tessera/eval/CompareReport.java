package dev.tessera.eval;

import dev.tessera.image.AtomicFile;
import dev.tessera.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One input rendered several ways, and the one report on it (issue 8): {@code input.png} and
 * {@code MODE.png} for every mode, {@code report.png} (the contact sheet), {@code report.html} (the
 * figures table, verdict and images, readable offline) and {@code report.json} (the numbers).
 */
public final class CompareReport {
    private final String inputName;
    private final BufferedImage input;
    private final String setup;
    private final List<CompareEntry> entries;
    private final CompareVerdict verdict;

    /**
     * @param inputName what the input is called (its file name), for titles
     * @param input     the picture every mosaic was judged against (cropped to whole cells if it was)
     * @param setup     a line on the template set and grid, for people
     * @param entries   one per mode, in the order to show them; mode names distinct
     */
    public CompareReport(String inputName, BufferedImage input, String setup, List<CompareEntry> entries) {
        Set<String> seen = new HashSet<>();
        for (CompareEntry e : entries) {
            if (!seen.add(e.mode())) throw new IllegalArgumentException("mode '" + e.mode() + "' appears twice in one comparison");
            if (e.mode().equals("input") || e.mode().equals("report"))
                throw new IllegalArgumentException("mode name '" + e.mode() + "' would overwrite " + e.mode() + ".png");
        }
        this.inputName = inputName;
        this.input = input;
        this.setup = setup;
        this.entries = List.copyOf(entries);
        this.verdict = new CompareVerdict(entries.stream().map(CompareEntry::mode).toList(),
                entries.stream().map(CompareEntry::quality).toList());
    }

    public String inputName() {
        return inputName;
    }

    public BufferedImage input() {
        return input;
    }

    public String setup() {
        return setup;
    }

    public List<CompareEntry> entries() {
        return entries;
    }

    public CompareVerdict verdict() {
        return verdict;
    }

    /** Writes every file of the report into the folder (created if needed); the pages last, as they link the rest. */
    public void write(Path folder) {
        Images.write(input, folder.resolve("input.png"));
        for (CompareEntry e : entries) Images.write(e.mosaic(), folder.resolve(e.mode() + ".png"));
        Images.write(ReportSheet.of(input, entries), folder.resolve("report.png"));
        writeText(folder.resolve("report.json"), toJson());
        writeText(folder.resolve("report.html"), ReportPage.html(this));
    }

    /** The numbers for machines: every mode's figures at full precision (as {@link QualityReport#toJson}), time and files. */
    public String toJson() {
        StringBuilder s = new StringBuilder("{\"input\": ").append(string(inputName))
                .append(", \"width\": ").append(input.getWidth()).append(", \"height\": ").append(input.getHeight())
                .append(", \"setup\": ").append(string(setup)).append(", \"modes\": [");
        for (CompareEntry e : entries) {
            if (e != entries.get(0)) s.append(", ");
            s.append("{\"mode\": ").append(string(e.mode()))
                    .append(", \"description\": ").append(string(e.description()))
                    .append(", \"image\": ").append(string(e.mode() + ".png"))
                    .append(", \"indexMap\": ").append(e.indexMap() == null ? "null" : string(e.indexMap()))
                    .append(", \"seconds\": ").append(String.format(Locale.ROOT, "%.3f", e.seconds()))
                    .append(", \"quality\": ").append(e.quality().toJson()).append('}');
        }
        return s.append("], \"verdict\": ").append(string(verdict.sentence())).append("}\n").toString();
    }

    /** A JSON string literal. */
    static String string(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    /** Atomically, like the images: a reader never sees half a page. */
    private static void writeText(Path file, String text) {
        try {
            AtomicFile.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
