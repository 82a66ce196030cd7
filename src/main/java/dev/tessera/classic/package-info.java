/**
 * Classic photomosaic matching: nearest template by sub-cell colours, repetition control, tint.
 * May import: image, templates, render.
 */
package dev.tessera.classic;
