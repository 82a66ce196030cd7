package dev.tessera.cli;

import dev.tessera.testing.OneTorchThread;
import dev.tessera.testing.TestPictures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.eval.CompareFigure;
import dev.tessera.eval.CompareVerdict;
import dev.tessera.eval.QualityReport;
import dev.tessera.eval.ScaleFigures;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Vgg16;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.ImageGridSource;
import dev.tessera.templates.TemplateSet;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.LearnedMatcher;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OneTorchThread.class)
class CompareCommandTest {
    @TempDir
    Path dir;

    private Path picture(String name, int w, int h, long seed) {
        return TestPictures.gradientsAndNoise(dir.resolve(name), w, h, seed);
    }

    @Test
    void classicAndFitWriteOneReportWhoseTableCarriesTheJsonNumbers() throws Exception {
        Path image = picture("photo.png", 64, 48, 1);
        Path tiles = picture("tiles.png", 24, 24, 2);
        Path out = dir.resolve("report");
        TesseraCommandTest.Run r = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "--modes", "classic,fit", "--steps", "5", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("fit step 5/5"), r.err());
        for (String file : new String[] {"report.png", "report.html", "report.json", "input.png", "classic.png", "fit.png",
                "classic.json", "fit.json"})
            assertTrue(Files.isRegularFile(out.resolve(file)), file);

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals(64, json.get("width").getAsInt());
        String html = Files.readString(out.resolve("report.html"));
        JsonArray modes = json.getAsJsonArray("modes");
        assertEquals(2, modes.size());
        List<String> names = new ArrayList<>();
        for (JsonElement m : modes) {
            JsonObject mode = m.getAsJsonObject();
            String name = mode.get("mode").getAsString();
            names.add(name);
            JsonObject quality = mode.getAsJsonObject("quality");
            List<String> expected = new ArrayList<>();
            for (CompareFigure f : CompareFigure.values())
                for (JsonElement s : quality.getAsJsonArray("scales")) {
                    JsonElement v = s.getAsJsonObject().get(f == CompareFigure.PSNR ? "psnr" : f == CompareFigure.SSIM ? "ssim" : "ciede2000");
                    expected.add(f.format(v.isJsonNull() ? (f == CompareFigure.PSNR ? Double.POSITIVE_INFINITY : Double.NaN) : v.getAsDouble()));
                }
            int distinct = quality.get("distinctTemplates").getAsInt();
            assertTrue(distinct >= 1 && distinct <= 9, "distinct " + distinct);
            expected.add(Integer.toString(distinct));
            assertEquals(expected, row(html, name).subList(0, 10), name + " row of\n" + html);
            assertTrue(html.contains("src=\"" + name + ".png\""), html);
            assertTrue(html.contains("href=\"" + name + ".json\""), html);
        }
        assertEquals(List.of("classic", "fit"), names);
        assertTrue(html.contains("src=\"input.png\"") && html.contains("src=\"report.png\""), html);
        assertFalse(html.contains("http://") || html.contains("https://"), "the page must read offline");
        String verdict = json.get("verdict").getAsString();
        assertTrue(html.contains("<strong>Verdict.</strong> " + verdict), html);
        assertTrue(r.out().contains(verdict), r.out());

