package dev.tessera.templates;

import dev.tessera.image.AtomicFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A mosaic of glyphs written as text: {@code .txt} with one character per cell, and {@code .html}
 * that keeps the ink and paper colours. The mosaic is a grid of template indices, row-major
 * ({@code indices[y * width + x]}), as an index map holds it.
 *
 * <p>Text cells are about twice as tall as wide in an editor; the HTML spaces its letters so
 * cells are square, as in the rendered mosaic.
 */
public final class GlyphText {
    private final TemplateSet set;

    /** @throws IllegalArgumentException the set is not made of glyphs */
    public GlyphText(TemplateSet glyphs) {
        if (!glyphs.isGlyphSet())
            throw new IllegalArgumentException("'" + glyphs.description() + "' is made of pictures, not glyphs; it has no text form");
        this.set = glyphs;
    }

    /**
     * True when the set is anything but black ink on white paper, so the plain text loses what the
     * mosaic shows and the HTML is worth writing.
     */
    public boolean coloured() {
        if (set.background() != 0xffffff) return true;
        for (int i = 0; i < set.count(); i++)
            if (!set.glyph(i).blank() && set.glyph(i).foreground() != 0x000000) return true;
        return false;
    }

    /** One line per row, one character per cell, each line ending in '\n'. */
    public String text(int[] indices, int width) {
        int height = checkGrid(indices, width);
        StringBuilder out = new StringBuilder(indices.length + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) out.append(character(indices[y * width + x]));
            out.append('\n');
        }
        return out.toString();
    }

    /** A standalone HTML page: the text in a {@code <pre>} on the paper colour, each run of one ink in a span. */
    public String html(int[] indices, int width) {
        int height = checkGrid(indices, width);
        String paper = hex(set.background());
        String font = set.face() == null ? "" : "\"" + set.face().fontLabel() + "\",";
        StringBuilder out = new StringBuilder(indices.length * 2 + 512)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Tessera glyph mosaic ")
                .append(width).append('×').append(height).append("</title>\n<style>\n")
                .append("body{margin:0;background:").append(paper).append("}\n")
                // Monospace letters are about 0.6em wide; 0.4em of spacing makes 1em-square cells.
                .append("pre{margin:0;padding:1em;font-family:").append(font).append("monospace;")
                .append("font-size:12px;line-height:1;letter-spacing:0.4em;background:").append(paper).append("}\n")
                .append("</style></head><body><pre>");
        for (int y = 0; y < height; y++) {
            int ink = -1;
            for (int x = 0; x < width; x++) {
                int t = indices[y * width + x];
                Glyph g = set.glyph(t);
                if (!g.blank() && g.foreground() != ink) {
                    if (ink >= 0) out.append("</span>");
                    ink = g.foreground();
                    out.append("<span style=\"color:").append(hex(ink)).append("\">");
                }
                escape(character(t), out);
            }
            if (ink >= 0) out.append("</span>");
            out.append('\n');
        }
        return out.append("</pre></body></html>\n").toString();
    }

    /** Writes {@link #text} to a file, replacing it atomically. */
    public void writeText(Path file, int[] indices, int width) throws IOException {
        write(file, text(indices, width));
    }

    /** Writes {@link #html} to a file, replacing it atomically. */
    public void writeHtml(Path file, int[] indices, int width) throws IOException {
        write(file, html(indices, width));
    }

    private String character(int template) {
        Glyph g = set.glyph(template);
        return g.blank() ? " " : g.text();
    }

    private int checkGrid(int[] indices, int width) {
        if (width < 1 || indices.length % width != 0)
            throw new IllegalArgumentException(indices.length + " cells do not make rows of width " + width);
        for (int i = 0; i < indices.length; i++)
            if (indices[i] < 0 || indices[i] >= set.count())
                throw new IllegalArgumentException("cell (" + i % width + ", " + i / width + ") holds template " + indices[i]
                        + ", but the set has " + set.count() + " (0.." + (set.count() - 1) + "); was the mosaic made with another set?");
        return indices.length / width;
    }

    private static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                default -> out.append(c);
            }
        }
    }

    private static String hex(int rgb) {
        return String.format("#%06x", rgb & 0xffffff);
    }

    private static void write(Path file, String content) throws IOException {
        AtomicFile.writeString(file, content);
    }
}
