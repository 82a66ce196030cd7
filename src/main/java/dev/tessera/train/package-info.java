/**
 * Training and per-image fitting: the stitched training step, temperature and learning-rate schedules, checkpoints.
 * May import: image, templates, model, ops, render (index maps), classic (its cell grid and starting solution) and eval
 * (the DESIGN §6 colour figures the fit's local search is guarded by).
 */
package dev.tessera.train;
