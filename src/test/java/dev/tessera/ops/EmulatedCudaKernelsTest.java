package dev.tessera.ops;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels' logic without a GPU: runs {@code target/native-build/emulated_cuda_check},
 * which the native build makes from {@code native/cuda/*.cu} compiled as C++ for a CPU emulation of
 * the CUDA execution model (a thread per CUDA thread, {@code __syncthreads()} a barrier; see
 * {@code native/emu/cuda_emulation.h}), and which checks every direction of both ops on this
 * package's test cases against references in double, with fresh random inputs and NaN-poisoned
 * outputs. {@link CudaOpsTest} runs the kernels themselves where a GPU is present; this catches
 * indexing, staging, barrier and reduction mistakes everywhere else, though not the GPU's own
 * float arithmetic.
 */
class EmulatedCudaKernelsTest {
    private static final Path CHECK = Path.of("target", "native-build", "emulated_cuda_check");

    @Test
    void cudaKernelsMatchTheReferencesUnderEmulation() throws Exception {
        assertTrue(Files.isExecutable(CHECK), CHECK + " is missing: cmake/build-native.sh builds it with the library");
        Path log = Files.createTempFile("emulated-cuda-check", ".txt");
        try {
            Process process = new ProcessBuilder(CHECK.toString()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            // A kernel whose threads disagree on a barrier would hang the emulation, not fail it.
            boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            if (!finished) process.destroyForcibly().waitFor();
            String output = Files.readString(log, UTF_8);
            System.out.print(output);
            assertTrue(finished, "the emulated CUDA check did not finish in 5 minutes (a barrier deadlock?):\n" + output);
            assertEquals(0, process.exitValue(), "the emulated CUDA kernels disagree with the references:\n" + output);
            assertTrue(output.contains("all ok: 0 failed"), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
