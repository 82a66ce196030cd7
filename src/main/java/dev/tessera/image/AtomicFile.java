package dev.tessera.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every output of Tessera is written: into a temporary {@code .<name>.<pid>.<random>.part} file
 * in the target's folder, renamed over the target once complete. A reader sees the old file or the
 * new one, never half of one, and a failure or a crash leaves no partial output behind.
 *
 * <p>A process killed outright (kill -9, power loss) cannot delete its temporary file. The first
 * temporary file a process makes in a folder therefore removes the leftovers there of processes
 * that no longer run (the pid in the name says whose it is), so a rerun into the same folder
 * leaves it clean. Temporary files of live processes, this one included, are never touched.
 */
public final class AtomicFile {
    /** {@code .<name>.<pid>.<random>.part}: the pid of the writer, then what {@link Files#createTempFile} adds. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.(\\d+)\\.-?\\d+\\.part");
    private static final long PID = ProcessHandle.current().pid();
    /** Folders this process has already swept: once each is enough, and later writers may be running there. */
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

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

    /**
     * A new empty temporary file beside {@code file} (its folder created if needed), for writers
     * that rename it themselves or delete it when done; named so that it is recognised as a
     * leftover if this process dies before then.
     */
    public static Path temporaryFor(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (SWEPT.add(dir)) removeLeftovers(dir);
        // Not Files.createTempFile: it makes the file readable by its owner only, and the renamed
        // output would keep that; created plainly, it gets the permissions the user's umask gives.
        while (true) {
            Path tmp = dir.resolve("." + file.getFileName() + "." + PID + "." + NAMES.nextLong() + ".part");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another writer drew the same number: draw again
            }
        }
    }

    private static final java.security.SecureRandom NAMES = new java.security.SecureRandom();

    /**
     * Deletes the temporary files in {@code dir} whose writer is no longer running; returns how many.
     * A process that merely shares a pid with a dead writer keeps that writer's file: nothing lost.
     */
    static int removeLeftovers(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.part")) {
            for (Path p : entries) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p)) continue;
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException tooLong) {
                    continue;
                }
                if (pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                if (Files.deleteIfExists(p)) removed++;
            }
        }
        return removed;
    }
}
