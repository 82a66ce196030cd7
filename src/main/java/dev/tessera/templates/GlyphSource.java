package dev.tessera.templates;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Glyph templates: characters of a monospaced font, ink on paper, drawn at each prepared size from
 * the outlines (see {@link GlyphFace}). With several ink colours every character comes in each
 * colour (coloured ASCII art); blank characters such as space come once, as plain paper.
 *
 * <pre>{@code
 * TemplateSet glyphs = new GlyphSource().characters("@%#*+=-:. ").foregrounds(List.of(0x000000, 0xcc0000)).build();
 * }</pre>
 */
public final class GlyphSource {
    /**
     * The method's default characters: the reference code's list of 62, in its order (its
     * backslash after Q included) with space last.
     */
    public static final String DEFAULT_CHARACTERS = "1234567890-_+=~Q\\WERTYUIOP[]{}|ASDFGHJKLZXCVBNM<>/?!@#$%^&*() ";
    /** Where the bundled font lives: Maven jar net.sf.jasperreports:jasperreports-fonts. */
    static final String BUNDLED_FONT = "/net/sf/jasperreports/fonts/dejavu/DejaVuSansMono.ttf";
    static final String BUNDLED_FONT_LABEL = "DejaVu Sans Mono";

    private String characters = DEFAULT_CHARACTERS;
    private List<Integer> foregrounds = List.of(0x000000);
    private int background = 0xffffff;
    private Path fontFile;
    private int analysisSize = TemplateSet.DEFAULT_ANALYSIS_SIZE;
    private List<Integer> sizes = TemplateSet.DEFAULT_SIZES;

    /** The characters, one template each (per ink colour), in this order; duplicates are refused. */
    public GlyphSource characters(String characters) {
        this.characters = characters;
        return this;
    }

    /** Ink colours, 0xRRGGBB (default black). */
    public GlyphSource foregrounds(List<Integer> rgb) {
        this.foregrounds = rgb.stream().map(c -> c & 0xffffff).toList();
        return this;
    }

    /** Paper colour, 0xRRGGBB (default white). */
    public GlyphSource background(int rgb) {
        this.background = rgb & 0xffffff;
        return this;
    }

    /** A TrueType/OpenType font file instead of the bundled DejaVu Sans Mono; null for the bundled one. */
    public GlyphSource font(Path file) {
        this.fontFile = file;
        return this;
    }

    /** Side of the templates the network sees (default 8). */
    public GlyphSource analysisSize(int size) {
        this.analysisSize = size;
        return this;
    }

    /** Sizes to prepare besides the analysis size (default 8, 16, 32, 64); others are drawn on request. */
    public GlyphSource sizes(Collection<Integer> sizes) {
        this.sizes = List.copyOf(sizes);
        return this;
    }

    /** The method's default set: {@link #DEFAULT_CHARACTERS} in black on white, bundled font, default sizes. */
    public static TemplateSet defaultSet() {
        try {
            return new GlyphSource().build();
        } catch (IOException e) {
            throw new IllegalStateException("the bundled font cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Draws the set.
     *
     * @throws IOException the font file cannot be read or is not a font
     * @throws IllegalArgumentException no characters, a character listed twice, one the font lacks, no ink colour
     */
    public TemplateSet build() throws IOException {
        int[] codePoints = characters.codePoints().toArray();
        if (codePoints.length == 0) throw new IllegalArgumentException("no characters given for the glyph set");
        if (foregrounds.isEmpty()) throw new IllegalArgumentException("no ink colour given for the glyph set");
        Set<Integer> seen = new HashSet<>();
        for (int cp : codePoints)
            if (!seen.add(cp)) throw new IllegalArgumentException("character " + describe(cp) + " is listed twice; list each once");
        if (new HashSet<>(foregrounds).size() != foregrounds.size())
            throw new IllegalArgumentException("an ink colour is listed twice: " + hexList(foregrounds));
        Font font = fontFile == null ? bundledFont() : fontFromFile(fontFile);
        String label = fontFile == null ? BUNDLED_FONT_LABEL : font.getFontName(Locale.ROOT);
        for (int cp : codePoints)
            if (!new Glyph(cp, 0).blank() && !font.canDisplay(cp))
                throw new IllegalArgumentException("character " + describe(cp) + " has no glyph in " + label
                        + (fontFile == null ? "" : " (" + fontFile + ")") + "; drop it or choose another font");

        boolean oneInk = foregrounds.size() == 1;
        List<Glyph> glyphs = new ArrayList<>();
        List<String> ids = new ArrayList<>(), names = new ArrayList<>();
        for (int ink : foregrounds)
            for (int cp : codePoints) {
                Glyph glyph = new Glyph(cp, ink);
                if (glyph.blank() && ink != foregrounds.get(0)) continue;
                glyphs.add(glyph);
                String colour = String.format("#%06x", ink);
                ids.add(String.format("U+%04X", cp) + (oneInk || glyph.blank() ? "" : colour));
                names.add(displayName(cp) + (oneInk || glyph.blank() ? "" : " " + colour));
            }
        GlyphFace face = new GlyphFace(font, label, fontFile == null ? null : fontFile.toAbsolutePath(), glyphs, background);
        Map<Integer, int[]> tiles = new LinkedHashMap<>();
        for (int size : allSizes(analysisSize, sizes)) tiles.put(size, face.render(size));
        String description = glyphs.size() + " glyphs, " + label + ", " + hexList(foregrounds) + " on " + String.format("#%06x", background);
        return new TemplateSet(description, ids, names, analysisSize, tiles, glyphs, background, face);
    }

    /** The analysis size and the requested sizes, ascending, each checked. */
    static TreeSet<Integer> allSizes(int analysisSize, Collection<Integer> sizes) {
        TreeSet<Integer> all = new TreeSet<>();
        all.add(TemplateSet.checkSize(analysisSize));
        for (int s : sizes) all.add(TemplateSet.checkSize(s));
        return all;
    }

    static Font bundledFont() throws IOException {
        try (InputStream in = GlyphSource.class.getResourceAsStream(BUNDLED_FONT)) {
            if (in == null)
                throw new IOException(BUNDLED_FONT + " is not on the classpath; it comes from the Maven jar "
                        + "net.sf.jasperreports:jasperreports-fonts (rebuild with mvn package)");
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (FontFormatException e) {
            throw new IOException(BUNDLED_FONT + ": not a usable font (" + e.getMessage() + ")", e);
        }
    }

    static Font fontFromFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such font file");
        try {
            return Font.createFont(Font.TRUETYPE_FONT, file.toFile());
        } catch (FontFormatException e) {
            throw new IOException(file + ": not a TrueType/OpenType font (" + e.getMessage() + "); give a .ttf or .otf file", e);
        }
    }

    private static String displayName(int cp) {
        if (cp == ' ') return "space";
        if (new Glyph(cp, 0).blank() || Character.isISOControl(cp)) return String.format("U+%04X", cp);
        return new String(Character.toChars(cp));
    }

    private static String describe(int cp) {
        return "'" + new String(Character.toChars(cp)) + "' (" + String.format("U+%04X", cp) + ")";
    }

    private static String hexList(List<Integer> colours) {
        List<String> hex = new ArrayList<>();
        for (int c : colours) hex.add(String.format("#%06x", c & 0xffffff));
        return String.join(" ", hex);
    }
}
