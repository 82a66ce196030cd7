package dev.tessera.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Images as tensors: RGB, float32, 0..255, 1×3×H×W (the method's input convention), and back.
 */
public final class Images {
    private Images() {}

    /** Decodes an image file; an unreadable or non-image file is an {@link IOException} naming it. */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException(file + ": not an image ImageIO can read (PNG, JPEG, GIF, BMP)");
        if (img.getWidth() < 1 || img.getHeight() < 1) throw new IOException(file + ": image has no pixels");
        return img;
    }

    /** 1×3×H×W float32 RGB 0..255 (alpha, if any, is ignored). */
    public static Tensor toTensor(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] planes = new float[3 * n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            planes[i] = (p >> 16) & 0xff;
            planes[n + i] = (p >> 8) & 0xff;
            planes[2 * n + i] = p & 0xff;
        }
        return Tensor.create(planes, 1, 3, h, w);
    }

    /** The first image of a B×3×H×W (or 3×H×W) tensor, values clamped to 0..255 and rounded. */
    public static BufferedImage toImage(Tensor t) {
        Tensor img = t.dim() == 4 ? t.select(0, 0) : t;
        if (img.dim() != 3 || img.size(0) != 3)
            throw new IllegalArgumentException("expected a 3×H×W RGB tensor, got " + img.dim() + " dimensions");
        Tensor f = img.to(ScalarType.Float).contiguous();
        int h = (int) f.size(1), w = (int) f.size(2), n = w * h;
        float[] planes = new float[3 * n];
        f.data_ptr_float().get(planes);
        int[] rgb = new int[n];
        for (int i = 0; i < n; i++)
            rgb[i] = (byte8(planes[i]) << 16) | (byte8(planes[n + i]) << 8) | byte8(planes[2 * n + i]);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, rgb, 0, w);
        return out;
    }

    private static int byte8(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /**
     * Writes PNG or JPEG (by extension) atomically: to a temporary file in the same folder, then
     * renamed, so a reader never sees half an image and a crash leaves no partial output.
     */
    public static void write(BufferedImage img, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpeg" : "png";
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
            try {
                if (!ImageIO.write(img, format, tmp.toFile())) throw new IOException("no ImageIO writer for " + format);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
