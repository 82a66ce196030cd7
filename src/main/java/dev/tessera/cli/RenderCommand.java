package dev.tessera.cli;

import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tessera render}: pixels from a saved index map (any tile size), with the set it was made with. */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Render a saved index map (from classic, fit or a trained model) with its template set, at any tile size.",
                "The set must be the one the map was made with (checked by content hash)."},
        footer = {"", "Exit codes: 0 written, 2 usage, 3 bad input (map, set, or a set that does not match), 4 I/O failure."})
final class RenderCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--index", paramLabel = "MAP", required = true, description = "Index map (.json or .csv) to render.")
    Path index;

    @Mixin
    TemplatesSourceOptions templates;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Output image (.png streams any size; .jpg).")
    Path output;

    @Option(names = "--tile", paramLabel = "PX", description = "Tile size in pixels (default: the map's cell size).")
    Integer tile;

    @Override
    public Integer call() throws Exception {
        IndexMap map = IndexMap.load(index);
        TemplateSet set = templates.load(spec.commandLine().getErr());
        int size = tile != null ? tile : map.cellSize();
        new MosaicRenderer(set, size).write(map, output);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("render: %dx%d cells of %d px -> %s (%dx%d)%n", map.columns(), map.rows(), size, output,
                map.columns() * size, map.rows() * size);
        out.flush();
        return ExitCodes.OK;
    }
}
