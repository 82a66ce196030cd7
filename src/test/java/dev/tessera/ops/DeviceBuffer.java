package dev.tessera.ops;

import static dev.tessera.ops.Ops.check;

import org.bytedeco.pytorch.Tensor;

/**
 * Device memory for testing the CUDA kernels from Java without a CUDA build of LibTorch: a float32
 * copy of a CPU tensor on the GPU, copied back on request. Closing twice is harmless.
 */
final class DeviceBuffer implements AutoCloseable {
    private final long bytes;
    private long address;

    DeviceBuffer(Tensor host) {
        Tensor t = host.contiguous();
        bytes = t.numel() * 4;
        long[] ptr = new long[1];
        check("cuda_malloc", NativeOps.tsr_cuda_malloc(ptr, bytes));
        address = ptr[0];
        check("cuda_memcpy_h2d", NativeOps.tsr_cuda_memcpy_h2d(address, t.data_ptr().address(), bytes));
    }

    long address() {
        if (address == 0) throw new IllegalStateException("device buffer already closed");
        return address;
    }

    /** Waits for queued kernels, then copies the device data into {@code host} (same size). */
    Tensor copyTo(Tensor host) {
        check("cuda_synchronize", NativeOps.tsr_cuda_synchronize());
        check("cuda_memcpy_d2h", NativeOps.tsr_cuda_memcpy_d2h(host.data_ptr().address(), address(), bytes));
        return host;
    }

    @Override
    public void close() {
        if (address != 0) {
            NativeOps.tsr_cuda_free(address);
            address = 0;
        }
    }
}
