package dev.tessera.cli;

import picocli.CommandLine.Command;

@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Optimise the template choice for one image (per-cell logits or a fresh decoder).")
final class FitCommand extends PendingCommand {}
