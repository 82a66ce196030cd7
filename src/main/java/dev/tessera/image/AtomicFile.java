package dev.tessera.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How every output of Tessera is written: into a temporary {@code .<name>….part} file in the target's
 * folder, renamed over the target once complete. A reader sees the old file or the new one, never
 * half of one, and a failure or a crash leaves no partial output behind.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the content of the file to the temporary path it is given. */
    public interface Body {
        void writeTo(Path temporary) throws IOException;
    }

    public static void write(Path file, Body body) throws IOException {
        Path tmp = temporaryFor(file);
        try {
            body.writeTo(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path file, String content) throws IOException {
        write(file, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
    }

    /** A new temporary file beside {@code file} (its folder created if needed), for writers that rename it themselves. */
    static Path temporaryFor(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, "." + file.getFileName(), ".part");
    }
}
