package dev.tessera.templates;

import dev.tessera.image.Resampler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.pytorch.Tensor;

/**
 * What a mosaic is made of: an ordered list of square RGB templates (0..255), each with a stable id
 * and a name. The network analyses the set at its analysis size (8×8, the encoder's stride); the
 * renderer pastes the same templates at any size. Tiles of the prepared sizes are held, immutable,
 * in Java arrays; other sizes are made on first request (glyphs rendered afresh from the font,
 * pictures resampled from the nearest prepared size) and kept. Tensors are made on request and
 * belong to the caller, so a set owns no native memory.
 *
 * <p>Make one with {@link #defaultGlyphs()}, {@link GlyphSource}, {@link ImageDirectorySource},
 * {@link ImageGridSource} or {@link #open}; keep one with {@link #save}. Thread-safe.
 */
public final class TemplateSet {
    /** The method's template size: templates are as large as the encoder's stride. */
    public static final int DEFAULT_ANALYSIS_SIZE = 8;
    /** Sizes prepared when none are asked for: analysis, and the usual render sizes. */
    public static final List<Integer> DEFAULT_SIZES = List.of(8, 16, 32, 64);
    /** Largest tile side served: a 2,000-template set at 512 px already takes 2 GB. */
    public static final int MAX_TILE_SIZE = 512;

    private final String description;
    private final List<String> ids;
    private final List<String> names;
    private final Map<String, Integer> indexById;
    private final int analysisSize;
    private final SortedMap<Integer, int[]> prepared;
    private final List<Glyph> glyphs;
    private final int background;
    private final GlyphFace face;
    private final Map<Integer, int[]> derived = new ConcurrentHashMap<>();
    private final Map<Integer, String> tileDigests;
    private final String contentHash;

    /**
     * @param tiles size → N·size·size pixels, 0xFFRRGGBB, template-major then row-major; must hold the analysis size
     * @param glyphs one per template for glyph sets, empty otherwise
     * @param background paper colour of glyphs, or the colour pictures were composited on (0xRRGGBB)
     * @param face renders glyphs at sizes not prepared; null for pictures or when the font is gone
     */
    TemplateSet(String description, List<String> ids, List<String> names, int analysisSize,
            Map<Integer, int[]> tiles, List<Glyph> glyphs, int background, GlyphFace face) {
        this(description, ids, names, analysisSize, tiles, glyphs, background, face, null);
    }

