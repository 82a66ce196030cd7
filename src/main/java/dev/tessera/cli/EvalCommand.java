package dev.tessera.cli;

import picocli.CommandLine.Command;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure a mosaic as it is seen: PSNR (RGB), SSIM (luma) and CIEDE2000 at viewing distance.")
final class EvalCommand extends PendingCommand {}
