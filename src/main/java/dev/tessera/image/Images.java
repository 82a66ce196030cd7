package dev.tessera.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Images as tensors: RGB, float32, 0..255, 1×3×H×W (the method's input convention), and back.
 */
public final class Images {
    /** Decoder warnings that mean pixels are missing: the JDK's libjpeg, TwelveMonkeys, PNG. */
    private static final Pattern TRUNCATED = Pattern.compile("(?i)premature end|truncat|missing eoi|unexpected end");

    /** The system property that sets {@link #maxPixels()}. */
    public static final String MAX_PIXELS_PROPERTY = "tessera.maxPixels";

    /**
     * 2^28 pixels, a 16,384² image: as large as the renderer's documented big mosaics, so Tessera
     * reads back what it writes, and 1 GiB as the int ARGB raster every decoded picture becomes
     * (twice that while a grey image is converted); a header claiming more is far likelier a
     * decompression bomb than a photo.
     */
    public static final long DEFAULT_MAX_PIXELS = 1L << 28;

    private Images() {}

    /**
     * Decodes an image file, with grey images read as stored (see {@link #srgb}); an unreadable or
     * non-image file, or one that declares more pixels than {@link #maxPixels()}, is an
     * {@link IOException} naming it. A file cut short is accepted with its missing part as the
     * decoder fills it (grey for JPEG): for a picture to be turned into a mosaic, most of it beats
     * none of it.
     */
    public static BufferedImage read(Path file) throws IOException {
        return decode(file, false);
    }

    /**
     * Decodes an image file like {@link #read}, but refuses a truncated one: a JPEG cut short
     * decodes "successfully" with its missing part grey, and only a decoder warning tells. Meant
     * for template libraries, where a half-grey photo would quietly become a template. Other
     * decoder warnings (a CMYK JPEG without ICC profile, stray bytes between markers) leave the
     * picture whole and are not refused.
     */
    public static BufferedImage readIntact(Path file) throws IOException {
        return decode(file, true);
    }

    /**
     * The most pixels an image file may declare, from the system property {@value #MAX_PIXELS_PROPERTY}
     * (default {@value #DEFAULT_MAX_PIXELS}); read on every call so a running program can change it.
     */
    public static long maxPixels() {
        String value = System.getProperty(MAX_PIXELS_PROPERTY);
        if (value == null) return DEFAULT_MAX_PIXELS;
        long limit;
        try {
            limit = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            limit = 0;
        }
        if (limit < 1)
            throw new IllegalArgumentException("system property " + MAX_PIXELS_PROPERTY + "='" + value
                    + "' is not a positive whole number of pixels (underscores allowed: 268_435_456)");
        return limit;
    }

    /**
     * The one decoding path: the header's size is checked against the limit before the decoder
     * allocates the raster, which it does from that size alone; a tiny file can declare gigapixels.
     */
    private static BufferedImage decode(Path file, boolean refuseTruncated) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        long limit = maxPixels();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException(file + ": cannot open for reading");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new IOException(file + ": not an image ImageIO can read (PNG, JPEG, GIF, BMP)");
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            try {
                // Metadata ignored, as ImageIO.read does: an ancillary chunk's length is not checked
                // against the file before the reader allocates it, and we use none of them.
                reader.setInput(in, true, true);
                int width = reader.getWidth(0), height = reader.getHeight(0);
                if (width < 1 || height < 1) throw new IOException(file + ": image has no pixels (" + width + "x" + height + ")");
                long pixels = (long) width * height;
                if (pixels > limit)
                    throw new IOException(String.format(Locale.ROOT, "%s: declares %,dx%,d = %,d pixels, more than the limit of %,d;"
                            + " if the image is genuine, raise the limit with -D%s=N (TESSERA_JAVA_OPTS for the tessera script)",
                            file, width, height, pixels, limit, MAX_PIXELS_PROPERTY));
                BufferedImage img = reader.read(0);
                if (refuseTruncated)
                    for (String warning : warnings)
                        if (TRUNCATED.matcher(warning).find())
                            throw new IOException(file + ": damaged image (" + warning + "); re-export it or remove it");
                return srgb(img);
            } catch (RuntimeException e) {
                // Decoders fed garbage throw unchecked exceptions (array bounds, bad Huffman tables).
                throw new IOException(file + ": damaged image (" + e + ")", e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
            throw new IOException(file + ": cannot decode (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The picture with pixels that {@code getRGB} reads as stored. Java's decoders tag grey PNGs
     * and JPEGs as linear grey, so {@code getRGB} "converts" them to sRGB and brightens mid-greys
     * (128 reads as 188); grey files are sRGB-coded in practice. Returns an RGB copy for 8- and
     * 16-bit grey images (with alpha if they have it) and the image itself otherwise.
     */
    public static BufferedImage srgb(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        int transfer = cm.getTransferType();
        if (!(cm instanceof ComponentColorModel) || cm.getColorSpace().getType() != ColorSpace.TYPE_GRAY
                || (transfer != DataBuffer.TYPE_BYTE && transfer != DataBuffer.TYPE_USHORT)) return img;
        int w = img.getWidth(), h = img.getHeight();
        boolean alpha = cm.hasAlpha();
        float greyScale = 255f / ((1 << cm.getComponentSize(0)) - 1);
        float alphaScale = alpha ? 255f / ((1 << cm.getComponentSize(1)) - 1) : 0f;
        BufferedImage out = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Raster raster = img.getRaster();
        int[] grey = new int[w], opacity = new int[w], row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, grey);
            if (alpha) raster.getSamples(0, y, w, 1, 1, opacity);
            for (int x = 0; x < w; x++) {
                int v = Math.round(grey[x] * greyScale);
                int a = alpha ? Math.round(opacity[x] * alphaScale) : 255;
                row[x] = (a << 24) | (v << 16) | (v << 8) | v;
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
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
            AtomicFile.write(file, tmp -> {
                if (!ImageIO.write(img, format, tmp.toFile())) throw new IOException("no ImageIO writer for " + format);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
