package dev.tessera.cli;

import dev.tessera.templates.TemplateSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tessera templates prepare}: decode a set once and save it, to reopen it in moments with --set. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Build the set at the --sizes given and save it to a folder (manifest.json + raw tiles);",
                "later commands take it with --set FOLDER instead of decoding the pictures again."})
final class TemplatesPrepareCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TemplatesSourceOptions source;

    @Option(names = {"-o", "--output"}, paramLabel = "FOLDER", required = true,
            description = "Folder to write; an earlier prepared set there is replaced, any other content is refused.")
    Path output;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TemplateSet set = source.load(spec.commandLine().getErr());
        set.save(output);
        out.println("prepared " + output + ": " + set.description());
        out.println("templates " + set.count() + ", sizes " + set.preparedSizes() + ", hash " + set.contentHash());
        out.flush();
        return 0;
    }
}
