package dev.tessera.reliability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A file on disk rewritten to given contents by writing only the bytes that differ from what it
 * holds: fuzzing a 30 MB weight file rewrites a few header bytes per attempt, not 30 MB.
 */
final class FileInPlace {
    private static final int CHUNK = 1 << 16;

    private final Path file;
    private byte[] current;

    FileInPlace(Path file, byte[] contents) throws IOException {
        this.file = file;
        this.current = new byte[0];
        become(contents);
    }

    /** Makes the file hold exactly {@code next} (kept, not copied: the caller must not change it). */
    void become(byte[] next) throws IOException {
        int first = Arrays.mismatch(current, next);
        if (first < 0) return;
        int end = current.length == next.length ? lastMismatch(current, next) + 1 : next.length;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer changed = ByteBuffer.wrap(next, first, end - first);
            for (long at = first; changed.hasRemaining(); ) at += channel.write(changed, at);
            channel.truncate(next.length);
        }
        current = next;
    }

    /** The last index where two arrays of equal length differ (they differ somewhere), found a chunk at a time from the end. */
    private static int lastMismatch(byte[] a, byte[] b) {
        int to = a.length;
        while (to > 0) {
            int from = Math.max(0, to - CHUNK);
            if (!Arrays.equals(a, from, to, b, from, to)) {
                for (int i = to - 1; ; i--)
                    if (a[i] != b[i]) return i;
            }
            to = from;
        }
        throw new IllegalArgumentException("the arrays do not differ");
    }
}
