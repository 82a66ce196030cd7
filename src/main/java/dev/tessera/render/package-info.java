/**
 * Index maps and the one renderer that turns an index map into pixels or text.
 * May import: image, templates.
 */
package dev.tessera.render;
