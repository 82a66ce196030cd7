package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.eval.CieLab;
import dev.tessera.eval.Ciede2000;
import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TesseraCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void identicalImagesPrintInfinitePsnrUnitSsimAndZeroDeltaE() {
        BufferedImage img = noise(new Random(), 48, 48);
        Path input = write(img, "input.png"), mosaic = write(enlarge(img, 4), "mosaic.png");
        assertEquals(0, run("eval", "--input", input.toString(), "--mosaic", mosaic.toString()), err.toString());
        assertEquals(List.of("1", "48x48", "inf", "1.0000", "0.000"), row("1"));
        assertEquals(List.of("1/2", "24x24", "inf", "1.0000", "0.000"), row("1/2"));
        assertEquals(List.of("1/4", "12x12", "inf", "1.0000", "0.000"), row("1/4"));
    }

    @Test
    void flatGreysPrintTheirHandComputedFigures() {
        Path input = write(flat(100, 48, 44), "grey100.png"), mosaic = write(flat(110, 96, 88), "grey110.png");
        assertEquals(0, run("eval", "-i", input.toString(), "-m", mosaic.toString()), err.toString());
        // Every value off by 10: PSNR = 10·log10(255²/100) = 28.1308; flat SSIM = (2·100·110 + C1) /
        // (100² + 110² + C1) = 0.99548, C1 = (0.01·255)²; ΔE00 of the two greys, whatever the scale.
        String deltaE = String.format(Locale.ROOT, "%.3f",
                Ciede2000.difference(CieLab.fromSrgb(100, 100, 100), CieLab.fromSrgb(110, 110, 110)));
        assertEquals(List.of("1", "48x44", "28.13", "0.9955", deltaE), row("1"));
        assertEquals(List.of("1/4", "12x11", "28.13", "0.9955", deltaE), row("1/4"));
    }

    /** The whitespace-separated cells of the table row for a scale ("1", "1/2", "1/4"). */
    private List<String> row(String scale) {
        return out.toString().lines().map(line -> List.of(line.trim().split("\\s+")))
                .filter(cells -> cells.get(0).equals(scale)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for scale " + scale + " in:\n" + out));
    }

    @Test
    void jsonCarriesFullPrecisionAndNullForUnboundedPsnr() {
        BufferedImage img = noise(new Random(), 44, 44);
        Path input = write(img, "in.png"), mosaic = write(enlarge(img, 2), "mo.png");
        assertEquals(0, run("eval", "--input", input.toString(), "--mosaic", mosaic.toString(), "--json"), err.toString());
        String json = out.toString().trim();
        assertTrue(json.startsWith("{\"input\": \"" + input + "\", \"mosaic\": \"" + mosaic + "\", \"quality\": {\"scales\": ["), json);
        assertTrue(json.contains("{\"factor\": 4, \"width\": 11, \"height\": 11, \"psnr\": null, \"ssim\": 1.0, \"ciede2000\": 0.0}"), json);
        assertTrue(json.endsWith("\"distinctTemplates\": null}}"), json);
    }

    @Test
    void missingOrUndecodableFilesAreInputErrorsNamingTheFile() throws IOException {
        Path input = write(flat(10, 16, 16), "in.png");
        Path missing = dir.resolve("nowhere.png");
        assertEquals(3, run("eval", "--input", input.toString(), "--mosaic", missing.toString()));
        assertTrue(err.toString().contains(missing.toString()), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());

        Path text = Files.writeString(dir.resolve("notes.png"), "not a picture");
        err.getBuffer().setLength(0);
        assertEquals(3, run("eval", "--input", text.toString(), "--mosaic", input.toString()));
        assertTrue(err.toString().contains(text.toString()), err.toString());

        byte[] png = Files.readAllBytes(write(noise(new Random(), 64, 64), "whole.png"));
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        err.getBuffer().setLength(0);
        assertEquals(3, run("eval", "--input", input.toString(), "--mosaic", truncated.toString()));
        assertTrue(err.toString().startsWith("tessera eval: " + truncated), err.toString());
    }

    @Test
    void mosaicsOfAnotherShapeAreInputErrors() {
        Path input = write(flat(10, 40, 30), "in.png");
        Path skewed = write(flat(10, 80, 64), "skewed.png");
        assertEquals(3, run("eval", "--input", input.toString(), "--mosaic", skewed.toString()));
        assertTrue(err.toString().contains(skewed + ": mosaic 80x64 does not have the input's aspect ratio"), err.toString());

        Path small = write(flat(10, 20, 15), "small.png");
        err.getBuffer().setLength(0);
        assertEquals(3, run("eval", "--input", input.toString(), "--mosaic", small.toString()));
        assertTrue(err.toString().contains("smaller than the input"), err.toString());
    }

    @Test
    void missingOptionsAreUsageErrors() {
        assertEquals(2, run("eval", "--input", "a.png"));
        assertTrue(err.toString().contains("--mosaic") && err.toString().contains("--index"), err.toString());
    }

    /** A 9-template set cut from a picture of gradients and noise: the flags that choose it, for classic and eval alike. */
    private String[] gridSet() {
        Path tiles = write(gradient(new Random(), 24, 24), "tiles.png");
        return new String[] {"--grid", tiles.toString(), "--grid-tiles", "3x3"};
    }

    /** Runs {@code classic} on the input with the set; returns the folder holding NAME.png and NAME.json. */
    private Path classic(Path input, String[] set, String... more) {
        Path out = dir.resolve("classic");
        List<String> args = new ArrayList<>(List.of("classic", input.toString(), "-o", out.toString()));
        args.addAll(List.of(set));
        args.addAll(List.of(more));
        TesseraCommandTest.Run r = TesseraCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    @Test
    void anIndexMapIsJudgedExactlyAsItsRenderedMosaicPlusDistinctTemplates() throws IOException {
        Path input = write(gradient(new Random(), 64, 48), "in.png");
        String[] set = gridSet();
        Path made = classic(input, set);
        assertEquals(0, run("eval", "--input", input.toString(), "--mosaic", made.resolve("in.png").toString(), "--json"), err.toString());
        String byPixels = out.toString().trim();
        out.getBuffer().setLength(0);
        List<String> args = new ArrayList<>(List.of("eval", "--input", input.toString(), "--index", made.resolve("in.json").toString(), "--json"));
        args.addAll(List.of(set));
        assertEquals(0, run(args.toArray(String[]::new)), err.toString());
        String byMap = out.toString().trim();

        int distinct = IndexMap.load(made.resolve("in.json")).distinctTemplates();
        assertTrue(distinct > 1 && distinct <= 9, "distinct " + distinct);
        String scales = byPixels.substring(byPixels.indexOf("\"quality\": "), byPixels.indexOf(", \"distinctTemplates\""));
        assertTrue(byMap.contains(scales), byMap + "\nvs\n" + byPixels);
        assertTrue(byMap.endsWith("\"distinctTemplates\": " + distinct + "}}"), byMap);
        assertTrue(byMap.startsWith("{\"input\": \"" + input + "\", \"index\": \"" + made.resolve("in.json") + "\""), byMap);
    }

    @Test
    void aCroppedInputIsJudgedOnTheMapsGridAsClassicEvalJudgesIt() {
        // 70x53 holds 8x6 cells of 8 px; classic crops the centred 64x48 and --eval measures that.
        Path input = write(gradient(new Random(), 70, 53), "odd.png");
        String[] set = gridSet();
        Path made = dir.resolve("classic");
        List<String> classicArgs = new ArrayList<>(List.of("classic", input.toString(), "-o", made.toString(), "--eval"));
        classicArgs.addAll(List.of(set));
        TesseraCommandTest.Run c = TesseraCommandTest.run(classicArgs.toArray(String[]::new));
        assertEquals(0, c.exit(), c.err());

        List<String> args = new ArrayList<>(List.of("eval", "-i", input.toString(), "--index", made.resolve("odd.json").toString()));
        args.addAll(List.of(set));
        assertEquals(0, run(args.toArray(String[]::new)), err.toString());
        assertTrue(out.toString().contains("cropped 70x53 to 64x48 (centred)"), out.toString());
        for (String scale : new String[] {"1", "1/2", "1/4"}) {
            List<String> fromClassic = c.out().lines().map(line -> List.of(line.trim().split("\\s+")))
                    .filter(cells -> cells.get(0).equals(scale)).findFirst().orElseThrow();
            assertEquals(fromClassic, row(scale));
        }
        assertEquals(List.of("1", "64x48"), row("1").subList(0, 2));
        String distinct = c.out().lines().filter(l -> l.startsWith("distinct templates used: ")).findFirst().orElseThrow();
        assertTrue(out.toString().contains(distinct), out.toString());
    }

    @Test
    void aMapRenderedWithAnotherSetIsAnInputErrorNamingTheMap() {
        Path input = write(gradient(new Random(), 32, 32), "in.png");
        Path map = classic(input, gridSet()).resolve("in.json");
        assertEquals(3, run("eval", "--input", input.toString(), "--index", map.toString(), "--templates", "glyphs"));
        assertTrue(err.toString().startsWith("tessera eval: " + map + ": index map was made with template set "), err.toString());
        assertTrue(err.toString().contains("render it with the set it was made with"), err.toString());
    }

    @Test
    void mosaicAndIndexAreAlternativesAndSetFlagsNeedAnIndex() {
        Path input = write(flat(10, 16, 16), "in.png");
        assertEquals(2, run("eval", "--input", input.toString(), "--mosaic", input.toString(), "--index", "map.json"));
        assertTrue(err.toString().contains("mutually exclusive"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, run("eval", "--input", input.toString(), "--mosaic", input.toString(), "--templates", "glyphs"));
        assertTrue(err.toString().contains("--templates chooses the template set of an --index map"), err.toString());
    }

    private Path write(BufferedImage img, String name) {
        Path file = dir.resolve(name);
        Images.write(img, file);
        return file;
    }

    private static BufferedImage flat(int grey, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, grey * 0x010101);
        return img;
    }

    private static BufferedImage noise(Random rng, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, rng.nextInt(1 << 24));
        return img;
    }

    /** Gradients under noise, so neighbouring cells want different templates. */
    private static BufferedImage gradient(Random rng, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | rng.nextInt(256));
        return img;
    }

    private static BufferedImage enlarge(BufferedImage img, int k) {
        BufferedImage big = new BufferedImage(img.getWidth() * k, img.getHeight() * k, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < big.getHeight(); y++)
            for (int x = 0; x < big.getWidth(); x++) big.setRGB(x, y, img.getRGB(x / k, y / k));
        return big;
    }
}
