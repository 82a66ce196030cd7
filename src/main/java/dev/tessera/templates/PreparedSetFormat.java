package dev.tessera.templates;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.awt.Font;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A prepared set on disk, one folder: {@code manifest.json} (format, ids, names, sizes, glyphs,
 * content hash) and {@code tiles-S.rgb} per prepared size S, N·S·S·3 bytes of R,G,B in template
 * order. Raw bytes rather than PNG so that thousands of photo tiles reopen in the time it takes
 * to read them; the hash, recomputed on opening, catches a file changed or cut short.
 */
final class PreparedSetFormat {
    static final String MANIFEST = "manifest.json";
    static final String FORMAT = "tessera-template-set";
    // 2: per-size tile digests (SHA-256, part of the content hash) and CRC-32C checksums in the manifest.
    static final int VERSION = 2;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private PreparedSetFormat() {}

    /** The manifest's shape; field names are the JSON keys. */
    static final class Manifest {
        String format;
        int version;
        String description;
        String contentHash;
        int count;
        int analysisSize;
        List<Integer> sizes;
        /** Per entry of sizes: SHA-256 of the tile file (the set's identity) and its CRC-32C (checked on every open). */
        List<String> tileSha256;
        List<Long> tileCrc32c;
        String background;
        GlyphFont font;
        List<Entry> templates;
    }

    /** Font of a glyph set: bundled (by name) or a file, with its SHA-256 so a changed file is not used. */
    static final class GlyphFont {
        String bundled;
        String file;
        String sha256;
    }

    static final class Entry {
        String id;
        String name;
        Integer codePoint;
        String foreground;
    }

