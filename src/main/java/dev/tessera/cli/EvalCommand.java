package dev.tessera.cli;

import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tessera eval}: the DESIGN §6 figures of a mosaic against its input, at the input's size,
 * ½ and ¼. Exit codes: 0 measured, 2 usage error (picocli), 3 an input file that cannot be used.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure a mosaic as it is seen: PSNR (RGB), SSIM (luma) and CIEDE2000 at viewing distance.",
                "The mosaic (any size at least the input's, same aspect ratio) is area-downscaled to the input's size, "
                        + "then both to 1/2 and 1/4. Conventions: docs/quality.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:measured", "2:usage error", "3:an input file is missing, unreadable or the wrong shape"})
final class EvalCommand implements Callable<Integer> {
    /** A file the user named cannot be used. */
    static final int INPUT_ERROR = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "IMG", description = "The picture the mosaic reproduces.")
    Path input;

    @Option(names = {"-m", "--mosaic"}, required = true, paramLabel = "MOSAIC", description = "The rendered mosaic.")
    Path mosaic;

    @Option(names = "--json", description = "Print one JSON object instead of a table (PSNR null: identical images).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BufferedImage in, mo;
        try {
            in = read(input);
            mo = read(mosaic);
        } catch (IOException e) {
            err.println("tessera eval: " + e.getMessage());
            return INPUT_ERROR;
        }
        QualityReport report;
        try {
            report = MosaicQuality.measure(in, mo);
        } catch (IllegalArgumentException e) {
            err.println("tessera eval: " + mosaic + ": " + e.getMessage());
            return INPUT_ERROR;
        }
        if (json) {
            out.println("{\"input\": " + jsonString(input.toString()) + ", \"mosaic\": " + jsonString(mosaic.toString())
                    + ", \"quality\": " + report.toJson() + "}");
        } else {
            out.println("input  " + input + " (" + in.getWidth() + "x" + in.getHeight() + ")");
            out.println("mosaic " + mosaic + " (" + mo.getWidth() + "x" + mo.getHeight() + ")");
            out.print(report.toTable());
        }
        out.flush();
        return 0;
    }

    /** Decodes an image; ImageIO's own failures (a truncated PNG) do not say which file, so add it. */
    private static BufferedImage read(Path file) throws IOException {
        try {
            return Images.read(file);
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            throw new IOException(message.contains(file.toString()) ? message : file + ": cannot decode: " + message, e);
        }
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
