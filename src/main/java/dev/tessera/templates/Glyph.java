package dev.tessera.templates;

/**
 * What a glyph template shows: one character (a Unicode code point) in one ink colour, on the
 * set's paper colour. Kept with the set so a glyph mosaic can also be written out as text.
 *
 * @param codePoint the character
 * @param foreground ink colour, 0xRRGGBB
 */
public record Glyph(int codePoint, int foreground) {
    /** The character as a string (one or two chars). */
    public String text() {
        return new String(Character.toChars(codePoint));
    }

    /** True for space-like characters, whose template is plain paper whatever the ink. */
    public boolean blank() {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
    }
}
