package dev.tessera.classic;

import java.awt.Rectangle;

/**
 * How an image is cut into square cells: columns × rows cells of {@code cellSize} source pixels,
 * over the centred region that fits a whole number of cells. What does not fit (fewer than one cell
 * on each axis) is cropped, half from each side, and {@link #describeCrop} says so.
 */
public record CellGrid(int columns, int rows, int cellSize, Rectangle region, int imageWidth, int imageHeight) {

    /** Cells of {@code cellSize} pixels. */
    public static CellGrid ofCellSize(int width, int height, int cellSize) {
        if (cellSize < 1) throw new IllegalArgumentException("--cell must be >= 1 pixel, got " + cellSize);
        int columns = width / cellSize, rows = height / cellSize;
        if (columns < 1 || rows < 1)
            throw new IllegalArgumentException("a " + width + "x" + height + " image is smaller than one " + cellSize
                    + "-pixel cell; use a smaller --cell");
        return centred(width, height, columns, rows, cellSize);
    }

    /** A grid of about {@code columns} × {@code rows} square cells (the larger cell that fits both). */
    public static CellGrid ofGrid(int width, int height, int columns, int rows) {
        if (columns < 1 || rows < 1) throw new IllegalArgumentException("--cells must be positive, got " + columns + "x" + rows);
        int cell = Math.min(width / columns, height / rows);
        if (cell < 1)
            throw new IllegalArgumentException("a " + width + "x" + height + " image cannot hold " + columns + "x" + rows
                    + " cells of at least one pixel");
        return centred(width, height, columns, rows, cell);
    }

    private static CellGrid centred(int width, int height, int columns, int rows, int cell) {
        int w = columns * cell, h = rows * cell;
        return new CellGrid(columns, rows, cell, new Rectangle((width - w) / 2, (height - h) / 2, w, h), width, height);
    }

    public int cells() {
        return columns * rows;
    }

    public boolean cropped() {
        return region.width != imageWidth || region.height != imageHeight;
    }

    /** "" when nothing was cropped, else a sentence for the user. */
    public String describeCrop() {
        if (!cropped()) return "";
        return "cropped " + imageWidth + "x" + imageHeight + " to " + region.width + "x" + region.height + " (centred) to fit "
                + columns + "x" + rows + " cells of " + cellSize + " px";
    }
}