        // Columns of 256x192 (64x48 enlarged 4x): the input and two modes, each an overview, its centre
        // enlarged and a three-line label, with 8-px gaps.
        BufferedImage sheet = Images.read(out.resolve("report.png"));
        assertEquals(3 * (256 + 8) + 8, sheet.getWidth());
        assertEquals(3 * 8 + 2 * 192 + 3 * 16 + 8, sheet.getHeight());
    }

    @Test
    void theMapsBesideTheReportEvaluateToTheReportsNumbers() throws Exception {
        Path image = picture("photo.png", 72, 52, 3);
        Path out = dir.resolve("report");
        // Glyphs: 62 templates, enough for no repeat within 5 cells (61 needed).
        String[] set = {"--templates", "glyphs"};
        List<String> args = new ArrayList<>(List.of("compare", image.toString(), "--modes", "classic-d5", "-o", out.toString()));
        args.addAll(List.of(set));
        TesseraCommandTest.Run r = TesseraCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("cropped 72x52 to 72x48"), r.err());
        JsonObject mode = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject()
                .getAsJsonArray("modes").get(0).getAsJsonObject();
        assertTrue(mode.get("description").getAsString().contains("min distance 5, tone-mapped"), mode.toString());

        List<String> eval = new ArrayList<>(List.of("eval", "--input", image.toString(), "--index", out.resolve("classic-d5.json").toString(), "--json"));
        eval.addAll(List.of(set));
        TesseraCommandTest.Run e = TesseraCommandTest.run(eval.toArray(String[]::new));
        assertEquals(0, e.exit(), e.err());
        assertEquals(mode.getAsJsonObject("quality"), JsonParser.parseString(e.out()).getAsJsonObject().getAsJsonObject("quality"));
    }

    /** A checkpoint of one training step on two pictures, for the 3x3 grid set cut from {@code tiles}. */
    private Path trainedModel(Path tiles) {
        Path images = dir.resolve("training");
        TestPictures.gradientsAndNoise(images.resolve("a.png"), 32, 32, 31);
        TestPictures.gradientsAndNoise(images.resolve("b.png"), 32, 32, 32);
        Path model = dir.resolve("model.tsr");
        TesseraCommandTest.Run r = TesseraCommandTest.run("train", "--images", images.toString(), "--grid", tiles.toString(),
                "--grid-tiles", "3x3", "-o", model.toString(), "--size", "32", "--vgg", "seeded", "--seed", "1", "--batch", "2",
                "--steps", "1");
        assertEquals(0, r.exit(), r.err());
        return model;
    }

    @Test
    void theLearnedModeIsTheCheckpointsArgmaxMeasuredLikeTheOthers() throws Exception {
        Path tiles = picture("tiles.png", 24, 24, 2);
        Path model = trainedModel(tiles);
        Path image = picture("photo.png", 67, 48, 4); // cropped to 64x48: 8x6 cells
        Path out = dir.resolve("report");
        TesseraCommandTest.Run r = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "--modes", "classic,learned", "--model", model.toString(), "--vgg", "seeded", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());

        BufferedImage picture = Images.read(image), target = picture.getSubimage(1, 0, 64, 48);
        IndexMap expected;
        TemplateSet set = new ImageGridSource(tiles, 3, 3).build();
        try (Vgg16 vgg = Vgg16.seeded(VggFlag.SEED); Decoder decoder = Checkpoint.load(model).decoder()) {
            expected = new LearnedMatcher(vgg, decoder, set).indexMap(picture);
        }
        IndexMap learned = IndexMap.load(out.resolve("learned.json"));
        assertEquals(set.contentHash(), learned.templateSetHash(), "the same set as --grid tiles.png --grid-tiles 3x3");
        assertEquals(8, learned.columns());
        assertEquals(6, learned.rows());
        for (int i = 0; i < learned.cells(); i++) assertEquals(expected.template(i), learned.template(i), "cell " + i);
        QualityReport quality = MosaicQuality.measure(target, new MosaicRenderer(set, 8).image(expected))
                .withDistinctTemplates(expected.distinctTemplates());
        JsonObject mode = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject()
                .getAsJsonArray("modes").get(1).getAsJsonObject();
        assertEquals("learned", mode.get("mode").getAsString());
        assertTrue(mode.get("description").getAsString().contains("model.tsr (iteration 1"), mode.toString());
        assertEquals(JsonParser.parseString(quality.toJson()), mode.getAsJsonObject("quality"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("id=\"mode-learned\""));

        // 16-px cells: the picture is resampled to 8 px per cell for the decoder; the map keeps the grid's cells.
        TesseraCommandTest.Run coarse = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles",
                "3x3", "--modes", "learned", "--model", model.toString(), "--vgg", "seeded", "--cell", "16", "-o",
                dir.resolve("coarse").toString());
        assertEquals(0, coarse.exit(), coarse.err());
        IndexMap big = IndexMap.load(dir.resolve("coarse/learned.json"));
        assertEquals(List.of(4, 3, 16), List.of(big.columns(), big.rows(), big.cellSize()));
    }

    @Test
    void theLearnedModeWithoutACheckpointOrWithAnotherSetIsAUsageError() {
        Path tiles = picture("tiles.png", 24, 24, 2);
        Path model = trainedModel(tiles);
        Path image = picture("photo.png", 32, 32, 5);
        String out = dir.resolve("out").toString();
        TesseraCommandTest.Run none = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "--modes", "classic,learned", "-o", out);
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("--modes learned needs --model FILE"), none.err());

        TesseraCommandTest.Run otherSet = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles",
                "2x2", "--modes", "learned", "--model", model.toString(), "--vgg", "seeded", "-o", out);
        assertEquals(2, otherSet.exit(), otherSet.err());
        assertTrue(otherSet.err().contains("--model: checkpoint " + model + " was trained for the template set"), otherSet.err());
        assertTrue(otherSet.err().contains("(9 templates)"), otherSet.err());

        TesseraCommandTest.Run noVgg = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "--modes", "learned", "--model", model.toString(), "-o", out);
        assertEquals(2, noVgg.exit(), noVgg.err());
        assertTrue(noVgg.err().contains("--model: checkpoint " + model + " was trained with VGG16 seeded")
                && noVgg.err().contains("pass the same --vgg"), noVgg.err());

        TesseraCommandTest.Run unused = TesseraCommandTest.run("compare", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "--modes", "classic", "--model", model.toString(), "-o", out);
        assertEquals(2, unused.exit(), unused.err());
        assertTrue(unused.err().contains("add learned to --modes"), unused.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written on a usage error");
    }

    @Test
    void anUnknownModeIsAUsageErrorNamingTheValidOnes() {
        Path image = picture("photo.png", 32, 32, 5);
        TesseraCommandTest.Run r = TesseraCommandTest.run("compare", image.toString(), "--modes", "classic,metapixel", "-o",
                dir.resolve("out").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--modes: unknown mode 'metapixel'; valid modes: classic, classic-d5, fit"), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written on a usage error");

        TesseraCommandTest.Run twice = TesseraCommandTest.run("compare", image.toString(), "--modes", "fit,fit", "-o",
                dir.resolve("out").toString());
        assertEquals(2, twice.exit(), twice.err());
        assertTrue(twice.err().contains("'fit' is listed twice"), twice.err());
    }

    @Test
    void theVerdictSaysWhenAModeWinsOneFigureByLosingAnother() {
        // sharp wins SSIM everywhere but loses PSNR at full size; CIEDE2000 ties at full size as shown (3 decimals).
        QualityReport smooth = report(new double[] {24.00, 23.50, 22.00}, new double[] {0.70, 0.80, 0.90}, new double[] {5.0001, 4.0, 3.0});
        QualityReport sharp = report(new double[] {23.00, 23.50, 22.50}, new double[] {0.75, 0.85, 0.95}, new double[] {5.0002, 4.5, 2.5});
        CompareVerdict v = new CompareVerdict(List.of("smooth", "sharp"), List.of(smooth, sharp));
        assertTrue(v.isBest(0, CompareFigure.PSNR, 0) && !v.isBest(1, CompareFigure.PSNR, 0));
        assertTrue(v.isBest(0, CompareFigure.PSNR, 1) && v.isBest(1, CompareFigure.PSNR, 1), "equal values are both best");
        assertTrue(v.isBest(0, CompareFigure.CIEDE2000, 0) && v.isBest(1, CompareFigure.CIEDE2000, 0), "equal as shown");
        assertEquals("smooth wins PSNR at full size and CIEDE2000 at ½ size. "
                + "sharp wins PSNR at ¼ size, SSIM at every scale and CIEDE2000 at ¼ size. "
                + "All modes tie on PSNR at ½ size and CIEDE2000 at full size. "
                + "smooth wins PSNR by losing SSIM at full size (at full size: PSNR 24.00 dB vs sharp's 23.00 dB; SSIM 0.7000 vs sharp's 0.7500). "
                + "smooth wins CIEDE2000 by losing SSIM at ½ size (at ½ size: CIEDE2000 4.000 vs sharp's 4.500; SSIM 0.8000 vs sharp's 0.8500). "
                + "sharp wins SSIM by losing PSNR at full size (at full size: SSIM 0.7500 vs smooth's 0.7000; PSNR 23.00 dB vs smooth's 24.00 dB). "
                + "sharp wins SSIM by losing CIEDE2000 at ½ size (at ½ size: SSIM 0.8500 vs smooth's 0.8000; CIEDE2000 4.500 vs smooth's 4.000).",
                v.sentence());

        CompareVerdict dominated = new CompareVerdict(List.of("a", "b"), List.of(smooth, smooth));
        assertEquals("All modes tie on PSNR at every scale, SSIM at every scale and CIEDE2000 at every scale. "
                + "No mode wins one figure by losing another.", dominated.sentence());
    }

    private static QualityReport report(double[] psnr, double[] ssim, double[] deltaE) {
        ScaleFigures[] s = new ScaleFigures[3];
        for (int i = 0; i < 3; i++) s[i] = new ScaleFigures(1 << i, 64 >> i, 48 >> i, psnr[i], ssim[i], deltaE[i]);
        return new QualityReport(s[0], s[1], s[2], 9);
    }

    /** The text of each cell of a mode's table row, tags stripped. */
    private static List<String> row(String html, String mode) {
        Matcher m = Pattern.compile("<tr id=\"mode-" + Pattern.quote(mode) + "\"><th scope=\"row\">[^<]*</th>(.*?)</tr>").matcher(html);
        assertTrue(m.find(), "no row for " + mode + " in\n" + html);
        List<String> cells = new ArrayList<>();
        Matcher td = Pattern.compile("<td>(.*?)</td>").matcher(m.group(1));
        while (td.find()) cells.add(td.group(1).replaceAll("<[^>]+>", ""));
        return cells;
    }
}
