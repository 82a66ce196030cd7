package dev.tessera.bench;

import static org.bytedeco.pytorch.global.torch.set_num_threads;

import dev.tessera.ops.Ops;

/**
 * Native ops and LibTorch get the same number of threads (every core the JVM sees), so a ratio
 * compares kernels, not thread counts. Overridable with -Dtessera.bench.threads=N.
 */
final class CpuThreads {
    private CpuThreads() {}

    static int useSameForBoth() {
        int n = Integer.getInteger("tessera.bench.threads", Runtime.getRuntime().availableProcessors());
        set_num_threads(n);
        Ops.setCpuThreads(n);
        return n;
    }
}
