package dev.tessera.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.image.Images;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rendering many mosaics in one process keeps memory flat: match and render 300 pictures with one
 * matcher and renderer, the way a batch does, and compare used heap (after GC) and the process's
 * physical memory (JavaCPP's {@link Pointer#physicalBytes()}, which counts LibTorch and the native
 * ops too) before and after, once a warm-up has filled caches and JIT code.
 */
class RenderMemoryTest {
    private static final int WARM_UP = 100;
    private static final int IMAGES = 300;
    /**
     * Measured growth over 300 images after a warm-up of 100: under 0.02 MB of heap. A leak of one
     * picture per image (64×48 ints, 12 KB) would add 3.6 MB over the run, of one mosaic (96×72
     * ints, 27 KB) 8 MB: this bound catches either.
     */
    private static final long HEAP_BOUND = 3L << 20;
    /**
     * Measured native growth (physical less committed heap, after GC and malloc_trim at both ends)
     * over 300 images: −1 to +16 MB between runs, the JIT and the allocator settling. The bound is
     * three times the worst: coarse, it catches a native leak of 160 KB or more per image (a
     * 200×200 float RGB tensor). Native memory that a GC frees (a Deflater left open, which this
     * test's development found by sampling without GC) it cannot see: that is bounded by the GC.
     */
    private static final long PHYSICAL_BOUND = 48L << 20;

    @TempDir
    Path dir;

    @Test
    void matchingAndRenderingThreeHundredImagesKeepsHeapAndNativeMemoryFlat() throws Exception {
        TemplateSet set = TemplateSet.defaultGlyphs();
        ClassicMatcher matcher = new ClassicMatcher(set, ClassicOptions.defaults(4, true));
        MosaicRenderer renderer = new MosaicRenderer(set, 12);
        SplittableRandom rnd = new SplittableRandom();
        Path out = dir.resolve("mosaic.png");
        for (int i = 0; i < WARM_UP; i++) render(matcher, renderer, picture(rnd), out);
        MemoryProbe.touchTheHeap();
        long heapBefore = MemoryProbe.usedHeapAfterGc(), physicalBefore = MemoryProbe.nativeBytes();
        for (int i = 0; i < IMAGES; i++) render(matcher, renderer, picture(rnd), out);
        long heapGrowth = MemoryProbe.usedHeapAfterGc() - heapBefore, physicalGrowth = MemoryProbe.nativeBytes() - physicalBefore;
        System.out.printf("render memory: %d images, heap %+.2f MB, native %+.2f MB (physical %.0f MB)%n", IMAGES, heapGrowth / 1e6,
                physicalGrowth / 1e6, Pointer.physicalBytes() / 1e6);
        assertEquals(96, Images.read(out).getWidth());
        assertTrue(heapGrowth < HEAP_BOUND, "used heap grew by " + heapGrowth + " bytes over " + IMAGES + " images");
        assertTrue(physicalGrowth < PHYSICAL_BOUND, "native memory grew by " + physicalGrowth + " bytes over " + IMAGES + " images");
    }

    private static void render(ClassicMatcher matcher, MosaicRenderer renderer, BufferedImage picture, Path out) throws Exception {
        ClassicMatcher.Match match = matcher.match(picture, CellGrid.ofCellSize(picture.getWidth(), picture.getHeight(), 8));
        renderer.write(match.map(), out);
    }

    private static BufferedImage picture(SplittableRandom rnd) {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 64; x++) img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | rnd.nextInt(256));
        return img;
    }
}
