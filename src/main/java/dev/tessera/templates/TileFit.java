package dev.tessera.templates;

/** How a non-square picture becomes a square template. */
public enum TileFit {
    /** Keep the centred square, cutting off the long side's ends (fills the tile; photos). */
    CROP,
    /** Keep the whole picture, centred, with the background colour on the short side (emoji, sprites). */
    PAD
}
