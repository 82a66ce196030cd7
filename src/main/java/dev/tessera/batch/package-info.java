/**
 * Running one job over many files: bounded parallel work, one progress line, outputs written
 * atomically and skipped when present, failures counted instead of stopping the batch.
 * May import: image.
 */
package dev.tessera.batch;
