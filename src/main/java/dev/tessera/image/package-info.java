/**
 * Image I/O and pixel conversions: decoding with limits, float NCHW tensors from and to BufferedImage.
 * May import: java.desktop, LibTorch (org.bytedeco.pytorch).
 */
package dev.tessera.image;
