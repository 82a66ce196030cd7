package dev.tessera.cli;

import picocli.CommandLine.Command;

@Command(name = "classic", mixinStandardHelpOptions = true,
        description = "Classic photomosaic: each cell gets the template whose sub-cell colours are nearest (no network).")
final class ClassicCommand extends PendingCommand {}
