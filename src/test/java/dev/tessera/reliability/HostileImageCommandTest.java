package dev.tessera.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.TesseraCommand;
import dev.tessera.image.HandMadePng;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a user sees when a command meets a hostile picture: exit code 3, one line naming the file, no output. */
class HostileImageCommandTest {
    @TempDir
    Path dir;

    @Test
    void classicRefusesADecompressionBombWithOneLineAndExitCodeThree() throws Exception {
        Path bomb = Files.write(dir.resolve("bomb.png"), HandMadePng.declaring(50_000, 50_000));
        Path out = dir.resolve("out");
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        CommandLine cli = TesseraCommand.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        int exit = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cli.execute("classic", bomb.toString(), "-o", out.toString()));
        assertEquals(3, exit, stderr.toString());
        List<String> aboutTheBomb = stderr.toString().lines().filter(l -> l.contains("bomb.png")).toList();
        assertEquals(1, aboutTheBomb.size(), stderr.toString());
        String line = aboutTheBomb.get(0);
        assertTrue(line.contains("50,000x50,000") && line.contains("tessera.maxPixels"), line);
        assertFalse(stderr.toString().contains("\tat "), "no stack trace without --debug:\n" + stderr);
        assertTrue(stdout.toString().contains("0 written, 0 skipped, 1 failed"), stdout.toString());
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing written for a refused input");
        }
    }
}