    static void write(TemplateSet set, Path folder) throws IOException {
        Path target = folder.toAbsolutePath();
        if (Files.exists(target) && !isPreparedSet(target))
            throw new IOException(folder + " exists and is not a prepared template set; choose a new folder");
        Files.createDirectories(target.getParent());
        removeDeadStagings(target);
        // Not createTempDirectory: its owner-only permissions would stay with the moved folder.
        Path staging = Files.createDirectory(target.resolveSibling("." + target.getFileName() + ".part-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        try {
            Manifest m = manifest(set);
            m.tileCrc32c = new ArrayList<>();
            for (int size : set.preparedSizes()) {
                int[] pixels = set.tiles(size);
                byte[] rgb = new byte[3 * pixels.length];
                TemplateSet.rgbBytes(pixels, rgb);
                Files.write(staging.resolve(tilesFile(size)), rgb);
                m.tileCrc32c.add(crc32c(rgb));
            }
            Files.writeString(staging.resolve(MANIFEST), GSON.toJson(m), StandardCharsets.UTF_8);
            // Replace as a whole: a reader sees the old set or the new one, never a mixture.
            if (Files.exists(target)) deleteTree(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(staging)) deleteTree(staging);
        }
    }

    static TemplateSet read(Path path) throws IOException {
        Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path manifestFile = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile))
            throw new IOException(path + ": not a prepared template set (no " + MANIFEST + "); make one with `tessera templates prepare`");
        Manifest m;
        try {
            m = GSON.fromJson(Files.readString(manifestFile, StandardCharsets.UTF_8), Manifest.class);
        } catch (JsonParseException e) {
            throw new IOException(manifestFile + ": not valid JSON (" + e.getMessage() + "); prepare the set again", e);
        } catch (CharacterCodingException e) {
            throw new IOException(manifestFile + ": not UTF-8 text (damaged); prepare the set again", e);
        }
        if (m == null || !FORMAT.equals(m.format))
            throw new IOException(manifestFile + ": not a " + FORMAT + " manifest; prepare the set again");
        if (m.version != VERSION)
            throw new IOException(manifestFile + ": format version " + m.version + ", this Tessera reads version " + VERSION
                    + "; prepare the set again");
        // JSON nulls where numbers and entries belong would otherwise surface as NullPointerExceptions.
        if (m.templates == null || m.sizes == null || m.templates.size() != m.count || m.contentHash == null || m.sizes.contains(null)
                || m.templates.stream().anyMatch(e -> e == null || e.id == null || e.name == null)
                || m.tileSha256 == null || m.tileSha256.size() != m.sizes.size() || m.tileCrc32c == null
                || m.tileCrc32c.size() != m.sizes.size())
            throw new IOException(manifestFile + ": incomplete manifest; prepare the set again");
        int n = m.count;
        Map<Integer, int[]> tiles = new LinkedHashMap<>();
        Map<Integer, String> digests = new LinkedHashMap<>();
        for (int at = 0; at < m.sizes.size(); at++) {
            int size = m.sizes.get(at);
            try {
                TemplateSet.checkSize(size);
            } catch (IllegalArgumentException e) {
                throw new IOException(manifestFile + ": " + e.getMessage() + "; prepare the set again", e);
            }
            Path file = folder.resolve(tilesFile(size));
            if (!Files.isRegularFile(file)) throw new IOException(file + ": missing; prepare the set again");
            long expected = 3L * n * size * size, actual = Files.size(file);
            // Checked before reading: a replaced file of gigabytes must not be read into memory to be refused.
            if (actual != expected)
                throw new IOException(file + ": " + actual + " bytes, expected " + expected + " (cut short or replaced); prepare the set again");
            byte[] rgb = Files.readAllBytes(file);
            // A checksum, not the SHA-256: it catches damage at memory speed; the recorded digest names the set.
            if (m.tileCrc32c.get(at) == null || crc32c(rgb) != m.tileCrc32c.get(at))
                throw new IOException(file + ": checksum does not match the manifest (changed or damaged); prepare the set again");
            digests.put(size, m.tileSha256.get(at));
            tiles.put(size, argb(rgb, n * size * size));
        }
        List<String> ids = new ArrayList<>(), names = new ArrayList<>();
        List<Glyph> glyphs = new ArrayList<>();
        for (Entry e : m.templates) {
            ids.add(e.id);
            names.add(e.name);
            if (m.font != null) {
                if (e.codePoint == null || !Character.isValidCodePoint(e.codePoint) || e.foreground == null)
                    throw new IOException(manifestFile + ": glyph template '" + e.id + "' lacks a valid character or colour; prepare the set again");
                glyphs.add(new Glyph(e.codePoint, parseHex(e.foreground, manifestFile)));
            }
        }
        int background = parseHex(m.background, manifestFile);
        GlyphFace face = m.font == null ? null : face(m.font, glyphs, background);
        TemplateSet set;
        try {
            set = new TemplateSet(m.description, ids, names, m.analysisSize, tiles, glyphs, background, face, digests);
        } catch (IllegalArgumentException e) {
            throw new IOException(manifestFile + ": " + e.getMessage() + "; prepare the set again", e);
        }
        if (!set.contentHash().equals(m.contentHash))
            throw new IOException(folder + ": tiles or names do not match the manifest's hash (changed or damaged); prepare the set again");
        return set;
    }

    /** Packed RGB to opaque 0xFFRRGGBB, on all cores: tens of megabytes on the start-up path of every run. */
    private static int[] argb(byte[] rgb, int count) {
        int[] pixels = new int[count];
        int chunk = 1 << 16;
        java.util.stream.IntStream.range(0, (count + chunk - 1) / chunk).parallel().forEach(c -> {
            for (int p = c * chunk, o = 3 * p, end = Math.min(count, p + chunk); p < end; p++, o += 3)
                pixels[p] = 0xff000000 | (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
        });
        return pixels;
    }

    private static long crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    private static Manifest manifest(TemplateSet set) throws IOException {
        Manifest m = new Manifest();
        m.format = FORMAT;
        m.version = VERSION;
        m.description = set.description();
        m.contentHash = set.contentHash();
        m.count = set.count();
        m.analysisSize = set.analysisSize();
        m.sizes = new ArrayList<>(set.preparedSizes());
        m.tileSha256 = new ArrayList<>();
        for (int size : m.sizes) m.tileSha256.add(set.tileDigest(size));
        m.background = hex(set.background());
        if (set.isGlyphSet() && set.face() != null) {
            m.font = new GlyphFont();
            if (set.face().fontFile() == null) m.font.bundled = set.face().fontLabel();
            else {
                m.font.file = set.face().fontFile().toString();
                m.font.sha256 = sha256(set.face().fontFile());
            }
        } else if (set.isGlyphSet()) {
            m.font = new GlyphFont();
        }
        m.templates = new ArrayList<>();
        for (int i = 0; i < set.count(); i++) {
            Entry e = new Entry();
            e.id = set.id(i);
            e.name = set.name(i);
            if (set.isGlyphSet()) {
                e.codePoint = set.glyph(i).codePoint();
                e.foreground = hex(set.glyph(i).foreground());
            }
            m.templates.add(e);
        }
        return m;
    }

    /**
     * The renderer for sizes not prepared: the bundled font, or the recorded file if it is still
     * there unchanged. Otherwise none, and other sizes are resampled from the prepared tiles.
     */
    private static GlyphFace face(GlyphFont font, List<Glyph> glyphs, int background) throws IOException {
        if (font.bundled != null) return new GlyphFace(GlyphSource.bundledFont(), font.bundled, null, glyphs, background);
        if (font.file == null) return null;
        Path file = Path.of(font.file);
        if (!Files.isRegularFile(file) || !sha256(file).equals(font.sha256)) return null;
        Font loaded = GlyphSource.fontFromFile(file);
        return new GlyphFace(loaded, loaded.getFontName(), file, glyphs, background);
    }

    private static boolean isPreparedSet(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) return false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.equals(MANIFEST) && !(name.startsWith("tiles-") && name.endsWith(".rgb"))) return false;
            }
        }
        return true;
    }

    static String tilesFile(int size) {
        return "tiles-" + size + ".rgb";
    }

    /**
     * Deletes the staging folders of {@code target} left by writers that no longer run (killed
     * mid-write: the pid in the name says whose a folder is); a live writer's is left alone.
     */
    private static void removeDeadStagings(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".part-";
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent(), p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : siblings) {
                String[] pidAndTime = p.getFileName().toString().substring(prefix.length()).split("-");
                if (pidAndTime.length != 2 || !Files.isDirectory(p)) continue;
                long pid;
                try {
                    pid = Long.parseLong(pidAndTime[0]);
                    Long.parseLong(pidAndTime[1]);
                } catch (NumberFormatException notOurs) {
                    continue;
                }
                if (pid != ProcessHandle.current().pid() && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    deleteTree(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static String hex(int rgb) {
        return String.format("#%06x", rgb & 0xffffff);
    }

    private static int parseHex(String colour, Path manifest) throws IOException {
        if (colour == null || !colour.matches("#[0-9a-fA-F]{6}"))
            throw new IOException(manifest + ": colour '" + colour + "' is not #rrggbb; prepare the set again");
        return Integer.parseInt(colour.substring(1), 16);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
