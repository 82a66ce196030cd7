package dev.tessera.cli;

import dev.tessera.templates.TemplateSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tessera templates list}: what a set holds, one template a line, and its hash. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Print the set's description, sizes and content hash, then index, id and name of each template.")
final class TemplatesListCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TemplatesSourceOptions source;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TemplateSet set = source.load(spec.commandLine().getErr());
        out.println(set.description());
        out.println("templates " + set.count() + ", analysis " + set.analysisSize() + " px, prepared sizes " + set.preparedSizes());
        out.println("hash " + set.contentHash());
        for (int i = 0; i < set.count(); i++) out.println(i + "\t" + set.id(i) + "\t" + set.name(i));
        out.flush();
        return 0;
    }
}
