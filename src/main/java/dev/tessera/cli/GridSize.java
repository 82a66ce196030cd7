package dev.tessera.cli;

import java.util.Locale;
import picocli.CommandLine;

/** Parses "WxH" flag values (e.g. --cells 64x48). */
final class GridSize {
    private GridSize() {}

    static int[] parse(CommandLine.Model.CommandSpec spec, String flag, String value) {
        String[] wh = value.toLowerCase(Locale.ROOT).split("x");
        try {
            if (wh.length == 2) {
                int w = Integer.parseInt(wh[0].trim()), h = Integer.parseInt(wh[1].trim());
                if (w > 0 && h > 0) return new int[] {w, h};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), flag + " '" + value
                + "' is not WxH with positive numbers, e.g. 64x48");
    }
}
