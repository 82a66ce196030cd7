package dev.tessera.templates;

import dev.tessera.image.Images;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import dev.tessera.batch.ProgressBar;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Picture templates from a folder (photos, emoji PNGs, sprites), one per readable image, in the
 * order of their paths inside the folder (subfolders included, hidden files ignored). Pictures are
 * decoded in parallel on all cores, squared ({@link TileFit}), composited on the background and
 * area-averaged to each size. Files that do not decode are skipped with one warning line each and
 * counted at the end. Decoding thousands of photos takes a while: prepare the set once and
 * {@link TemplateSet#save save} it.
 */
public final class ImageDirectorySource {
    private final Path folder;
    private TileFit fit = TileFit.CROP;
    private int background = 0xffffff;
    private int analysisSize = TemplateSet.DEFAULT_ANALYSIS_SIZE;
    private List<Integer> sizes = TemplateSet.DEFAULT_SIZES;
    private int threads = Runtime.getRuntime().availableProcessors();
    private PrintWriter report = new PrintWriter(System.err, true);

    public ImageDirectorySource(Path folder) {
        this.folder = folder;
    }

    /** Crop to the centred square (default) or pad to a square with the background. */
    public ImageDirectorySource fit(TileFit fit) {
        this.fit = fit;
        return this;
    }

    /** Colour under transparent pixels and around padded pictures, 0xRRGGBB (default white). */
    public ImageDirectorySource background(int rgb) {
        this.background = rgb & 0xffffff;
        return this;
    }

    public ImageDirectorySource analysisSize(int size) {
        this.analysisSize = size;
        return this;
    }

    /** Sizes to prepare besides the analysis size (default 8, 16, 32, 64); larger ones are enlarged later. */
    public ImageDirectorySource sizes(Collection<Integer> sizes) {
        this.sizes = List.copyOf(sizes);
        return this;
    }

    /** Decoding threads (default: all cores). */
    public ImageDirectorySource threads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        return this;
    }

    /** Where the progress bar, the warnings and the count of skipped files go (default stderr). */
    public ImageDirectorySource report(PrintWriter report) {
        this.report = report;
        return this;
    }

    /**
     * Decodes the folder into a set.
     *
     * @throws IOException the folder is missing, empty, or holds no image that decodes
     */
    public TemplateSet build() throws IOException {
        SortedSet<Integer> all = GlyphSource.allSizes(analysisSize, sizes);
        List<Path> files = listFiles();
        SquareTiler tiler = new SquareTiler(fit, background, all);
        int[][][] tiles = new int[files.size()][][];
        List<String> skipped = new ArrayList<>();
        ProgressBar bar = new ProgressBar(report, "decoding " + folder.getFileName(), files.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, files.size()), r -> {
            Thread t = new Thread(r, "tessera-template-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < files.size(); i++) {
                int k = i;
                done.submit(() -> {
                    BufferedImage img = Images.readIntact(files.get(k));
                    tiles[k] = tiler.tiles(img, new Rectangle(img.getWidth(), img.getHeight()));
                    return k;
                });
            }
            for (int i = 0; i < files.size(); i++) {
                Future<Integer> result = done.take();
                try {
                    result.get();
                } catch (ExecutionException e) {
                    String why = e.getCause() instanceof IOException ? e.getCause().getMessage() : String.valueOf(e.getCause());
                    bar.warn("warning: skipped " + why);
                    skipped.add(why);
                }
                bar.step();
            }
            bar.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while decoding " + folder);
        } finally {
            pool.shutdownNow();
        }
        if (skipped.size() == files.size())
            throw new IOException(folder + ": none of its " + files.size() + " files is an image Java can decode "
                    + "(PNG, JPEG, GIF, BMP); see the warnings above");
        if (!skipped.isEmpty())
            report.println("skipped " + skipped.size() + " of " + files.size() + " files in " + folder + " (see the warnings above)");
        report.flush();
        return assemble(files, tiles, all);
    }

    private List<Path> listFiles() throws IOException {
        if (!Files.isDirectory(folder)) throw new IOException(folder + ": not a folder; give a folder of images (PNG, JPEG, GIF, BMP)");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(p -> !p.equals(folder) && !hidden(folder.relativize(p)))
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> idOf(a).compareTo(idOf(b)))
                    .toList();
        } catch (UncheckedIOException e) {
            throw new IOException(folder + ": cannot list (" + e.getCause().getMessage() + ")", e.getCause());
        }
        if (files.isEmpty()) throw new IOException(folder + ": the folder has no files; put images in it (PNG, JPEG, GIF, BMP)");
        return files;
    }

    /** Dot-files and anything inside a dot-folder (.DS_Store, .git, thumbnail caches). */
    private static boolean hidden(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }

    /** The file's path inside the folder with '/' separators: stable across machines. */
    private String idOf(Path file) {
        List<String> parts = new ArrayList<>();
        for (Path part : folder.relativize(file)) parts.add(part.toString());
        return String.join("/", parts);
    }

    private TemplateSet assemble(List<Path> files, int[][][] tiles, SortedSet<Integer> all) {
        List<String> ids = new ArrayList<>(), names = new ArrayList<>();
        List<int[][]> kept = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (tiles[i] == null) continue;
            ids.add(idOf(files.get(i)));
            String file = files.get(i).getFileName().toString();
            int dot = file.lastIndexOf('.');
            names.add(dot > 0 ? file.substring(0, dot) : file);
            kept.add(tiles[i]);
        }
        Map<Integer, int[]> bySize = new LinkedHashMap<>();
        int k = 0;
        for (int size : all) {
            int area = size * size;
            int[] pixels = new int[kept.size() * area];
            for (int t = 0; t < kept.size(); t++) System.arraycopy(kept.get(t)[k], 0, pixels, t * area, area);
            bySize.put(size, pixels);
            k++;
        }
        String description = kept.size() + " pictures from " + folder + " (" + fit.name().toLowerCase() + ", on "
                + String.format("#%06x", background) + ")";
        return new TemplateSet(description, ids, names, analysisSize, bySize, List.of(), background, null);
    }
}
