package dev.tessera.templates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedSetTest {
    @TempDir
    Path dir;

    private final long seed = System.nanoTime();
    private final Random rnd = new Random(seed);

    @Test
    void aSavedPictureSetReopensIdentical() throws Exception {
        Path pictures = Files.createDirectory(dir.resolve("pictures"));
        for (int i = 0; i < 7; i++) {
            BufferedImage img = new BufferedImage(20 + rnd.nextInt(50), 20 + rnd.nextInt(50), BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, rnd.nextInt());
            TestPictures.write(img, "png", pictures.resolve("pic" + i + ".png"));
        }
        TemplateSet set = new ImageDirectorySource(pictures).sizes(List.of(12, 48)).fit(TileFit.PAD)
                .report(new PrintWriter(new StringWriter())).build();
        Path saved = dir.resolve("saved");
        set.save(saved);
        TemplateSet back = TemplateSet.open(saved);
        assertSame(set, back);
        assertTrue(!back.isGlyphSet());
        // Sizes not prepared come from the prepared tiles, the same way before and after.
        assertArrayEquals(set.tileArgb(3, 20), back.tileArgb(3, 20), "seed " + seed);
    }

    @Test
    void aSavedGlyphSetReopensIdenticalAndStillDrawsNewSizes() throws Exception {
        TemplateSet set = new GlyphSource().characters("#@o. ").foregrounds(List.of(0x102030, 0xa0b0c0)).background(0xffeedd).build();
        set.save(dir.resolve("glyphs"));
        TemplateSet back = TemplateSet.open(dir.resolve("glyphs").resolve(PreparedSetFormat.MANIFEST));
        assertSame(set, back);
        for (int i = 0; i < set.count(); i++) assertEquals(set.glyph(i), back.glyph(i));
        assertEquals(0xffeedd, back.background());
        assertArrayEquals(set.tileArgb(2, 100), back.tileArgb(2, 100), "a 100-px glyph is drawn from the font after reopening too");
    }

    @Test
    void aChangedOrCutFileIsRefusedWithAClearMessage() throws Exception {
        TemplateSet set = new GlyphSource().characters("AB").sizes(List.of(16)).build();
        Path saved = dir.resolve("set");
        set.save(saved);
        Path tiles = saved.resolve(PreparedSetFormat.tilesFile(16));
        byte[] rgb = Files.readAllBytes(tiles);
        rgb[rnd.nextInt(rgb.length)] ^= 1;
        Files.write(tiles, rgb);
        IOException changed = assertThrows(IOException.class, () -> TemplateSet.open(saved));
        assertTrue(changed.getMessage().contains("tiles-16.rgb") && changed.getMessage().contains("checksum does not match"),
                changed.getMessage());
        Files.write(tiles, java.util.Arrays.copyOf(rgb, rgb.length - 3));
        IOException cut = assertThrows(IOException.class, () -> TemplateSet.open(saved));
        assertTrue(cut.getMessage().contains("tiles-16.rgb") && cut.getMessage().contains("cut short"), cut.getMessage());
        set.save(saved);
        Path manifest = saved.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"name\": \"A\"", "\"name\": \"Z\""));
        IOException renamed = assertThrows(IOException.class, () -> TemplateSet.open(saved));
        assertTrue(renamed.getMessage().contains("do not match the manifest's hash"), renamed.getMessage());
        IOException none = assertThrows(IOException.class, () -> TemplateSet.open(dir));
        assertTrue(none.getMessage().contains("not a prepared template set"), none.getMessage());
    }

    @Test
    void savingRemovesTheStagingFolderOfAKilledWriterButNotOfALiveOne() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            Path ofDead = Files.createDirectory(dir.resolve(".tiles.part-" + dead.pid() + "-123456789"));
            Files.writeString(ofDead.resolve("tiles-8.rgb"), "half a set");
            Path ofLive = Files.createDirectory(dir.resolve(".tiles.part-" + alive.pid() + "-987654321"));
            Path otherSet = Files.createDirectory(dir.resolve(".other.part-" + dead.pid() + "-1"));
            new GlyphSource().characters("AB").build().save(dir.resolve("tiles"));
            assertFalse(Files.exists(ofDead));
            assertTrue(Files.isDirectory(ofLive));
            assertTrue(Files.isDirectory(otherSet));
            assertEquals(2, TemplateSet.open(dir.resolve("tiles")).count());
        } finally {
            alive.destroyForcibly().waitFor();
        }
    }

    @Test
    void savingOverAnotherFolderIsRefusedButOverAPreparedSetReplacesIt() throws Exception {
        Files.writeString(Files.createDirectory(dir.resolve("photos")).resolve("keep.txt"), "mine");
        TemplateSet set = new GlyphSource().characters("xy").build();
        IOException refused = assertThrows(IOException.class, () -> set.save(dir.resolve("photos")));
        assertTrue(refused.getMessage().contains("is not a prepared template set"), refused.getMessage());
        assertTrue(Files.exists(dir.resolve("photos/keep.txt")));
        set.save(dir.resolve("out"));
        TemplateSet other = new GlyphSource().characters("z").sizes(List.of(8)).build();
        other.save(dir.resolve("out"));
        assertEquals(other.contentHash(), TemplateSet.open(dir.resolve("out")).contentHash());
        assertTrue(Files.notExists(dir.resolve("out").resolve(PreparedSetFormat.tilesFile(64))), "the old set's files are gone");
    }

    private static void assertSame(TemplateSet expected, TemplateSet actual) {
        assertEquals(expected.contentHash(), actual.contentHash());
        assertEquals(expected.ids(), actual.ids());
        assertEquals(expected.names(), actual.names());
        assertEquals(expected.preparedSizes(), actual.preparedSizes());
        assertEquals(expected.analysisSize(), actual.analysisSize());
        for (int size : expected.preparedSizes())
            for (int i = 0; i < expected.count(); i++) assertArrayEquals(expected.tileArgb(i, size), actual.tileArgb(i, size));
    }
}
