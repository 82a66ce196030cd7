package dev.tessera.cli;

import dev.tessera.templates.GlyphSource;
import dev.tessera.templates.ImageDirectorySource;
import dev.tessera.templates.ImageGridSource;
import dev.tessera.templates.TemplateSet;
import dev.tessera.templates.TileFit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The flags that choose and shape a template set, shared by the {@code templates} subcommands. */
final class TemplatesSourceOptions {
    private static final Map<String, Integer> COLOUR_NAMES = Map.of(
            "black", 0x000000, "white", 0xffffff, "grey", 0x808080, "gray", 0x808080, "red", 0xff0000,
            "green", 0x00ff00, "blue", 0x0000ff, "yellow", 0xffff00, "cyan", 0x00ffff, "magenta", 0xff00ff);

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source = new Source();

    static final class Source {
        @Option(names = "--glyphs", arity = "0..1", fallbackValue = "", paramLabel = "CHARS",
                description = "Glyphs of these characters (default without a value, or without any source flag: the method's 62).")
        String glyphs;

        @Option(names = "--dir", paramLabel = "DIR", description = "A folder of pictures (photos, emoji PNGs), one template each.")
        Path dir;

        @Option(names = "--grid", paramLabel = "IMAGE", description = "One picture cut into --grid-tiles.")
        Path grid;

        @Option(names = "--set", paramLabel = "PREPARED", description = "A set saved by `tessera templates prepare`.")
        Path set;

        @Option(names = {"-t", "--templates"}, paramLabel = "SET",
                description = "Shorthand: 'glyphs' (the method's 62), a prepared set's folder, or a folder of pictures.")
        String templates;
    }

    @Option(names = "--grid-tiles", paramLabel = "WxH", description = "Columns x rows of the --grid, e.g. 16x8.")
    String cells;

    @Option(names = "--font", paramLabel = "FILE", description = "TrueType/OpenType font for glyphs (default: bundled DejaVu Sans Mono).")
    Path font;

    @Option(names = "--foreground", split = ",", paramLabel = "COLOUR",
            description = "Glyph ink colours, #rrggbb or a name, comma-separated; each character comes in each (default: black).")
    List<String> foregrounds;

    @Option(names = "--background", paramLabel = "COLOUR", defaultValue = "white",
            description = "Glyph paper, and the colour under transparent or padded pictures (default: ${DEFAULT-VALUE}).")
    String background;

    @Option(names = "--fit", paramLabel = "crop|pad", defaultValue = "crop",
            description = "Non-square pictures: crop to the centred square, or pad with --background (default: ${DEFAULT-VALUE}).")
    String fit;

    @Option(names = "--sizes", split = ",", paramLabel = "PX", defaultValue = "8,16,32,64",
            description = "Tile sizes to prepare (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--analysis-size", paramLabel = "PX", defaultValue = "8",
            description = "Side of the templates the network sees (default: ${DEFAULT-VALUE}).")
    int analysisSize;

    @Option(names = "--threads", paramLabel = "N", description = "Decoding threads for --dir (default: all cores).")
    Integer threads;

    /** Builds the chosen set; progress and warnings go to {@code err}. */
    TemplateSet load(PrintWriter err) throws IOException {
        Source s = source;
        if (s.templates != null) resolveShorthand(s);
        boolean glyphs = s.dir == null && s.grid == null && s.set == null;
        if (!glyphs && (font != null || foregrounds != null)) fail("--font and --foreground apply to glyph sets only");
        if (s.grid == null && cells != null) fail("--grid-tiles applies to --grid only");
        if (s.set != null) return TemplateSet.open(s.set);
        int paper = colour("--background", background);
        if (s.dir != null) {
            ImageDirectorySource dir = new ImageDirectorySource(s.dir).fit(fit()).background(paper)
                    .analysisSize(analysisSize).sizes(sizes).report(err);
            if (threads != null) dir.threads(threads);
            return dir.build();
        }
        if (s.grid != null) {
            if (cells == null) fail("--grid needs --grid-tiles WxH (columns x rows), e.g. --grid-tiles 16x8");
            String[] wh = cells.toLowerCase(Locale.ROOT).split("x");
            int columns = 0, rows = 0;
            try {
                if (wh.length == 2) {
                    columns = Integer.parseInt(wh[0].trim());
                    rows = Integer.parseInt(wh[1].trim());
                }
            } catch (NumberFormatException e) {
                columns = 0;
            }
            if (columns < 1 || rows < 1) fail("--grid-tiles '" + cells + "' is not WxH with positive numbers, e.g. 16x8");
            return new ImageGridSource(s.grid, columns, rows).fit(fit()).background(paper)
                    .analysisSize(analysisSize).sizes(sizes).build();
        }
        GlyphSource source = new GlyphSource().background(paper).font(font).analysisSize(analysisSize).sizes(sizes);
        if (s.glyphs != null && !s.glyphs.isEmpty()) source.characters(s.glyphs);
        if (foregrounds != null) {
            List<Integer> inks = new ArrayList<>();
            for (String f : foregrounds) inks.add(colour("--foreground", f));
            source.foregrounds(inks);
        }
        return source.build();
    }

    /** --templates SET: the word 'glyphs', a prepared set (a folder with manifest.json), or a folder of pictures. */
    private void resolveShorthand(Source s) {
        Path p = Path.of(s.templates);
        if (s.templates.equals("glyphs")) s.glyphs = "";
        else if (java.nio.file.Files.isRegularFile(p.resolve("manifest.json"))) s.set = p;
        else if (java.nio.file.Files.isDirectory(p)) s.dir = p;
        else fail("--templates '" + s.templates + "': not 'glyphs', a prepared set or a folder of pictures"
                + (java.nio.file.Files.isRegularFile(p) ? " (to cut one picture into tiles use --grid " + p + " --grid-tiles WxH)" : ""));
    }

    private TileFit fit() {
        try {
            return TileFit.valueOf(fit.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--fit '" + fit + "': use crop or pad");
        }
    }

    private int colour(String flag, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (COLOUR_NAMES.containsKey(v)) return COLOUR_NAMES.get(v);
        String hex = v.startsWith("#") ? v.substring(1) : v;
        if (hex.matches("[0-9a-f]{6}")) return Integer.parseInt(hex, 16);
        if (hex.matches("[0-9a-f]{3}"))
            return Integer.parseInt("" + hex.charAt(0) + hex.charAt(0) + hex.charAt(1) + hex.charAt(1) + hex.charAt(2) + hex.charAt(2), 16);
        throw new ParameterException(spec.commandLine(), flag + " '" + value + "' is not a colour: use #rrggbb, #rgb or one of "
                + String.join(", ", new java.util.TreeSet<>(COLOUR_NAMES.keySet())));
    }

    private void fail(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }
}
