package dev.tessera.render;

import dev.tessera.image.AtomicFile;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every mode produces: one template per cell of a columns × rows grid (row-major), with a
 * per-cell score (the match distance or loss; lower is better) and optionally a tint: each cell's
 * mean target colour and a strength A, so the renderer moves every pasted tile's mean colour a
 * fraction A of the way to its cell's (computed from the tile at the size it is pasted). It names the template set by content hash and template
 * names, so it can be re-rendered later and refused against a different set.
 *
 * <p>Saved as JSON ({@code .json}) or CSV ({@code .csv}, one line per cell); both reload exactly.
 */
public final class IndexMap {
    static final String FORMAT = "tessera-index-map";
    static final int VERSION = 1;

    private final int columns;
    private final int rows;
    private final int cellSize;
    private final int[] templates;
    private final float[] scores;
    private final float tint;
    private final float[] cellColours;
    private final String templateSetHash;
    private final List<String> templateNames;

    /**
     * @param cellSize source-image pixels per cell side (what the grid was analysed at)
     * @param tint strength 0..1 (0: tiles pasted as they are)
     * @param cellColours each cell's mean target colour, 3 floats per cell (sRGB 0..255); null when tint is 0
     */
    public IndexMap(int columns, int rows, int cellSize, int[] templates, float[] scores, float tint, float[] cellColours,
            String templateSetHash, List<String> templateNames) {
        if (templates == null || scores == null || templateSetHash == null || templateNames == null)
            throw new IllegalArgumentException("index map: " + (templates == null ? "templates" : scores == null ? "scores"
                    : templateSetHash == null ? "the template set's hash" : "the template names") + " missing");
        if (columns < 1 || rows < 1) throw new IllegalArgumentException("index map: grid " + columns + "x" + rows + " is empty");
        if ((long) columns * rows > Integer.MAX_VALUE)
            throw new IllegalArgumentException("index map: grid " + columns + "x" + rows + " has too many cells");
        int cells = columns * rows;
        if (templates.length != cells || scores.length != cells)
            throw new IllegalArgumentException("index map: " + cells + " cells but " + templates.length + " templates and "
                    + scores.length + " scores");
        if (!(tint >= 0 && tint <= 1)) throw new IllegalArgumentException("index map: tint " + tint + " is not in 0..1");
        if (tint > 0 && (cellColours == null || cellColours.length != 3 * cells))
            throw new IllegalArgumentException("index map: a tint needs 3 cell colours per cell (" + 3 * cells + " values)");
        for (int i = 0; i < cells; i++)
            if (templates[i] < 0 || templates[i] >= templateNames.size())
                throw new IllegalArgumentException("index map: cell " + i + " (row " + i / columns + ", column " + i % columns
                        + ") uses template " + templates[i] + " but the set has " + templateNames.size() + " (0.."
                        + (templateNames.size() - 1) + ")");
        this.columns = columns;
        this.rows = rows;
        this.cellSize = cellSize;
        this.templates = templates.clone();
        this.scores = scores.clone();
        this.tint = tint;
        this.cellColours = tint > 0 ? cellColours.clone() : null;
        this.templateSetHash = templateSetHash;
        this.templateNames = List.copyOf(templateNames);
    }

    public int columns() {
        return columns;
    }

    public int rows() {
        return rows;
    }

    public int cells() {
        return columns * rows;
    }

    public int cellSize() {
        return cellSize;
    }

    public int template(int row, int column) {
        return templates[row * columns + column];
    }

    public int template(int cell) {
        return templates[cell];
    }

    public float score(int cell) {
        return scores[cell];
    }

    /** Tint strength 0..1. */
    public float tint() {
        return tint;
    }

    /** Mean target colour of a cell (channel 0..2, sRGB 0..255); only when {@link #tint()} > 0. */
    public float cellColour(int cell, int channel) {
        if (cellColours == null) throw new IllegalStateException("index map has no tint, so no cell colours");
        return cellColours[3 * cell + channel];
    }

    public String templateSetHash() {
        return templateSetHash;
    }

    public List<String> templateNames() {
        return templateNames;
    }

    /** Number of distinct templates used. */
    public int distinctTemplates() {
        return (int) Arrays.stream(templates).distinct().count();
    }

