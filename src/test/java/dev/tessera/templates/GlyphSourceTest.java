package dev.tessera.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlyphSourceTest {
    private static final TemplateSet DEFAULT = TemplateSet.defaultGlyphs();

    @Test
    void defaultSetHas62DistinctGlyphsInTheReferenceOrder() {
        assertEquals(62, DEFAULT.count());
        assertEquals(62, new HashSet<>(DEFAULT.ids()).size());
        assertEquals("1", DEFAULT.name(0));
        assertEquals("\\", DEFAULT.glyph(16).text(), "the reference lists a backslash after Q");
        assertEquals("space", DEFAULT.name(61));
        float[] p = DEFAULT.planes(8);
        int cell = 3 * 8 * 8;
        double closest = Double.MAX_VALUE;
        for (int i = 0; i < 62; i++)
            for (int j = i + 1; j < 62; j++) {
                double d = 0;
                for (int k = 0; k < cell; k++) d += Math.abs(p[i * cell + k] - p[j * cell + k]);
                closest = Math.min(closest, d / cell);
            }
        // Measured 2.5 grey levels per value for the closest pair (Q and O); identical tiles give 0.
        assertTrue(closest > 1.0, "closest pair differs by " + closest + " levels per value");
    }

    @Test
    void everyGlyphsInkLiesInsideItsCell() {
        GlyphFace face = DEFAULT.face();
        for (int size : new int[] {8, 64}) {
            AffineTransform layout = face.layout(size);
            AffineTransform padded = AffineTransform.getTranslateInstance(size, size);
            padded.concatenate(layout);
            for (int i = 0; i < DEFAULT.count(); i++) {
                float[] ink = face.coverage(i, 3 * size, 3 * size, padded);
                double inside = 0, outside = 0;
                for (int y = 0; y < 3 * size; y++)
                    for (int x = 0; x < 3 * size; x++) {
                        boolean in = x >= size && x < 2 * size && y >= size && y < 2 * size;
                        if (in) inside += ink[y * 3 * size + x];
                        else outside += ink[y * 3 * size + x];
                    }
                String what = DEFAULT.name(i) + " at " + size + " px";
                assertEquals(0.0, outside, 1e-9, what + " spills out of its cell");
                if (DEFAULT.glyph(i).blank()) assertEquals(0.0, inside, what);
                else assertTrue(inside > 0.01 * size * size, what + " has almost no ink: " + inside);
                // The tile holds all of that ink (black on white: ink = 1 - value/255).
                int[] tile = DEFAULT.tileArgb(i, size);
                double tileInk = 0;
                for (int v : tile) tileInk += 1 - (v & 0xff) / 255.0;
                assertEquals(inside, tileInk, 0.002 * size * size + 0.5, what);
            }
        }
    }

    @Test
    void tilesAt64PxAreDrawnNotEnlarged() {
        double direct = 0, enlarged = 0;
        int glyphs = 0;
        for (int i = 0; i < DEFAULT.count(); i++) {
            if (DEFAULT.glyph(i).blank()) continue;
            BufferedImage small = DEFAULT.tileImage(i, 8);
            BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = big.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(small, 0, 0, 64, 64, null);
            g.dispose();
            direct += edgeStep(DEFAULT.tileImage(i, 64));
            enlarged += edgeStep(big);
            glyphs++;
        }
        direct /= glyphs;
        enlarged /= glyphs;
        // An edge drawn at 64 px changes in about one pixel; an enlarged 8-px edge ramps over eight.
        assertTrue(direct > 3 * enlarged, "mean edge step drawn " + direct + " vs enlarged " + enlarged);
        assertTrue(direct > 100, "mean edge step drawn " + direct);
    }

    /** Mean grey step between neighbouring pixels, over the steps that are part of an edge (> 8 levels). */
    private static double edgeStep(BufferedImage img) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int v = img.getRGB(x, y) & 0xff;
                if (x + 1 < img.getWidth()) {
                    int d = Math.abs(v - (img.getRGB(x + 1, y) & 0xff));
                    if (d > 8) { sum += d; n++; }
                }
                if (y + 1 < img.getHeight()) {
                    int d = Math.abs(v - (img.getRGB(x, y + 1) & 0xff));
                    if (d > 8) { sum += d; n++; }
                }
            }
        return n == 0 ? 0 : sum / n;
    }

    @Test
    void colouredGlyphsComeInEveryInkOnThePaper() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        StringBuilder chars = new StringBuilder(" ");
        while (chars.length() < 6) {
            char c = GlyphSource.DEFAULT_CHARACTERS.charAt(rnd.nextInt(61));
            if (chars.indexOf(String.valueOf(c)) < 0) chars.append(c);
        }
        List<Integer> inks = new ArrayList<>();
        while (inks.size() < 3) {
            int c = rnd.nextInt(0x1000000);
            if (!inks.contains(c)) inks.add(c);
        }
        int paper = rnd.nextInt(0x1000000);
        TemplateSet set = new GlyphSource().characters(chars.toString()).foregrounds(inks).background(paper)
                .sizes(List.of(32)).build();
        String ctx = "seed " + seed + ", characters '" + chars + "'";
        assertEquals(1 + 5 * 3, set.count(), ctx + ": space once, the five others in each of three inks");
        assertEquals(List.of(8, 32), List.copyOf(set.preparedSizes()), ctx);
        for (int i = 0; i < set.count(); i++) {
            Glyph g = set.glyph(i);
            int[] tile = set.tileArgb(i, 32);
            boolean inkSeen = false;
            for (int v : tile) {
                int rgb = v & 0xffffff;
                // Every pixel lies between paper and ink; the most covered one is the ink itself.
                assertTrue(between(rgb, paper, g.foreground()), ctx + ": " + set.name(i) + " pixel " + Integer.toHexString(rgb));
                inkSeen |= close(rgb, g.foreground(), 3);
            }
            assertEquals(!g.blank(), inkSeen, ctx + ": " + set.name(i));
            assertTrue(close(tile[0] & 0xffffff, paper, 0), ctx + ": corner of " + set.name(i) + " is paper");
        }
    }

    @Test
    void badCharacterListsAreRefusedWithTheCharacterNamed() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> new GlyphSource().characters("ABA").build());
        assertTrue(twice.getMessage().contains("'A' (U+0041) is listed twice"), twice.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new GlyphSource().characters("A\u4e2d").build());
        assertTrue(missing.getMessage().contains("U+4E2D") && missing.getMessage().contains("no glyph in DejaVu Sans Mono"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GlyphSource().characters("").build());
    }

    private static boolean between(int rgb, int a, int b) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int v = (rgb >> shift) & 0xff, lo = Math.min((a >> shift) & 0xff, (b >> shift) & 0xff), hi = Math.max((a >> shift) & 0xff, (b >> shift) & 0xff);
            if (v < lo - 1 || v > hi + 1) return false;
        }
        return true;
    }

    static boolean close(int rgb, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8)
            if (Math.abs(((rgb >> shift) & 0xff) - ((expected >> shift) & 0xff)) > tolerance) return false;
        return true;
    }
}
