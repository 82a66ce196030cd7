package dev.tessera.batch;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One job over many images: inputs given as files, folders (their images, recursively) or globs;
 * {@code jobs} images in flight at once through a bounded queue (so decoding, matching and encoding
 * of different images overlap without reading the whole batch ahead); one progress line; an image
 * whose outputs exist is skipped; a failing image is reported on its own line and counted, and the
 * rest go on.
 */
public final class Batch {
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp");

    private Batch() {}

    /** The work for one input; its exceptions are reported and counted, not rethrown. */
    public interface Job {
        void run(Path input) throws Exception;
    }

    public record Summary(int done, int skipped, int failed) {}

    /** Files as given, folders as their image files (sorted, recursive), globs as their matches. */
    public static List<Path> expandInputs(List<String> args) throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        for (String arg : args) {
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.walk(p)) {
                    files.filter(Files::isRegularFile).filter(Batch::isImageName).sorted().forEach(out::add);
                }
            } else if (Files.exists(p)) {
                out.add(p);
            } else if (arg.contains("*") || arg.contains("?") || arg.contains("[")) {
                out.addAll(glob(arg));
            } else {
                throw new IOException(arg + ": no such file or folder");
            }
        }
        if (out.isEmpty()) throw new IOException("no images among the inputs " + args);
        return new ArrayList<>(out);
    }

    private static List<Path> glob(String pattern) throws IOException {
        // The fixed part before the first wildcard is where the search starts.
        int wild = pattern.length();
        for (char c : new char[] {'*', '?', '['}) if (pattern.indexOf(c) >= 0) wild = Math.min(wild, pattern.indexOf(c));
        int slash = pattern.lastIndexOf('/', wild);
        Path root = slash < 0 ? Path.of(".") : Path.of(pattern.substring(0, slash + 1));
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + (slash < 0 ? pattern : pattern.substring(slash + 1)));
        if (!Files.isDirectory(root)) throw new IOException(pattern + ": no folder " + root);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> matcher.matches(root.relativize(f))).sorted().toList();
        }
    }

    static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }

    /** File name without extension; two inputs with the same one would overwrite each other's outputs. */
    public static String stem(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    public static void requireDistinctStems(List<Path> inputs) {
        Map<String, Path> seen = new HashMap<>();
        for (Path p : inputs) {
            Path other = seen.put(stem(p), p);
            if (other != null)
                throw new IllegalArgumentException(other + " and " + p + " would write the same outputs ('" + stem(p)
                        + "'); rename one or run them into different output folders");
        }
    }

    /**
     * Runs {@code job} on every input not {@code alreadyDone}, {@code jobs} at a time, with a
     * progress line labelled {@code label} on {@code err}; returns how many were done, skipped and failed.
     */
    public static Summary run(List<Path> inputs, int jobs, Predicate<Path> alreadyDone, Job job, PrintWriter err, String label)
            throws InterruptedException {
        List<Path> todo = inputs.stream().filter(alreadyDone.negate()).toList();
        int skipped = inputs.size() - todo.size();
        if (skipped > 0) err.println(label + ": " + skipped + " of " + inputs.size() + " already done (outputs exist; --overwrite to redo)");
        ProgressBar bar = new ProgressBar(err, label, todo.size());
        AtomicInteger failed = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(jobs, jobs, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2 * jobs),
                new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            for (Path input : todo) {
                pool.execute(() -> {
                    try {
                        job.run(input);
                    } catch (Exception | OutOfMemoryError e) {
                        failed.incrementAndGet();
                        String message = e.getMessage() != null ? e.getMessage() : e.toString();
                        // Most messages already start with the file they are about.
                        bar.warn(message.startsWith(input.toString()) ? message : input + ": " + message);
                    }
                    bar.step();
                });
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        }
        bar.finish();
        return new Summary(todo.size() - failed.get(), skipped, failed.get());
    }
}
