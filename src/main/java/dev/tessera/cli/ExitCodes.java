package dev.tessera.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The documented exit codes, and the handler that maps a failure to one line and its code (the
 * stack trace only with --debug).
 */
final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
    static final int OK = 0;
    static final int INTERNAL = 1;
    static final int USAGE = 2;
    static final int INPUT = 3;
    static final int IO = 4;

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean debug = asksForDebug(parsed);
        int code = codeFor(e);
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + (code == INTERNAL ? "internal error: " : "") + message);
        if (debug) e.printStackTrace(cli.getErr());
        else if (code == INTERNAL) cli.getErr().println("(run again with --debug for the stack trace)");
        return code;
    }

    // --debug is inherited by every subcommand, so look for it at every level of the parse.
    private static boolean asksForDebug(CommandLine.ParseResult parsed) {
        if (parsed == null) return false;
        if (parsed.hasMatchedOption("--debug")) return true;
        return parsed.subcommands().stream().anyMatch(ExitCodes::asksForDebug);
    }

    static int codeFor(Exception e) {
        if (e instanceof UncheckedIOException) return IO;
        if (e instanceof IOException || e instanceof IllegalArgumentException) return INPUT;
        return INTERNAL;
    }
}
