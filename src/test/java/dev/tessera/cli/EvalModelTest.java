package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.classic.ClassicOptions;
import dev.tessera.eval.CompareFigure;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.eval.ScaleFigures;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Vgg16;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.ImageGridSource;
import dev.tessera.templates.TemplateSet;
import dev.tessera.testing.OneTorchThread;
import dev.tessera.testing.TestPictures;
import dev.tessera.train.Checkpoint;
import dev.tessera.train.LearnedMatcher;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OneTorchThread.class)
class EvalModelTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    /** The 3x3 grid set's picture, and a checkpoint of one training step for it (trained once for the class). */
    private static Path tiles, model;

    @BeforeAll
    static void trainOneStep() {
        tiles = TestPictures.gradientsAndNoise(shared.resolve("tiles.png"), 24, 24, 2);
        Path images = shared.resolve("training");
        TestPictures.gradientsAndNoise(images.resolve("a.png"), 32, 32, 41);
        TestPictures.gradientsAndNoise(images.resolve("b.png"), 32, 32, 42);
        model = shared.resolve("model.tsr");
        TesseraCommandTest.Run r = TesseraCommandTest.run("train", "--images", images.toString(), "--grid", tiles.toString(),
                "--grid-tiles", "3x3", "-o", model.toString(), "--size", "32", "--vgg", "seeded", "--seed", "1", "--batch", "2",
                "--steps", "1");
        assertEquals(0, r.exit(), r.err());
    }

    /** The learned and classic figures of one picture, computed here from the library, as eval --model should. */
    private static List<QualityReport> expected(BufferedImage picture, TemplateSet set, Vgg16 vgg, Decoder decoder) {
        CellGrid grid = CellGrid.ofCellSize(picture.getWidth(), picture.getHeight(), 8);
        BufferedImage target = picture.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height);
        MosaicRenderer renderer = new MosaicRenderer(set, 8);
        IndexMap learned = new LearnedMatcher(vgg, decoder, set).indexMap(picture);
        IndexMap classic = new ClassicMatcher(set, ClassicOptions.defaults(ClassicOptions.defaultSubcells(set, 8), false))
                .match(picture, grid).map();
        return List.of(MosaicQuality.measure(target, renderer.image(learned)).withDistinctTemplates(learned.distinctTemplates()),
                MosaicQuality.measure(target, renderer.image(classic)).withDistinctTemplates(classic.distinctTemplates()));
    }

    private static double number(JsonObject o, String key) {
        return o.get(key).isJsonNull() ? Double.NaN : o.get(key).getAsDouble();
    }

    @Test
    void aCheckpointIsScoredOnAFolderWithTheFiguresMosaicQualityGivesAndAReport() throws Exception {
        Path photos = dir.resolve("photos");
        Path a = TestPictures.gradientsAndNoise(photos.resolve("a.png"), 43, 26, 7); // cropped to 40x24
        Path b = TestPictures.gradientsAndNoise(photos.resolve("sub/b.png"), 48, 48, 8);
        Path out = dir.resolve("report");
        String[] common = {"eval", "--model", model.toString(), "--vgg", "seeded", "--images", photos.toString(), "--grid",
                tiles.toString(), "--grid-tiles", "3x3"};

        List<String> args = new ArrayList<>(Arrays.asList(common));
        args.addAll(List.of("-o", out.toString(), "--json"));
        TesseraCommandTest.Run r = TesseraCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());

        TemplateSet set = new ImageGridSource(tiles, 3, 3).build();
        List<List<QualityReport>> expected = new ArrayList<>();
        try (Vgg16 vgg = Vgg16.seeded(VggFlag.SEED); Decoder decoder = Checkpoint.load(model).decoder()) {
            expected.add(expected(Images.read(a), set, vgg, decoder));
            expected.add(expected(Images.read(b), set, vgg, decoder));
        }
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray images = json.getAsJsonArray("images");
        assertEquals(2, images.size());
        assertEquals(List.of("a.png", "sub/b.png"), List.of(images.get(0).getAsJsonObject().get("input").getAsString(),
                images.get(1).getAsJsonObject().get("input").getAsString()));
        for (int i = 0; i < 2; i++) {
            JsonArray modes = images.get(i).getAsJsonObject().getAsJsonArray("modes");
            for (int m = 0; m < 2; m++) {
                JsonObject mode = modes.get(m).getAsJsonObject();
                assertEquals(m == 0 ? "learned" : "classic", mode.get("mode").getAsString());
                assertEquals(JsonParser.parseString(expected.get(i).get(m).toJson()), mode.get("quality"), "image " + i + ", mode " + m);
            }
        }
        // The means are the plain means of the two images' figures.
        for (int m = 0; m < 2; m++) {
            JsonArray scales = json.getAsJsonArray("mean").get(m).getAsJsonObject().getAsJsonObject("quality").getAsJsonArray("scales");
            for (int s = 0; s < 3; s++) {
                ScaleFigures x = expected.get(0).get(m).scales().get(s), y = expected.get(1).get(m).scales().get(s);
                JsonObject mean = scales.get(s).getAsJsonObject();
                assertEquals((x.psnr() + y.psnr()) / 2, number(mean, "psnr"), 0);
                // a.png at 1/4 is 10x6, under SSIM's window: its NaN makes the mean n/a (null), which JUnit takes as equal.
                assertEquals((x.ssim() + y.ssim()) / 2, number(mean, "ssim"), 0, "ssim at scale " + s);
                assertEquals((x.deltaE00() + y.deltaE00()) / 2, number(mean, "ciede2000"), 0);
            }
        }
        for (String file : new String[] {"report.html", "report.png", "report.json", "a/report.html", "a/report.png", "a/input.png",
                "a/learned.png", "a/classic.png", "a/learned.json", "a/classic.json", "b/report.html", "b/learned.json"})
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        assertEquals(JsonParser.parseString(r.out()), JsonParser.parseString(Files.readString(out.resolve("report.json"))));
        assertEquals(40, Images.read(out.resolve("a/input.png")).getWidth(), "judged against the picture cropped to whole cells");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"mean-learned\"") && html.contains("href=\"a/report.html\"") && html.contains("src=\"b/report.png\""),
                html);

        // The table: the same numbers as shown, per picture and mode, then the means.
        TesseraCommandTest.Run table = TesseraCommandTest.run(common);
        assertEquals(0, table.exit(), table.err());
        String[] names = {"a.png", "sub/b.png"};
        for (int i = 0; i < 2; i++)
            for (int m = 0; m < 2; m++) {
                List<String> cells = new ArrayList<>(List.of(names[i], m == 0 ? "learned" : "classic"));
                QualityReport q = expected.get(i).get(m);
                for (ScaleFigures f : q.scales())
                    for (CompareFigure figure : CompareFigure.values()) cells.add(figure.format(figure.of(f)));
                cells.add(q.distinctTemplates().toString());
                String prefix = names[i] + " ";
                String row = table.out().lines().filter(l -> l.startsWith(prefix) && l.contains(cells.get(1))).findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + cells + " in\n" + table.out()));
                assertEquals(cells, List.of(row.trim().split("\\s+")).subList(0, cells.size()), table.out());
            }
        assertTrue(table.out().lines().anyMatch(l -> l.startsWith("mean ") && l.contains("learned")), table.out());
        assertTrue(Files.exists(out.resolve("report.json")));
    }

    @Test
    void usageErrorsNameWhatIsMissingOrWrong() {
        Path photos = dir.resolve("photos");
        TestPictures.gradientsAndNoise(photos.resolve("a.png"), 32, 32, 9);
        TesseraCommandTest.Run noImages = TesseraCommandTest.run("eval", "--model", model.toString(), "--vgg", "seeded", "--grid",
                tiles.toString(), "--grid-tiles", "3x3");
        assertEquals(2, noImages.exit(), noImages.err());
        assertTrue(noImages.err().contains("--model needs --images DIR"), noImages.err());

        TesseraCommandTest.Run withInput = TesseraCommandTest.run("eval", "--model", model.toString(), "--input", "x.png", "--images",
                photos.toString());
        assertEquals(2, withInput.exit(), withInput.err());
        assertTrue(withInput.err().contains("--input goes with --mosaic and --index"), withInput.err());

        TesseraCommandTest.Run otherSet = TesseraCommandTest.run("eval", "--model", model.toString(), "--vgg", "seeded", "--images",
                photos.toString(), "--templates", "glyphs");
        assertEquals(2, otherSet.exit(), otherSet.err());
        assertTrue(otherSet.err().contains("--model: checkpoint " + model + " was trained for the template set"), otherSet.err());

        TesseraCommandTest.Run reportWithoutModel = TesseraCommandTest.run("eval", "--input", photos.resolve("a.png").toString(), "--mosaic",
                photos.resolve("a.png").toString(), "-o", dir.resolve("r").toString());
        assertEquals(2, reportWithoutModel.exit(), reportWithoutModel.err());
        assertTrue(reportWithoutModel.err().contains("go with --model"), reportWithoutModel.err());
    }
}
