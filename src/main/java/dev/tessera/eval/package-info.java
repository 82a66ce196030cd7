/**
 * Quality as it is seen (DESIGN §6): area downscaling, PSNR over RGB, SSIM on luma, mean CIEDE2000.
 * Pure Java and deterministic, no LibTorch; also the reports built on those figures and a training run's log and chart.
 * May import: java.desktop (BufferedImage), dev.tessera.image, JFreeChart (training charts).
 */
package dev.tessera.eval;
