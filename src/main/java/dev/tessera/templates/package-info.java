/**
 * Template sets: glyphs, emoji and photo tiles, at analysis size and any render size, saved and reopened.
 * May import: image.
 */
package dev.tessera.templates;
