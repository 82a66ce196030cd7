package dev.tessera.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tessera templates}: the template-set jobs are its subcommands. */
@Command(name = "templates", mixinStandardHelpOptions = true,
        description = {"List, preview and prepare template sets (glyphs, emoji, photo tiles).",
                "Choose the set with --glyphs [CHARS], --dir DIR, --grid IMAGE --grid-tiles WxH or --set PREPARED."},
        subcommands = {TemplatesListCommand.class, TemplatesPreviewCommand.class, TemplatesPrepareCommand.class})
final class TemplatesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
