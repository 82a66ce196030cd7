package dev.tessera.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlyphTextTest {
    @TempDir
    Path dir;

    @Test
    void textHasOneCharacterPerCellInRows() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        TemplateSet set = TemplateSet.defaultGlyphs();
        int width = 1 + rnd.nextInt(30), height = 1 + rnd.nextInt(10);
        int[] cells = rnd.ints(width * height, 0, set.count()).toArray();
        GlyphText text = new GlyphText(set);
        assertFalse(text.coloured(), "black on white");
        text.writeText(dir.resolve("m.txt"), cells, width);
        List<String> lines = Files.readAllLines(dir.resolve("m.txt"), StandardCharsets.UTF_8);
        assertEquals(height, lines.size(), "seed " + seed);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                Glyph g = set.glyph(cells[y * width + x]);
                assertEquals(g.blank() ? ' ' : g.text().charAt(0), lines.get(y).charAt(x), "seed " + seed + " cell " + x + "," + y);
            }
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> text.text(new int[] {0, 62}, 2));
        assertTrue(wrong.getMessage().contains("cell (1, 0) holds template 62"), wrong.getMessage());
    }

    @Test
    void htmlKeepsInkAndPaperAndEscapesMarkup() throws Exception {
        TemplateSet set = new GlyphSource().characters("<&a ").foregrounds(List.of(0xff0000, 0x0000ff)).background(0x000000).build();
        GlyphText text = new GlyphText(set);
        assertTrue(text.coloured());
        int red = set.indexOf("U+003C#ff0000"), amp = set.indexOf("U+0026#0000ff"), space = set.indexOf("U+0020"), a = set.indexOf("U+0061#0000ff");
        String html = text.html(new int[] {red, amp, space, a}, 2);
        assertTrue(html.contains("background:#000000"), html);
        assertTrue(html.contains("<span style=\"color:#ff0000\">&lt;</span><span style=\"color:#0000ff\">&amp;</span>\n"), html);
        assertTrue(html.contains("\n <span style=\"color:#0000ff\">a</span>\n"), "a blank cell needs no colour of its own: " + html);
        assertThrows(IllegalArgumentException.class, () -> new GlyphText(pictureSet()));
    }

    private TemplateSet pictureSet() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("pics"));
        TestPictures.write(TestPictures.flat(4, 4, BufferedImage.TYPE_INT_RGB, 0xffffff), "png", folder.resolve("w.png"));
        return new ImageDirectorySource(folder).report(new java.io.PrintWriter(new java.io.StringWriter())).build();
    }
}
