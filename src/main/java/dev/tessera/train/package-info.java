/**
 * Training and per-image fitting: the stitched training step, temperature and learning-rate schedules, checkpoints.
 * May import: image, templates, model, ops, render (index maps) and classic (its cell grid and starting solution).
 */
package dev.tessera.train;