    /** How often each template 0..N-1 is used. */
    public int[] uses() {
        int[] uses = new int[templateNames.size()];
        for (int t : templates) uses[t]++;
        return uses;
    }

    /** Throws unless this map was made with the template set identified by {@code hash}. */
    public void requireTemplateSet(String hash, String setDescription) {
        if (!templateSetHash.equals(hash))
            throw new IllegalArgumentException("index map was made with template set " + shortHash(templateSetHash)
                    + " but " + setDescription + " is " + shortHash(hash) + "; render it with the set it was made with");
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    // ---- files --------------------------------------------------------------------------------

    /** Writes JSON or CSV by the file's extension, atomically (temporary file, then rename). */
    public void save(Path file) {
        boolean csv = isCsv(file);
        try {
            AtomicFile.write(file, tmp -> {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    if (csv) writeCsv(w);
                    else gson().toJson(toJson(), w);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write index map " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a map saved by {@link #save}; malformed content is an IOException naming the file and what is wrong. */
    public static IndexMap load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such index map");
        try {
            return isCsv(file) ? readCsv(file) : fromJson(gson().fromJson(Files.readString(file), Json.class), file);
        } catch (JsonParseException | IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
            throw new IOException(file + ": not a valid Tessera index map (" + e.getMessage() + ")", e);
        } catch (CharacterCodingException e) {
            // The decoder's own message ("Input length = 1") names neither the file nor the problem.
            throw new IOException(file + ": not UTF-8 text (damaged, or not an index map)", e);
        }
    }

    private static boolean isCsv(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    private static Gson gson() {
        return new GsonBuilder().serializeSpecialFloatingPointValues().create();
    }

    /** The JSON layout. */
    static final class Json {
        String format;
        int version;
        int columns;
        int rows;
        int cellSize;
        String templateSetHash;
        List<String> templateNames;
        int[] templates;
        float[] scores;
        float tint;
        float[] cellColours;
    }

    private Json toJson() {
        Json j = new Json();
        j.format = FORMAT;
        j.version = VERSION;
        j.columns = columns;
        j.rows = rows;
        j.cellSize = cellSize;
        j.templateSetHash = templateSetHash;
        j.templateNames = templateNames;
        j.templates = templates;
        j.scores = scores;
        j.tint = tint;
        j.cellColours = cellColours;
        return j;
    }

    private static IndexMap fromJson(Json j, Path file) throws IOException {
        if (j == null || !FORMAT.equals(j.format)) throw new IOException(file + ": not a Tessera index map (no \"format\": \"" + FORMAT + "\")");
        if (j.version > VERSION)
            throw new IOException(file + ": index map format version " + j.version + " is newer than this Tessera reads (" + VERSION + "); upgrade Tessera");
        return new IndexMap(j.columns, j.rows, j.cellSize, j.templates, j.scores, j.tint, j.cellColours, j.templateSetHash,
                j.templateNames);
    }

    // CSV: '#'-comment header with the grid, tint and set, then "row,column,template,name,score[,cell_r,cell_g,cell_b]".
    private void writeCsv(Writer w) throws IOException {
        w.write("# " + FORMAT + " " + VERSION + "\n");
        w.write("# grid " + columns + " " + rows + " " + cellSize + "\n");
        w.write("# tint " + tint + "\n");
        w.write("# set " + templateSetHash + " " + templateNames.size() + "\n");
        for (String name : templateNames) w.write("# name " + quote(name) + "\n");
        w.write(cellColours == null ? "row,column,template,name,score\n" : "row,column,template,name,score,cell_r,cell_g,cell_b\n");
        for (int i = 0; i < cells(); i++) {
            w.write((i / columns) + "," + (i % columns) + "," + templates[i] + "," + quote(templateNames.get(templates[i])) + ","
                    + Float.toString(scores[i]));
            if (cellColours != null) w.write("," + cellColours[3 * i] + "," + cellColours[3 * i + 1] + "," + cellColours[3 * i + 2]);
            w.write("\n");
        }
    }

    private static IndexMap readCsv(Path file) throws IOException {
        int columns = -1, rows = -1, cellSize = -1, setSize = -1;
        String hash = null;
        List<String> names = new ArrayList<>();
        int[] templates = null;
        float[] scores = null, colours = null;
        float tint = 0;
        int line = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s = r.readLine();
            line++;
            if (s == null || !s.startsWith("# " + FORMAT + " ")) throw new IOException(file + ": not a Tessera index map CSV");
            if (Integer.parseInt(s.substring(FORMAT.length() + 3).trim()) > VERSION)
                throw new IOException(file + ": index map format is newer than this Tessera reads; upgrade Tessera");
            while ((s = r.readLine()) != null) {
                line++;
                if (s.startsWith("# grid ")) {
                    String[] f = fields(s.substring(7).trim().split(" "), 3, "'# grid COLUMNS ROWS CELLSIZE'", file, line);
                    columns = Integer.parseInt(f[0]);
                    rows = Integer.parseInt(f[1]);
                    cellSize = Integer.parseInt(f[2]);
                    if (columns < 1 || rows < 1 || cellSize < 1)
                        throw new IOException(file + ":" + line + ": the grid must have at least one column, row and pixel per cell, got "
                                + columns + " x " + rows + " cells of " + cellSize + " px");
                    int cells = Math.multiplyExact(columns, rows);
                    templates = new int[cells];
                    scores = new float[cells];
                    Arrays.fill(templates, -1);
                } else if (s.startsWith("# tint ")) {
                    tint = Float.parseFloat(s.substring(7).trim());
                } else if (s.startsWith("# set ")) {
                    String[] f = fields(s.substring(6).trim().split(" "), 2, "'# set HASH COUNT'", file, line);
                    hash = f[0];
                    setSize = Integer.parseInt(f[1]);
                } else if (s.startsWith("# name ")) {
                    names.add(unquote(s.substring(7)));
                } else if (templates == null && (s.startsWith("row,") || !s.isEmpty() && !s.startsWith("#"))) {
                    throw new IOException(file + ":" + line + ": cell lines before the '# grid' header line");
                } else if (s.startsWith("row,")) {
                    if (s.endsWith("cell_b")) colours = new float[3 * templates.length];
                } else if (!s.isEmpty()) {
                    List<String> f = splitCsv(s);
                    int want = colours != null ? 8 : 5;
                    if (f.size() < want)
                        throw new IOException(file + ":" + line + ": " + f.size() + " fields, expected " + want
                                + " (row,column,template,name,score" + (colours != null ? ",cell_r,cell_g,cell_b" : "") + ")");
                    int row = Integer.parseInt(f.get(0)), column = Integer.parseInt(f.get(1));
                    if (row < 0 || row >= rows || column < 0 || column >= columns)
                        throw new IOException(file + ":" + line + ": cell (row " + row + ", column " + column + ") is outside the "
                                + columns + " x " + rows + " grid");
                    int cell = row * columns + column;
                    templates[cell] = Integer.parseInt(f.get(2));
                    if (templates[cell] < 0)
                        throw new IOException(file + ":" + line + ": template " + templates[cell] + " is negative");
                    scores[cell] = Float.parseFloat(f.get(4));
                    if (colours != null)
                        for (int c = 0; c < 3; c++) colours[3 * cell + c] = Float.parseFloat(f.get(5 + c));
                }
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(file + ":" + line + ": " + e.getMessage(), e);
        }
        if (templates == null || hash == null) throw new IOException(file + ": missing '# grid' or '# set' header line");
        if (names.size() != setSize) throw new IOException(file + ": header says " + setSize + " templates but names " + names.size());
        for (int i = 0; i < templates.length; i++)
            if (templates[i] < 0) throw new IOException(file + ": no line for cell " + i + " (row " + i / columns + ", column " + i % columns + ")");
        return new IndexMap(columns, rows, cellSize, templates, scores, tint, colours, hash, names);
    }

    /** The header's fields, at least {@code n} of them, or an IOException naming the line and its form. */
    private static String[] fields(String[] f, int n, String form, Path file, int line) throws IOException {
        if (f.length < n) throw new IOException(file + ":" + line + ": expected " + form);
        return f;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String unquote(String s) {
        s = s.trim();
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') throw new IllegalArgumentException("unquoted name " + s);
        return s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }

    /** RFC 4180 fields: quoted fields may hold commas and doubled quotes. */
    private static List<String> splitCsv(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') quoted = false;
                else f.append(c);
            } else if (c == '"') quoted = true;
            else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else f.append(c);
        }
        out.add(f.toString());
        return out;
    }
}
