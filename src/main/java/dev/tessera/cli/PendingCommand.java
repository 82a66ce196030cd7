package dev.tessera.cli;

import dev.tessera.Version;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A subcommand whose issue has not landed yet: documented in --help, and says so when run
 * (exit code 2) instead of pretending to work.
 */
abstract class PendingCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(hidden = true, arity = "0..*")
    List<String> ignored;

    @CommandLine.Unmatched
    List<String> unmatched;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("tessera " + spec.name() + ": not available yet in this build ("
                + Version.get() + "); see README.md for what works today.");
        return 2;
    }
}
