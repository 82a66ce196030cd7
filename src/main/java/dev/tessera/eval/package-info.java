/**
 * Quality as it is seen (DESIGN §6): area downscaling, PSNR over RGB, SSIM on luma, mean CIEDE2000.
 * Pure Java and deterministic, no LibTorch. May import: java.desktop (BufferedImage), dev.tessera.image.
 */
package dev.tessera.eval;
