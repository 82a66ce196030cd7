package dev.tessera.cli;

import picocli.CommandLine.Command;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render images (or a saved index map) with a trained checkpoint.")
final class RenderCommand extends PendingCommand {}
