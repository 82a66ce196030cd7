package dev.tessera.cli;

import dev.tessera.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tessera}: the top-level command; every job is a subcommand. */
@Command(name = "tessera",
        mixinStandardHelpOptions = true,
        versionProvider = TesseraCommand.VersionProvider.class,
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage, 3 bad input, 4 I/O failure."},
        description = "Photomosaics from templates (glyphs, emoji, photos): learned (a network trained with a "
                + "multi-scale perceptual loss) or classic (nearest template per cell).",
        subcommands = {
            DemoCommand.class,
            ClassicCommand.class,
            TrainCommand.class,
            FitCommand.class,
            CompareCommand.class,
            RenderCommand.class,
            EvalCommand.class,
            TemplatesCommand.class,
            CommandLine.HelpCommand.class
        })
public final class TesseraCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of failures.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line: what {@link Main} runs and what tests call execute() on. */
    public static CommandLine commandLine() {
        return new CommandLine(new TesseraCommand()).setExecutionExceptionHandler(new ExitCodes());
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tessera " + Version.get()};
        }
    }
}
