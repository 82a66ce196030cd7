package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.ops.NearestSearch;
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

    private final long seed = Long.getLong("tessera.seed", System.nanoTime()); // -Dtessera.seed=S replays a failure
    private final SplittableRandom rnd = new SplittableRandom(seed);

    private BufferedImage blocks(int width, int height, int block) {
        return TestPictures.blocks(rnd, width, height, block);
    }

    private TemplateSet tiles(int columns, int rows) throws Exception {
        return TestPictures.tiles(rnd, dir, columns, rows);
    }

    /**
     * The classic start's argmax against classic's choice on a picture, cell by cell: the same
     * template, or, where templates tie on classic's cost (glyphs with equal 2×2 sub-cells do), one
     * of equal cost. The costs are classic's own, from its signatures, in double.
     */
    private static void assertClassicStartIsClassic(TemplateSet set, BufferedImage picture, String what) {
        ClassicMatcher matcher = ClassicImitation.matcher(set);
        CellGrid grid = CellGrid.ofCellSize(picture.getWidth(), picture.getHeight(), MosaicStep.ENCODER_STRIDE);
        var map = matcher.match(picture, grid).map();
        float[] cells = matcher.cellSignatures(picture, grid), templates = matcher.templateSignatures();
        int d = matcher.signatureLength(), same = 0;
        int[] chosen;
        try (SignatureEncoder encoder = new SignatureEncoder(matcher); Decoder decoder = encoder.classicStart();
                PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor features = encoder.features(Images.toTensor(picture));
            assertEquals(Decoder.FEATURES, features.size(1));
            chosen = HardMosaic.argmax(decoder.forward(features));
        }
        for (int c = 0; c < grid.cells(); c++) {
            if (chosen[c] == map.template(c)) {
                same++;
                continue;
            }
            double classicCost = NearestSearch.squaredDistance(cells, c, templates, map.template(c), d), startCost = NearestSearch.squaredDistance(cells, c, templates, chosen[c], d);
            assertEquals(classicCost, startCost, 1e-5 * (1 + classicCost), what + ", cell " + c + ": template " + chosen[c] + " for classic's "
                    + map.template(c));
        }
        assertTrue(same >= 0.9 * grid.cells(), what + ": only ties may differ, and ties are few; " + same + " of " + grid.cells());
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
