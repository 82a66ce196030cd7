package dev.tessera.eval;

import java.awt.image.BufferedImage;

/**
 * One way of rendering the input in a comparison: its mode's name, a line on how it was made, the
 * mosaic, its figures, and what it cost.
 *
 * @param mode        short name, also the stem of its files (e.g. "classic", "fit")
 * @param description how the mosaic was made, for people
 * @param mosaic      the rendered mosaic, at least the input's size with its aspect ratio
 * @param quality     its figures against the input, with distinct templates used
 * @param seconds     wall time to choose the templates (rendering and measuring not counted)
 * @param indexMap    file name of its saved index map beside the report, or null when none was saved
 */
public record CompareEntry(String mode, String description, BufferedImage mosaic, QualityReport quality, double seconds,
        String indexMap) {
    public CompareEntry {
        if (!mode.matches("[a-z0-9][a-z0-9-]*"))
            throw new IllegalArgumentException("mode name '" + mode + "' must be lower-case letters, digits and '-': it names files");
    }
}
