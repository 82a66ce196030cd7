package dev.tessera.cli;

import picocli.CommandLine;

/** Entry point of the {@code tessera} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(TesseraCommand.commandLine().execute(args));
    }
}