    /**
     * As above, with the SHA-256 of each size's tile bytes already known ({@code tileDigests}, as
     * a prepared set records them, its files checked by checksum) instead of computed here; null
     * to compute them.
     */
    TemplateSet(String description, List<String> ids, List<String> names, int analysisSize,
            Map<Integer, int[]> tiles, List<Glyph> glyphs, int background, GlyphFace face, Map<Integer, String> tileDigests) {
        int n = ids.size();
        if (n == 0) throw new IllegalArgumentException("a template set needs at least one template");
        if (names.size() != n) throw new IllegalArgumentException(n + " ids but " + names.size() + " names");
        if (!glyphs.isEmpty() && glyphs.size() != n) throw new IllegalArgumentException(n + " templates but " + glyphs.size() + " glyphs");
        if (!tiles.containsKey(analysisSize))
            throw new IllegalArgumentException("no tiles at the analysis size " + analysisSize + " (have " + tiles.keySet() + ")");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++)
            if (index.put(ids.get(i), i) != null) throw new IllegalArgumentException("template id '" + ids.get(i) + "' appears twice");
        for (Map.Entry<Integer, int[]> e : tiles.entrySet()) {
            int s = checkSize(e.getKey());
            if (e.getValue().length != n * s * s)
                throw new IllegalArgumentException("tiles at " + s + " px: " + e.getValue().length + " pixels, expected " + n * s * s);
        }
        this.description = description;
        this.ids = List.copyOf(ids);
        this.names = List.copyOf(names);
        this.indexById = Map.copyOf(index);
        this.analysisSize = analysisSize;
        this.prepared = Collections.unmodifiableSortedMap(new TreeMap<>(tiles));
        this.glyphs = List.copyOf(glyphs);
        this.background = background & 0xffffff;
        this.face = face;
        if (tileDigests != null && !tileDigests.keySet().equals(tiles.keySet()))
            throw new IllegalArgumentException("tile digests for sizes " + tileDigests.keySet() + " but tiles at " + tiles.keySet());
        this.tileDigests = tileDigests != null ? Map.copyOf(tileDigests) : digests(prepared);
        this.contentHash = hash();
    }

    /** The method's default set: 62 glyphs of DejaVu Sans Mono, black on white, at {@link #DEFAULT_SIZES}. */
    public static TemplateSet defaultGlyphs() {
        return GlyphSource.defaultSet();
    }

    /** Reopens a set written by {@link #save} (its folder, or the manifest.json in it), checking its hash. */
    public static TemplateSet open(Path prepared) throws IOException {
        return PreparedSetFormat.read(prepared);
    }

    /**
     * Writes the set to a folder: manifest.json (ids, names, sizes, hash, glyphs) and one raw RGB
     * file per prepared size. The folder is replaced as a whole; one that holds anything other
     * than a prepared set is refused.
     */
    public void save(Path folder) throws IOException {
        PreparedSetFormat.write(this, folder);
    }

    /** Number of templates (N). */
    public int count() {
        return ids.size();
    }

    /** Stable identifier of template i (glyphs: U+0041; pictures: path inside the folder; grid cells: r2c5). */
    public String id(int i) {
        return ids.get(i);
    }

    /** Human-readable name of template i. */
    public String name(int i) {
        return names.get(i);
    }

    public List<String> ids() {
        return ids;
    }

    public List<String> names() {
        return names;
    }

    /** Index of the template with this id, or -1. */
    public int indexOf(String id) {
        return indexById.getOrDefault(id, -1);
    }

    /** Where the set came from, in a line: "62 glyphs, DejaVu Sans Mono, #000000 on #ffffff". */
    public String description() {
        return description;
    }

    /** Side of the templates the network sees (8 for the method). */
    public int analysisSize() {
        return analysisSize;
    }

    /** Sizes whose tiles are held, saved and hashed. */
    public SortedSet<Integer> preparedSizes() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(prepared.keySet()));
    }

    /** SHA-256 (hex) over analysis size, ids, names and every prepared tile: what a checkpoint records to refuse another set. */
    public String contentHash() {
        return contentHash;
    }

    /** True when the templates are glyphs of a font, so a mosaic of them can be written as text. */
    public boolean isGlyphSet() {
        return !glyphs.isEmpty();
    }

    /** The character and ink of template i; only for glyph sets. */
    public Glyph glyph(int i) {
        if (glyphs.isEmpty()) throw new IllegalStateException("'" + description + "' is not a glyph set; it has no characters");
        return glyphs.get(i);
    }

    /** Paper colour of a glyph set, or the colour pictures were composited on (0xRRGGBB). */
    public int background() {
        return background;
    }

    /**
     * N×3×s×s float32 RGB 0..255 at the analysis size: the template kernel of the method's mix.
     * A new tensor on each call, owned by the caller: make it inside the PointerScope that uses it,
     * or keep it and close it.
     */
    public Tensor analysisTensor() {
        return tensor(analysisSize);
    }

    /** N×3×size×size float32 RGB 0..255; a new tensor owned by the caller (see {@link #analysisTensor}). */
    public Tensor tensor(int size) {
        return Tensor.create(planes(size), count(), 3, size, size);
    }

    /** N×3×size×size RGB 0..255, the layout of {@link #tensor}, as a fresh Java array. */
    public float[] planes(int size) {
        int[] tiles = tiles(size);
        int n = count(), area = size * size;
        float[] out = new float[n * 3 * area];
        for (int k = 0; k < n; k++) unpack(tiles, k * area, area, out, k * 3 * area);
        return out;
    }

    /** Template i at size×size as 3×size×size RGB 0..255 planes (a fresh array). */
    public float[] tilePlanes(int i, int size) {
        int area = size * size;
        float[] out = new float[3 * area];
        unpack(tiles(size), checkIndex(i) * area, area, out, 0);
        return out;
    }

    /** Template i at size×size as opaque 0xFFRRGGBB pixels, row-major (a fresh array). */
    public int[] tileArgb(int i, int size) {
        int area = size * size;
        int[] out = new int[area];
        System.arraycopy(tiles(size), checkIndex(i) * area, out, 0, area);
        return out;
    }

    /** Template i at size×size as a new RGB image. */
    public BufferedImage tileImage(int i, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, size, size, tiles(size), checkIndex(i) * size * size, size);
        return img;
    }

    /** All tiles at one size, shared and read-only by contract: N·size·size pixels, 0xFFRRGGBB. */
    int[] tiles(int size) {
        int[] held = prepared.get(checkSize(size));
        return held != null ? held : derived.computeIfAbsent(size, this::derive);
    }

    GlyphFace face() {
        return face;
    }

    List<Glyph> glyphs() {
        return glyphs;
    }

    private int[] derive(int size) {
        if (face != null) return face.render(size);
        // Pictures: shrink from the nearest larger prepared size, or enlarge the largest.
        int from = prepared.tailMap(size).isEmpty() ? prepared.lastKey() : prepared.tailMap(size).firstKey();
        int[] source = prepared.get(from);
        int n = count(), area = from * from;
        int[] out = new int[n * size * size];
        float[] planes = new float[3 * area];
        for (int k = 0; k < n; k++) {
            unpack(source, k * area, area, planes, 0);
            pack(Resampler.resize(planes, from, from, size, size), out, k * size * size);
        }
        return out;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= count()) throw new IndexOutOfBoundsException("template " + i + " of a set of " + count());
        return i;
    }

    static int checkSize(int size) {
        if (size < 1 || size > MAX_TILE_SIZE)
            throw new IllegalArgumentException("tile size " + size + " px is outside 1.." + MAX_TILE_SIZE);
        return size;
    }

    /** 3×area float planes (0..255, clamped and rounded) into opaque packed pixels at out[offset..]. */
    static void pack(float[] planes, int[] out, int offset) {
        int area = planes.length / 3;
        for (int p = 0; p < area; p++)
            out[offset + p] = 0xff000000 | byte8(planes[p]) << 16 | byte8(planes[area + p]) << 8 | byte8(planes[2 * area + p]);
    }

    private static void unpack(int[] pixels, int from, int area, float[] out, int offset) {
        for (int p = 0; p < area; p++) {
            int v = pixels[from + p];
            out[offset + p] = (v >> 16) & 0xff;
            out[offset + area + p] = (v >> 8) & 0xff;
            out[offset + 2 * area + p] = v & 0xff;
        }
    }

    private static int byte8(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /**
     * SHA-256 over analysis size, ids, names and, per prepared size, the size and the SHA-256 of
     * its tile bytes (R, G, B per pixel): per-size digests let a prepared set be reopened without
     * rehashing every tile, yet any changed pixel or name changes the hash.
     */
    private String hash() {
        MessageDigest sha = sha256();
        ByteBuffer head = ByteBuffer.allocate(12).putInt(2).putInt(analysisSize).putInt(count());
        sha.update(head.array());
        for (int i = 0; i < count(); i++) {
            update(sha, ids.get(i));
            update(sha, names.get(i));
        }
        for (Map.Entry<Integer, String> e : new TreeMap<>(tileDigests).entrySet()) {
            sha.update(ByteBuffer.allocate(4).putInt(e.getKey()).array());
            update(sha, e.getValue());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 (hex) of each size's tile bytes, sizes in parallel. */
    private static Map<Integer, String> digests(Map<Integer, int[]> tiles) {
        Map<Integer, String> out = new ConcurrentHashMap<>();
        tiles.entrySet().parallelStream().forEach(e -> {
            byte[] rgb = new byte[3 * e.getValue().length];
            rgbBytes(e.getValue(), rgb);
            out.put(e.getKey(), HexFormat.of().formatHex(sha256().digest(rgb)));
        });
        return out;
    }

    /** SHA-256 (hex) of one prepared size's tile bytes, as {@link #contentHash} uses it. */
    String tileDigest(int size) {
        String d = tileDigests.get(size);
        if (d == null) throw new IllegalArgumentException("no prepared tiles at " + size + " px");
        return d;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
        sha.update(b);
    }

    /** Packed pixels as R,G,B bytes: the hashed and saved form. */
    static void rgbBytes(int[] pixels, byte[] out) {
        for (int p = 0, o = 0; p < pixels.length; p++) {
            int v = pixels[p];
            out[o++] = (byte) (v >> 16);
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) v;
        }
    }

    /** For messages and logs: description, the first ids, count and the start of the hash. */
    @Override
    public String toString() {
        List<String> head = new ArrayList<>(ids.subList(0, Math.min(3, count())));
        if (count() > 3) head.add("…");
        return description + " [" + String.join(", ", head) + "] (" + count() + ", " + contentHash.substring(0, 12) + ")";
    }
}
