package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureEncoderTest {
    @TempDir
    Path dir;

    private final long seed = System.nanoTime();
    private final SplittableRandom rnd = new SplittableRandom(seed);

    private BufferedImage blocks(int width, int height, int block) {
        return TestPictures.blocks(rnd, width, height, block);
    }

    private TemplateSet tiles(int columns, int rows) throws Exception {
        return TestPictures.tiles(rnd, dir, columns, rows);
    }

    /** The classic start's argmax and classic's choice on a picture, cell by cell. */
    private static void assertClassicStartIsClassic(TemplateSet set, BufferedImage picture, String what) {
        ClassicMatcher matcher = ClassicImitation.matcher(set);
        CellGrid grid = CellGrid.ofCellSize(picture.getWidth(), picture.getHeight(), MosaicStep.ENCODER_STRIDE);
        var map = matcher.match(picture, grid).map();
        int[] classic = new int[grid.cells()];
        for (int c = 0; c < classic.length; c++) classic[c] = map.template(c);
        try (SignatureEncoder encoder = new SignatureEncoder(matcher); Decoder decoder = encoder.classicStart();
                PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor features = encoder.features(Images.toTensor(picture));
            assertEquals(Decoder.FEATURES, features.size(1));
            assertArrayEquals(classic, HardMosaic.argmax(decoder.forward(features)), what);
        }
    }

    @Test
    void classicStartChoosesWhatClassicChoosesOnPicturesItNeverSaw() throws Exception {
        // 128 tiles: their signatures vary along at most 127 axes, all kept, so the start is exact.
        TemplateSet set = tiles(16, 8);
        for (int i = 0; i < 3; i++)
            assertClassicStartIsClassic(set, blocks(8 * (3 + rnd.nextInt(10)), 8 * (3 + rnd.nextInt(10)), 1 + rnd.nextInt(12)),
                    "seed " + seed + ", picture " + i);
    }

    @Test
    void classicStartIsExactForGlyphsWithTheirToneMap() {
        // Glyph sets match 2×2 sub-cells of a tone-mapped picture: 24 numbers, 24 axes.
        TemplateSet glyphs = TemplateSet.defaultGlyphs();
        try (SignatureEncoder encoder = new SignatureEncoder(ClassicImitation.matcher(glyphs))) {
            assertEquals(24, encoder.axes());
        }
        assertClassicStartIsClassic(glyphs, blocks(64, 40, 5), "seed " + seed);
    }

    @Test
    void refusesPicturesThatAreNotWholeCells() throws Exception {
        TemplateSet set = tiles(4, 4);
        try (SignatureEncoder encoder = new SignatureEncoder(ClassicImitation.matcher(set)); PointerScope scope = new PointerScope()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> encoder.features(Images.toTensor(blocks(20, 16, 4))));
            assertEquals("signature encoder: image sides must be multiples of 8, got 16×20", e.getMessage());
        }
    }
}
