package dev.tessera.templates;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A set at a glance: its tiles in index order, row by row, on a mid-grey grid, so white glyph
 * cells and dark photos both show their edges.
 */
public final class ContactSheet {
    private static final int GRID = 0x808080;

    private ContactSheet() {}

    /**
     * @param tileSize side of each tile in pixels
     * @param columns tiles per row; 0 or less for a near-square sheet
     */
    public static BufferedImage of(TemplateSet set, int tileSize, int columns) {
        int n = set.count();
        int cols = columns > 0 ? Math.min(columns, n) : (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int gap = Math.max(1, tileSize / 16);
        int pitch = tileSize + gap;
        int w = cols * pitch + gap, h = rows * pitch + gap;
        if ((long) w * h > 200_000_000L)
            throw new IllegalArgumentException("a " + w + "×" + h + " sheet is too large; use a smaller tile size");
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] grid = new int[w];
        Arrays.fill(grid, GRID);
        for (int y = 0; y < h; y++) sheet.setRGB(0, y, w, 1, grid, 0, w);
        int[] tiles = set.tiles(tileSize);
        for (int i = 0; i < n; i++)
            sheet.setRGB(gap + (i % cols) * pitch, gap + (i / cols) * pitch, tileSize, tileSize, tiles, i * tileSize * tileSize, tileSize);
        return sheet;
    }
}
