package dev.tessera.render;

import dev.tessera.image.Images;
import dev.tessera.image.PngStreamWriter;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one renderer: an index map and its template set → pixels, each cell pasted as its template's
 * tile at {@code tileSize} pixels, shifted by the map's tint toward the cell's colour (the shift is
 * computed from the tile at this size, so a full tint gives each cell exactly its target mean,
 * up to clamping at 0 and 255). PNG output is streamed one row of
 * cells at a time, so the Java heap holds one band (tileSize × width pixels) and the tiles in use,
 * never the image: a 16,384² mosaic of 64-px tiles (256 × 256 cells) takes a 4 MB band, and within
 * 2 GiB of heap the limit is the PNG format's (2³¹ pixels wide) long before memory. JPEG output is
 * encoded from a whole in-memory image (ImageIO), so it is limited to what the heap holds (about
 * 4 bytes per pixel: 16,384² needs 1 GiB).
 */
public final class MosaicRenderer {
    private final TemplateSet set;
    private final int tileSize;
    private final Map<Integer, int[]> tiles = new ConcurrentHashMap<>();
    private final Map<Integer, float[]> tileMeans = new ConcurrentHashMap<>();

    public MosaicRenderer(TemplateSet set, int tileSize) {
        if (tileSize < 1 || tileSize > TemplateSet.MAX_TILE_SIZE)
            throw new IllegalArgumentException("tile size must be 1.." + TemplateSet.MAX_TILE_SIZE + " px, got " + tileSize);
        this.set = set;
        this.tileSize = tileSize;
    }

    /** Writes PNG (streamed) or JPEG by extension; refuses a map made with another template set. */
    public void write(IndexMap map, Path file) throws IOException {
        map.requireTemplateSet(set.contentHash(), "template set '" + set.description() + "'");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
            Images.write(image(map), file);
            return;
        }
        long width = (long) map.columns() * tileSize;
        if (width * tileSize > Integer.MAX_VALUE)
            throw new IllegalArgumentException("a row of " + map.columns() + " tiles of " + tileSize + " px is too wide to render");
        try (PngStreamWriter png = new PngStreamWriter(file, (int) width, map.rows() * tileSize)) {
            int[] band = new int[(int) width * tileSize];
            for (int r = 0; r < map.rows(); r++) {
                fillBand(map, r, band);
                png.writeRows(band, tileSize);
            }
        }
    }

    /** The whole mosaic in memory (for small outputs, previews and measuring). */
    public BufferedImage image(IndexMap map) {
        map.requireTemplateSet(set.contentHash(), "template set '" + set.description() + "'");
        int width = Math.multiplyExact(map.columns(), tileSize), height = Math.multiplyExact(map.rows(), tileSize);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] band = new int[width * tileSize];
        for (int r = 0; r < map.rows(); r++) {
            fillBand(map, r, band);
            out.setRGB(0, r * tileSize, width, tileSize, band, 0, width);
        }
        return out;
    }

    private void fillBand(IndexMap map, int row, int[] band) {
        int width = map.columns() * tileSize;
        for (int c = 0; c < map.columns(); c++) {
            int cell = row * map.columns() + c;
            int[] tile = tile(map.template(cell));
            boolean tinted = map.tint() > 0;
            float dr = 0, dg = 0, db = 0;
            if (tinted) {
                float[] mean = tileMeans.computeIfAbsent(map.template(cell), t -> mean(tile(t)));
                dr = map.tint() * (map.cellColour(cell, 0) - mean[0]);
                dg = map.tint() * (map.cellColour(cell, 1) - mean[1]);
                db = map.tint() * (map.cellColour(cell, 2) - mean[2]);
            }
            for (int y = 0; y < tileSize; y++) {
                int dst = y * width + c * tileSize, src = y * tileSize;
                if (!tinted) {
                    System.arraycopy(tile, src, band, dst, tileSize);
                    continue;
                }
                for (int x = 0; x < tileSize; x++) {
                    int p = tile[src + x];
                    band[dst + x] = channel(((p >> 16) & 0xff) + dr) << 16 | channel(((p >> 8) & 0xff) + dg) << 8
                            | channel((p & 0xff) + db);
                }
            }
        }
    }

    private static float[] mean(int[] argb) {
        double r = 0, g = 0, b = 0;
        for (int p : argb) {
            r += (p >> 16) & 0xff;
            g += (p >> 8) & 0xff;
            b += p & 0xff;
        }
        return new float[] {(float) (r / argb.length), (float) (g / argb.length), (float) (b / argb.length)};
    }

    private static int channel(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    private int[] tile(int template) {
        return tiles.computeIfAbsent(template, t -> set.tileArgb(t, tileSize));
    }

    public int tileSize() {
        return tileSize;
    }
}
