package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.ops.OpsReference;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnedMatcherTest {
    @TempDir
    Path dir;

    private final long seed = System.nanoTime();
    private final SplittableRandom rnd = new SplittableRandom(seed);

    private static int maxDifference(BufferedImage a, BufferedImage b) {
        assertEquals(a.getWidth(), b.getWidth());
        assertEquals(a.getHeight(), b.getHeight());
        int worst = 0;
        for (int y = 0; y < a.getHeight(); y++)
            for (int x = 0; x < a.getWidth(); x++)
                for (int s = 0; s < 24; s += 8)
                    worst = Math.max(worst, Math.abs((a.getRGB(x, y) >> s & 255) - (b.getRGB(x, y) >> s & 255)));
        return worst;
    }

    @Test
    void theSoftMosaicIsTheReferenceMixOfTheLogitsAndTendsToTheArgmaxAsBetaGrows() throws Exception {
        TemplateSet set = TestPictures.tiles(rnd, dir, 6, 4);
        // 44×37: cropped to 40×32, 5×4 cells, as the index map is.
        BufferedImage picture = TestPictures.blocks(rnd, 44, 37, 3);
        try (SignatureEncoder encoder = new SignatureEncoder(ClassicImitation.matcher(set)); Decoder decoder = encoder.classicStart()) {
            LearnedMatcher matcher = new LearnedMatcher(encoder, decoder, set);
            IndexMap map = matcher.indexMap(picture);
            assertEquals(5, map.columns());
            assertEquals(4, map.rows());
            for (int tile : new int[] {8, 16}) {
                BufferedImage soft, hard, reference;
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    Tensor templates = set.tensor(tile);
                    LearnedMatcher.Rendered r = matcher.render(picture, 3.0f, templates);
                    assertEquals(map.cells(), r.map().cells());
                    soft = r.soft();
                    // At a β far past the ramp's end every cell's weights are one-hot at the argmax: the pasted mosaic.
                    hard = matcher.render(picture, 1e4f, templates).soft();
                    Tensor x = Images.toTensor(picture.getSubimage(2, 2, 40, 32));
                    reference = Images.toImage(OpsReference.mix(decoder.forward(encoder.features(x)), set.tensor(tile), 3.0f));
                }
                assertTrue(maxDifference(soft, reference) <= 1, "seed " + seed + ", tile " + tile + ": 8-bit rounding at most");
                assertTrue(maxDifference(hard, new MosaicRenderer(set, tile).image(map)) <= 1, "seed " + seed + ", tile " + tile);
            }
        }
    }
}
