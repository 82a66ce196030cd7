package dev.tessera.testing;

import dev.tessera.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Pictures for command tests, written as PNG. */
public final class TestPictures {
    private TestPictures() {}

    /** Gradients under noise, so neighbouring cells want different templates. */
    public static Path gradientsAndNoise(Path file, int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | Math.min(255, (x ^ y) * 4 + rnd.nextInt(40)));
        Images.write(img, file);
        return file;
    }
}
