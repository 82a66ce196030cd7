package dev.tessera.train;

import dev.tessera.image.Images;
import dev.tessera.image.Resampler;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.pytorch.Tensor;

/**
 * The training set: the JPEG and PNG files under a folder (recursively, in path order), each
 * cropped to its centred square and resized to size×size, served in batches in an order shuffled
 * per epoch from a seed. The order is a function of (seed, iteration) alone, so a resumed run sees
 * exactly the batches the uninterrupted run would have, with no random state to save.
 *
 * <p>Files whose header cannot be read are skipped when the folder is scanned; a file that fails to
 * decode later is skipped then (its place in the batch goes to the next file), each with one
 * warning line, and all are counted. Not thread-safe.
 */
public final class TrainingImages {
    /** White under transparent pixels, as a mosaic on paper would show them. */
    private static final int BACKGROUND = 0xffffff;

    private final List<Path> files;
    private final int size;
    private final long seed;
    private final Consumer<String> warn;
    private final Set<Path> failed = new HashSet<>();
    private int skipped;
    private long epoch = -1;
    private int[] order;

    private TrainingImages(List<Path> files, int size, long seed, Consumer<String> warn, int skipped) {
        this.files = files;
        this.size = size;
        this.seed = seed;
        this.warn = warn;
        this.skipped = skipped;
    }

    /**
     * Lists the images under {@code folder}; a folder without a readable image is an
     * IllegalArgumentException naming it.
     *
     * @param size side of the training images, a multiple of 8
     * @param warn receives one line per skipped file
     */
    public static TrainingImages scan(Path folder, int size, long seed, Consumer<String> warn) throws IOException {
        if (size < MosaicStep.ENCODER_STRIDE || size % MosaicStep.ENCODER_STRIDE != 0)
            throw new IllegalArgumentException("--size " + size + " must be a positive multiple of " + MosaicStep.ENCODER_STRIDE);
        if (!Files.isDirectory(folder)) throw new IllegalArgumentException("--images " + folder + " is not a folder");
        List<Path> candidates;
        try (Stream<Path> walk = Files.walk(folder)) {
            candidates = walk.filter(Files::isRegularFile).filter(TrainingImages::isImageName).sorted().toList();
        }
        List<Path> readable = new ArrayList<>();
        int skipped = 0;
        for (Path p : candidates) {
            String problem = headerProblem(p);
            if (problem == null) readable.add(p);
            else {
                skipped++;
                warn.accept("tessera train: skipping " + p + ": " + problem);
            }
        }
        if (readable.isEmpty())
            throw new IllegalArgumentException("--images " + folder + " holds no readable JPEG or PNG file" + (skipped > 0 ? " (" + skipped
                    + " unreadable)" : ""));
        return new TrainingImages(readable, size, seed, warn, skipped);
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    /** Why the file's header cannot be read, or null: reading only the header keeps the scan of a large folder quick. */
    private static String headerProblem(Path p) {
        try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
            if (in == null) return "cannot be opened";
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return "not a JPEG or PNG image";
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                if (reader.getWidth(0) < 1 || reader.getHeight(0) < 1) return "the image is empty";
            } finally {
                reader.dispose();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /** Images usable for training (those that passed the scan). */
    public int count() {
        return files.size();
    }

    /** Files skipped so far, at the scan and while decoding. */
    public int skipped() {
        return skipped;
    }

    /**
     * The batch of iteration {@code iteration}: B×3×size×size float32 RGB 0..255, a new tensor
     * owned by the caller. Image k of the run (k = iteration·B + j) is position k mod N of epoch
     * k div N's permutation.
     */
    public Tensor batch(long iteration, int batchSize) {
        int plane = 3 * size * size;
        float[] data = new float[batchSize * plane];
        long k = iteration * batchSize;
        for (int j = 0; j < batchSize; j++) {
            float[] image = null;
            while (image == null) {
                if (failed.size() == files.size())
                    throw new IllegalStateException("none of the " + files.size() + " training images could be decoded");
                Path p = files.get(permutation(k / files.size())[(int) (k % files.size())]);
                k++;
                if (!failed.contains(p)) image = decode(p);
            }
            System.arraycopy(image, 0, data, j * plane, plane);
        }
        return Tensor.create(data, batchSize, 3, size, size);
    }

    /**
     * The first {@code count} images in path order that decode (fewer if the set has fewer):
     * count×3×size×size, a new tensor owned by the caller. Fixed for a folder, whatever the seed,
     * so previews of one run and of its resume show the same pictures.
     */
    public Tensor first(int count) {
        if (count < 1) throw new IllegalArgumentException("need at least one image, got " + count);
        int plane = 3 * size * size;
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < files.size() && images.size() < count; i++) {
            if (failed.contains(files.get(i))) continue;
            float[] image = decode(files.get(i));
            if (image != null) images.add(image);
        }
        if (images.isEmpty()) throw new IllegalStateException("none of the " + files.size() + " training images could be decoded");
        float[] data = new float[images.size() * plane];
        for (int j = 0; j < images.size(); j++) System.arraycopy(images.get(j), 0, data, j * plane, plane);
        return Tensor.create(data, images.size(), 3, size, size);
    }

    private float[] decode(Path p) {
        try {
            BufferedImage img = Images.read(p);
            int side = Math.min(img.getWidth(), img.getHeight());
            Rectangle square = new Rectangle((img.getWidth() - side) / 2, (img.getHeight() - side) / 2, side, side);
            return Resampler.resize(img, square, BACKGROUND, size, size);
        } catch (IOException | RuntimeException e) {
            failed.add(p);
            skipped++;
            warn.accept("tessera train: skipping " + p + ": " + e.getMessage());
            return null;
        }
    }

    private int[] permutation(long e) {
        if (e != epoch) {
            // A generator per epoch, split from the seed's, so epoch e's order does not depend on the epochs before it.
            SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (e + 1)));
            order = new int[files.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            for (int i = order.length - 1; i > 0; i--) {
                int r = random.nextInt(i + 1), t = order[i];
                order[i] = order[r];
                order[r] = t;
            }
            epoch = e;
        }
        return order;
    }
}
