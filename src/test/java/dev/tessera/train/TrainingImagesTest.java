package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingImagesTest {
    @TempDir
    Path dir;

    /** Five flat pictures whose red channel is 10·i, so a batch says which pictures it holds. */
    private void pictures() throws Exception {
        for (int i = 1; i <= 5; i++) {
            BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 12; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, (10 * i) << 16 | 0x4080);
            Images.write(img, dir.resolve("p" + i + ".png"));
        }
    }

    /** Which pictures iterations 0..n−1 draw, one per batch. */
    private static List<Integer> drawn(TrainingImages images, int n) {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor b = images.batch(i, 1);
                assertArrayEquals(new long[] {1, 3, 8, 8}, b.sizes().vec().get());
                float[] v = new float[(int) b.numel()];
                b.contiguous().data_ptr_float().get(v);
                seen.add(Math.round(v[0] / 10));
                assertEquals(0x80, v[2 * 64], 0.5); // blue plane
            }
        }
        return seen;
    }

    @Test
    void everyEpochIsAPermutationFixedBySeedAndIteration() throws Exception {
        pictures();
        TrainingImages images = TrainingImages.scan(dir, 8, 3, line -> {});
        assertEquals(5, images.count());
        List<Integer> order = drawn(images, 10);
        assertEquals(new TreeSet<>(List.of(1, 2, 3, 4, 5)), new TreeSet<>(order.subList(0, 5)));
        assertEquals(new TreeSet<>(List.of(1, 2, 3, 4, 5)), new TreeSet<>(order.subList(5, 10)));
        // Another instance with the same seed draws the same, also when asked from the middle (a resume).
        assertEquals(order.subList(7, 10), drawn(TrainingImages.scan(dir, 8, 3, line -> {}), 10).subList(7, 10));
        assertNotEquals(order, drawn(TrainingImages.scan(dir, 8, 4, line -> {}), 10));
    }

    @Test
    void aFileThatStopsDecodingIsSkippedOnceWithAWarning() throws Exception {
        pictures();
        List<String> warnings = new ArrayList<>();
        TrainingImages images = TrainingImages.scan(dir, 8, 3, warnings::add);
        Files.writeString(dir.resolve("p2.png"), "gone bad after the scan");
        List<Integer> order = drawn(images, 8);
        assertTrue(!order.contains(2), order.toString());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("p2.png"), warnings.get(0));
        assertEquals(1, images.skipped());
    }

    @Test
    void aSizeNotAMultipleOfEightOrAnEmptyFolderIsRefusedByFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingImages.scan(dir, 20, 0, line -> {}))
                .getMessage().contains("--size 20"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingImages.scan(dir, 32, 0, line -> {}))
                .getMessage().contains("--images " + dir));
    }
}
