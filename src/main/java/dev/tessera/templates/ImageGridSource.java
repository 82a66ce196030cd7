package dev.tessera.templates;

import dev.tessera.image.Images;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Templates cut from one picture on a grid of columns × rows cells (a sprite sheet, a palette of
 * swatches, a photo cut into pieces), row by row. Cell edges fall on whole pixels; cells that are
 * not square are cropped or padded like folder pictures ({@link TileFit}).
 */
public final class ImageGridSource {
    private final Path image;
    private final int columns;
    private final int rows;
    private TileFit fit = TileFit.CROP;
    private int background = 0xffffff;
    private int analysisSize = TemplateSet.DEFAULT_ANALYSIS_SIZE;
    private List<Integer> sizes = TemplateSet.DEFAULT_SIZES;

    public ImageGridSource(Path image, int columns, int rows) {
        if (columns < 1 || rows < 1) throw new IllegalArgumentException("a grid needs at least 1×1 cells, got " + columns + "×" + rows);
        this.image = image;
        this.columns = columns;
        this.rows = rows;
    }

    public ImageGridSource fit(TileFit fit) {
        this.fit = fit;
        return this;
    }

    /** Colour under transparent pixels and around padded cells, 0xRRGGBB (default white). */
    public ImageGridSource background(int rgb) {
        this.background = rgb & 0xffffff;
        return this;
    }

    public ImageGridSource analysisSize(int size) {
        this.analysisSize = size;
        return this;
    }

    /** Sizes to prepare besides the analysis size (default 8, 16, 32, 64). */
    public ImageGridSource sizes(Collection<Integer> sizes) {
        this.sizes = List.copyOf(sizes);
        return this;
    }

    /**
     * Cuts the picture.
     *
     * @throws IOException the picture does not decode
     * @throws IllegalArgumentException more cells than pixels along an axis
     */
    public TemplateSet build() throws IOException {
        BufferedImage img = Images.readIntact(image);
        int w = img.getWidth(), h = img.getHeight();
        if (columns > w || rows > h)
            throw new IllegalArgumentException(image + " is " + w + "×" + h + " px, too small for " + columns + "×" + rows
                    + " cells; use fewer cells");
        SortedSet<Integer> all = GlyphSource.allSizes(analysisSize, sizes);
        SquareTiler tiler = new SquareTiler(fit, background, all);
        int n = columns * rows;
        Map<Integer, int[]> bySize = new LinkedHashMap<>();
        for (int size : all) bySize.put(size, new int[n * size * size]);
        List<String> ids = new ArrayList<>(), names = new ArrayList<>();
        String stem = image.getFileName().toString();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) {
                int x0 = (int) ((long) c * w / columns), x1 = (int) ((long) (c + 1) * w / columns);
                int y0 = (int) ((long) r * h / rows), y1 = (int) ((long) (r + 1) * h / rows);
                int[][] cell = tiler.tiles(img, new Rectangle(x0, y0, x1 - x0, y1 - y0));
                int k = 0, t = r * columns + c;
                for (int size : all) System.arraycopy(cell[k++], 0, bySize.get(size), t * size * size, size * size);
                ids.add("r" + r + "c" + c);
                names.add(stem + " row " + r + " column " + c);
            }
        String description = n + " cells (" + columns + "×" + rows + ") of " + image + " (" + fit.name().toLowerCase() + ")";
        return new TemplateSet(description, ids, names, analysisSize, bySize, List.of(), background, null);
    }
}
