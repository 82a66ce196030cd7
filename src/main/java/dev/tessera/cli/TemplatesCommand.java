package dev.tessera.cli;

import picocli.CommandLine.Command;

@Command(name = "templates", mixinStandardHelpOptions = true,
        description = "List, preview and prepare template sets (glyphs, emoji, photo tiles).")
final class TemplatesCommand extends PendingCommand {}
