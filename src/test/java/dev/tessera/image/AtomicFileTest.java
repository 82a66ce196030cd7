package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void theFirstWriteInAFolderRemovesLeftoversOfDeadWritersOnly() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            Path ofDead = Files.writeString(dir.resolve(".photo.png." + dead.pid() + ".8812734.part"), "half a picture");
            Path ofDeadCheckpoint = Files.writeString(dir.resolve(".model.tsr." + dead.pid() + ".17.part"), "half a zip");
            Path ofLive = Files.writeString(dir.resolve(".other.png." + alive.pid() + ".5.part"), "being written");
            Path ofThisProcess = Files.writeString(dir.resolve(".mine.png." + ProcessHandle.current().pid() + ".6.part"), "mine");
            Path notOurs = Files.writeString(dir.resolve(".notes.part"), "a user's file");
            Path output = Files.writeString(dir.resolve("photo.json"), "{}");

            AtomicFile.writeString(dir.resolve("photo.txt"), "text");

            assertFalse(Files.exists(ofDead));
            assertFalse(Files.exists(ofDeadCheckpoint));
            for (Path kept : List.of(ofLive, ofThisProcess, notOurs, output)) assertTrue(Files.exists(kept), kept + " was removed");
            assertEquals("text", Files.readString(dir.resolve("photo.txt")));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(5, files.count());
            }
        } finally {
            alive.destroyForcibly().waitFor();
        }
    }

    /** Outputs get the permissions any new file gets here (the umask's), not owner-only. */
    @Test
    void outputsAreAsReadableAsAnyNewFile() throws Exception {
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        Path written = dir.resolve("written.txt");
        AtomicFile.writeString(written, "mosaic");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        assertEquals("mosaic", Files.readString(written));
    }

    @Test
    void temporaryFilesNameTheirWriterAndAreGoneAfterTheRename() throws Exception {
        Path target = dir.resolve("sub/mosaic.png");
        Path tmp = AtomicFile.temporaryFor(target);
        assertTrue(tmp.getFileName().toString().startsWith(".mosaic.png." + ProcessHandle.current().pid() + "."), tmp.toString());
        assertTrue(tmp.getFileName().toString().endsWith(".part"), tmp.toString());
        Files.delete(tmp);
        AtomicFile.writeString(target, "done");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList());
        }
    }
}
