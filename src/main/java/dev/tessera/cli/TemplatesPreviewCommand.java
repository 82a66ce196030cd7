package dev.tessera.cli;

import dev.tessera.image.Images;
import dev.tessera.templates.ContactSheet;
import dev.tessera.templates.TemplateSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tessera templates preview}: a contact sheet of the set, to see it before using it. */
@Command(name = "preview", mixinStandardHelpOptions = true,
        description = "Write a contact sheet (PNG) of the set: every template in index order on a grey grid.")
final class TemplatesPreviewCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TemplatesSourceOptions source;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "templates.png",
            description = "The sheet to write, .png or .jpg (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--tile-size", paramLabel = "PX", defaultValue = "32", description = "Side of each tile on the sheet (default: ${DEFAULT-VALUE}).")
    int tileSize;

    @Option(names = "--columns", paramLabel = "N", defaultValue = "0", description = "Tiles per row (default: a near-square sheet).")
    int columns;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TemplateSet set = source.load(spec.commandLine().getErr());
        Images.write(ContactSheet.of(set, tileSize, columns), output);
        out.println("wrote " + output + ": " + set.count() + " templates at " + tileSize + " px (" + set.description() + ")");
        out.flush();
        return 0;
    }
}
