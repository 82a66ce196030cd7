/**
 * Training and per-image fitting: the stitched training step, temperature and learning-rate schedules, checkpoints.
 * May import: image, templates, model, ops.
 */
package dev.tessera.train;
