package dev.tessera.cli;

import dev.tessera.image.Images;
import dev.tessera.ops.GaussianBlur;
import dev.tessera.ops.Ops;
import dev.tessera.ops.OpsReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main job. Until the mosaic modes land, it runs the parts that exist: the image as
 * the method sees it from a distance (the viewing blur, then both pyramid levels), with the native
 * kernels, checked against and timed against their LibTorch composites.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Tessera on a sample image and write the results to a folder.")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, description = "Input image (default: the bundled samples/astronaut.png).")
    Path input;

    @Option(names = {"-o", "--output"}, defaultValue = "demo-out", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path in = input != null ? input : Path.of(System.getProperty("tessera.home", "."), "samples", "astronaut.png");
        try (PointerScope scope = new PointerScope()) {
            Tensor image = Images.toTensor(Images.read(in));
            out.printf("input %s: %d x %d; libtessera %d, CPU threads %d, CUDA kernels %s, CUDA devices %d%n",
                    in, image.size(3), image.size(2), Ops.nativeVersion(), Ops.cpuThreads(),
                    Ops.cudaCompiled() ? "built" : "not built", Ops.cudaDeviceCount());
            Tensor viewed = stage(out, "viewing blur 8x8 sigma 3", image, GaussianBlur.viewing(), "viewing");
            stage(out, "pyramid level 1 (1/2)", viewed, GaussianBlur.pyramid(1), "pyramid1");
            stage(out, "pyramid level 2 (1/4)", viewed, GaussianBlur.pyramid(2), "pyramid2");
        }
        out.printf("wrote %s/{viewing,pyramid1,pyramid2}.png%n", output);
        return 0;
    }

    private Tensor stage(PrintWriter out, String what, Tensor x, GaussianBlur blur, String name) {
        Tensor fast = Ops.blurForward(x, blur);
        Tensor reference = OpsReference.blur(x, blur);
        double diff = fast.sub(reference).abs().max().item_double();
        long nativeNs = timeNs(() -> Ops.blurForward(x, blur));
        long referenceNs = timeNs(() -> OpsReference.blur(x, blur));
        out.printf("  %-28s -> %d x %d   max |native - LibTorch| = %.2e   native %.2f ms, LibTorch %.2f ms (%.1fx)%n",
                what, fast.size(3), fast.size(2), diff, nativeNs / 1e6, referenceNs / 1e6, (double) referenceNs / nativeNs);
        Images.write(Images.toImage(fast), output.resolve(name + ".png"));
        return fast;
    }

    /** Best of five calls, each in its own scope so temporaries are freed at once. */
    private static long timeNs(Runnable op) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            try (PointerScope s = new PointerScope()) {
                long t0 = System.nanoTime();
                op.run();
                best = Math.min(best, System.nanoTime() - t0);
            }
        }
        return best;
    }
}
