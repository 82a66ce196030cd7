/**
 * Template sets: glyphs, emoji and photo tiles, at analysis size and any render size, saved and reopened.
 * May import: image, LibTorch (tensors made on request), Gson (manifests).
 */
package dev.tessera.templates;
