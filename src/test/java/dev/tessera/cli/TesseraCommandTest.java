package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.Images;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TesseraCommandTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = TesseraCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertEquals(0, r.exit());
        for (String sub : new String[] {"train", "fit", "render", "classic", "eval", "templates", "demo", "compare"})
            assertTrue(r.out().contains("  " + sub + " "), "--help should list " + sub + ":\n" + r.out());
    }

    @Test
    void versionPrintsTheVersion() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("tessera "), r.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Run r = run("--no-such-flag");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--no-such-flag"), r.err());
    }

    @Test
    void demoBlursAnImageAndAgreesWithLibTorch(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(40, 24, BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random();
        for (int y = 0; y < 24; y++)
            for (int x = 0; x < 40; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
        Path in = dir.resolve("in.png");
        Images.write(img, in);
        Run r = run("demo", "-i", in.toString(), "-o", dir.resolve("out").toString());
        assertEquals(0, r.exit(), r.err());
        BufferedImage viewing = Images.read(dir.resolve("out/viewing.png"));
        assertEquals(40, viewing.getWidth());
        assertEquals(24, viewing.getHeight());
        assertEquals(20, Images.read(dir.resolve("out/pyramid1.png")).getWidth());
        assertEquals(10, Images.read(dir.resolve("out/pyramid2.png")).getWidth());
        Matcher m = Pattern.compile("max \\|native - LibTorch\\| = ([0-9.eE+-]+)").matcher(r.out());
        int stages = 0;
        while (m.find()) {
            stages++;
            assertTrue(Double.parseDouble(m.group(1)) < 1e-3, r.out());
        }
        assertEquals(3, stages, r.out());
        assertTrue(Files.exists(dir.resolve("out/viewing.png")));
        assertTrue(r.out().contains("classic against fit skipped: the picture is 40x24"), r.out());
    }

    @Test
    void missingDemoInputIsReported(@TempDir Path dir) {
        Run r = run("demo", "-i", dir.resolve("nope.png").toString(), "-o", dir.toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("nope.png"), r.err());
    }
}
