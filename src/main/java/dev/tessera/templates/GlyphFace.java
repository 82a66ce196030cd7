package dev.tessera.templates;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws a set's glyphs at any cell size, straight from the font outlines, so a 64-px template is
 * as sharp as the font and not an enlarged 8-px one. All glyphs share one layout: the union of
 * their outlines is scaled to fit the cell less a margin of 1/16 of it on each side and centred,
 * so no glyph is clipped, '_' stays low and '-' mid-height as in text, and every size is the
 * same picture at a different resolution.
 */
final class GlyphFace {
    /** Outlines are taken at this size, where rounding in the font's hinting is negligible. */
    private static final float OUTLINE_POINTS = 1000f;

    private final Font font;
    private final String fontLabel;
    private final Path fontFile;
    private final List<Glyph> glyphs;
    private final int background;
    private final Shape[] outlines;
    private final Rectangle2D union;

    /**
     * @param fontFile the font's file, or null for the bundled DejaVu Sans Mono
     */
    GlyphFace(Font font, String fontLabel, Path fontFile, List<Glyph> glyphs, int background) {
        this.font = font.deriveFont(OUTLINE_POINTS);
        this.fontLabel = fontLabel;
        this.fontFile = fontFile;
        this.glyphs = List.copyOf(glyphs);
        this.background = background & 0xffffff;
        FontRenderContext frc = new FontRenderContext(null, true, true);
        outlines = new Shape[glyphs.size()];
        Rectangle2D all = null;
        for (int i = 0; i < outlines.length; i++) {
            outlines[i] = this.font.createGlyphVector(frc, glyphs.get(i).text()).getOutline();
            Rectangle2D b = outlines[i].getBounds2D();
            if (b.isEmpty()) continue;
            if (all == null) all = b.getBounds2D();
            else all.add(b);
        }
        union = all;
    }

    String fontLabel() {
        return fontLabel;
    }

    Path fontFile() {
        return fontFile;
    }

    /** The placement of outlines in a size×size cell; the identity when every glyph is blank. */
    AffineTransform layout(int size) {
        AffineTransform t = new AffineTransform();
        if (union == null) return t;
        double margin = size / 16.0;
        double scale = (size - 2 * margin) / Math.max(union.getWidth(), union.getHeight());
        t.translate(size / 2.0, size / 2.0);
        t.scale(scale, scale);
        t.translate(-union.getCenterX(), -union.getCenterY());
        return t;
    }

    /** All glyphs at size×size: N·size·size pixels, 0xFFRRGGBB. */
    int[] render(int size) {
        int area = size * size;
        int[] out = new int[glyphs.size() * area];
        AffineTransform layout = layout(size);
        for (int i = 0; i < glyphs.size(); i++) {
            float[] ink = coverage(i, size, size, layout);
            int fg = glyphs.get(i).foreground();
            for (int p = 0; p < area; p++) out[i * area + p] = blend(fg, ink[p]);
        }
        return out;
    }

    /**
     * Ink coverage 0..1 of glyph i drawn with {@code layout} on a w×h canvas: the antialiased
     * alpha of the filled outline, so it is exact coverage, free of any colour space's transfer curve.
     */
    float[] coverage(int i, int w, int h, AffineTransform layout) {
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fill(layout.createTransformedShape(outlines[i]));
        } finally {
            g.dispose();
        }
        int[] argb = canvas.getRGB(0, 0, w, h, null, 0, w);
        float[] ink = new float[w * h];
        for (int p = 0; p < ink.length; p++) ink[p] = (argb[p] >>> 24) / 255f;
        return ink;
    }

    private int blend(int fg, float ink) {
        int r = mix((background >> 16) & 0xff, (fg >> 16) & 0xff, ink);
        int g = mix((background >> 8) & 0xff, (fg >> 8) & 0xff, ink);
        int b = mix(background & 0xff, fg & 0xff, ink);
        return 0xff000000 | r << 16 | g << 8 | b;
    }

    private static int mix(int paper, int ink, float coverage) {
        return Math.round(paper + coverage * (ink - paper));
    }
}
