package dev.tessera.cli;

import dev.tessera.testing.OneTorchThread;
import dev.tessera.testing.TestPictures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import dev.tessera.render.IndexMap;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(OneTorchThread.class)
class FitCommandTest {
    @TempDir
    Path dir;

    private Path picture(String name, int w, int h, long seed) {
        return TestPictures.gradientsAndNoise(dir.resolve(name), w, h, seed);
    }

    @Test
    void fitIsNeverWorseThanClassicOnTheLossAndWritesTheMosaicAndItsMap() throws Exception {
        Path image = picture("photo.png", 64, 48, 1);
        Path tiles = picture("tiles.png", 24, 24, 2);
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "-o", out.toString(), "--steps", "30", "--lr", "0.1");
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("gradient phase loss (\\S+) -> (\\S+) .*local search on the seen loss (\\S+) -> (\\S+) ").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(2)) <= Double.parseDouble(m.group(1)), r.out());
        assertTrue(Double.parseDouble(m.group(4)) <= Double.parseDouble(m.group(3)), r.out());
        assertTrue(r.out().contains("none allowed to make a DESIGN §6 figure worse"), "guarded by default with a picture set: " + r.out());
        assertTrue(r.out().contains("classic:") && r.out().contains("fit:") && r.out().contains("CIEDE2000"), r.out());
        assertTrue(r.err().contains("fit step 30/30"), r.err());
        BufferedImage mosaic = Images.read(out.resolve("photo.png"));
        assertEquals(64, mosaic.getWidth());
        assertEquals(48, mosaic.getHeight());
        IndexMap map = IndexMap.load(out.resolve("photo.json"));
        assertEquals(8, map.columns());
        assertEquals(6, map.rows());
        assertEquals(9, map.templateNames().size());
    }

    @Test
    void withAPictureSetNoFigureIsWorseThanClassicsAtAnySize() throws Exception {
        Path image = picture("photo.png", 96, 96, 5);
        Path tiles = picture("tiles.png", 48, 48, 6);
        TesseraCommandTest.Run r = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "6x6",
                "-o", dir.resolve("out").toString(), "--steps", "10");
        assertEquals(0, r.exit(), r.err());
        double[][] classic = figures(r.out(), "classic:"), fit = figures(r.out(), "fit:");
        for (int scale = 0; scale < 3; scale++) {
            assertTrue(fit[scale][0] >= classic[scale][0], "PSNR at scale " + scale + ": " + r.out());
            assertTrue(fit[scale][1] >= classic[scale][1], "SSIM at scale " + scale + ": " + r.out());
            assertTrue(fit[scale][2] <= classic[scale][2], "CIEDE2000 at scale " + scale + ": " + r.out());
        }
    }

    /** PSNR, SSIM, CIEDE2000 at full, ½ and ¼ size from the table after {@code label} (rounded as printed, which keeps order). */
    private static double[][] figures(String out, String label) {
        String[] lines = out.substring(out.indexOf("\n" + label + "\n") + label.length() + 2).split("\n");
        double[][] f = new double[3][];
        for (int i = 0; i < 3; i++) {
            String[] cols = lines[i + 1].trim().split("\\s+");
            f[i] = new double[] {Double.parseDouble(cols[2]), Double.parseDouble(cols[3]), Double.parseDouble(cols[4])};
        }
        return f;
    }

    @Test
    void aDecoderFitStartsAtClassicsChoiceAndWritesItsArgmaxMosaic() throws Exception {
        Path image = picture("photo.png", 48, 48, 3);
        Path tiles = picture("tiles.png", 24, 24, 4);
        Path out = dir.resolve("out");
        TesseraCommandTest.Run r = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "-o", out.toString(), "--method", "decoder", "--steps", "5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("encoder is the signature encoder") && r.err().contains("starts at classic's choice exactly"),
                "without --vgg the encoder is the signature encoder, and says so: " + r.err());
        assertFalse(r.err().contains("fit warm start"), "no imitation runs: " + r.err());
        assertTrue(r.err().contains("fit step 5/5"), r.err());
        Matcher m = Pattern.compile("fit: loss (\\S+) \\(classic\\) vs (\\S+) \\(decoder's best argmax.*?(\\S+) after the warm start, "
                + "(\\S+)% of cells classic's").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(100.0, Double.parseDouble(m.group(4)), 0, "the decoder is built choosing classic's template in all 36 cells");
        assertEquals(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(3)), 0, "so the warm start's loss is classic's");
        assertTrue(Double.parseDouble(m.group(2)) <= Double.parseDouble(m.group(3)), r.out());
        BufferedImage mosaic = Images.read(out.resolve("photo.png"));
        assertEquals(48, mosaic.getWidth());
        IndexMap map = IndexMap.load(out.resolve("photo.json"));
        assertEquals(36, map.cells());
        // Guarded by default with a set of pictures: whatever argmax is kept, no figure is worse than classic's.
        assertTrue(r.out().contains("no argmax kept that makes a DESIGN §6 figure worse than classic's"), r.out());
        double[][] classic = figures(r.out(), "classic:"), fit = figures(r.out(), "fit:");
        for (int scale = 0; scale < 3; scale++) {
            assertTrue(fit[scale][0] >= classic[scale][0], "PSNR at scale " + scale + ": " + r.out());
            assertTrue(fit[scale][2] <= classic[scale][2], "CIEDE2000 at scale " + scale + ": " + r.out());
        }
        TesseraCommandTest.Run free = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "-o", dir.resolve("free").toString(), "--method", "decoder", "--steps", "5", "--no-guard");
        assertEquals(0, free.exit(), free.err());
        assertTrue(free.out().contains(", unguarded"), free.out());

        TesseraCommandTest.Run cold = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles", "3x3",
                "-o", dir.resolve("cold").toString(), "--method", "decoder", "--steps", "1", "--warm-start", "none");
        assertEquals(0, cold.exit(), cold.err());
        assertTrue(!cold.err().contains("fit warm start"), cold.err());

        TesseraCommandTest.Run bigCells = TesseraCommandTest.run("fit", image.toString(), "--grid", tiles.toString(), "--grid-tiles",
                "3x3", "-o", out.toString(), "--method", "decoder", "--cell", "16");
        assertEquals(2, bigCells.exit(), bigCells.err());
        assertTrue(bigCells.err().contains("--method decoder needs 8-px cells"), bigCells.err());
        assertEquals(2, TesseraCommandTest.run("fit", image.toString(), "-o", out.toString(), "--method", "annealing").exit());
        assertEquals(2, TesseraCommandTest.run("fit", image.toString(), "-o", out.toString(), "--method", "decoder", "--warm-start",
                "magic").exit());
    }

    @Test
    void withGlyphsTheFitGivesUpAtMostItsPsnrBudgetWithOrWithoutTheToneMap() throws Exception {
        Path image = picture("photo.png", 96, 80, 7);
        for (String tone : new String[] {"--tone-map", "--no-tone-map"}) {
            TesseraCommandTest.Run r = TesseraCommandTest.run("fit", image.toString(), "--glyphs", tone, "--steps", "0", "-o",
                    dir.resolve("out" + tone).toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("none allowed to take full-size PSNR more than 0.500 dB below classic's"), r.out());
            double[][] classic = figures(r.out(), "classic:"), fit = figures(r.out(), "fit:");
            // Printed to 0.01 dB: the bound holds to the rounding.
            assertTrue(fit[0][0] >= classic[0][0] - 0.5 - 0.01, tone + ": " + r.out());
        }
        TesseraCommandTest.Run tighter = TesseraCommandTest.run("fit", image.toString(), "--glyphs", "--steps", "0", "--psnr-budget", "0",
                "-o", dir.resolve("none").toString());
        assertEquals(0, tighter.exit(), tighter.err());
        assertTrue(tighter.out().contains(", unguarded"), tighter.out());
        TesseraCommandTest.Run both = TesseraCommandTest.run("fit", image.toString(), "--glyphs", "--steps", "0", "--guard", "--psnr-budget",
                "0.5", "-o", dir.resolve("both").toString());
        assertEquals(2, both.exit(), both.err());
        assertTrue(both.err().contains("use --no-guard"), both.err());
    }

    @Test
    void aMissingImageIsABadInputNamingTheFile() {
        TesseraCommandTest.Run r = TesseraCommandTest.run("fit", dir.resolve("nope.png").toString(), "-o", dir.resolve("out").toString());
        assertEquals(3, r.exit(), r.err());
        assertTrue(r.err().contains("nope.png"), r.err());
    }
}
