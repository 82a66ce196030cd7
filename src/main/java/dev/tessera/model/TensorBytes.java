package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.from_blob;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Raw little-endian tensor bytes (a direct buffer) to an owned float32 contiguous tensor. */
final class TensorBytes {
    private TensorBytes() {}

    /**
     * A strided view into a storage of {@code storageNumel} elements. The caller has checked that
     * the buffer holds the storage and that the view stays inside it.
     */
    static Tensor toFloat(ByteBuffer storage, WeightDtype dtype, long storageNumel, long offset, long[] size, long[] stride) {
        BytePointer data = new BytePointer(storage.slice());
        Tensor blob = from_blob(data, new long[] {storageNumel}, new TensorOptions(dtype.scalarType));
        Tensor view = blob.as_strided(size, stride, new LongOptional(offset));
        // copy = true: the result must own its memory, the buffer may be a mapping of the file.
        return view.to(ScalarType.Float, false, true, new MemoryFormatOptional()).contiguous();
    }

    static Tensor toFloat(ByteBuffer contiguous, WeightDtype dtype, long[] shape) {
        return toFloat(contiguous, dtype, StoredTensor.numel(shape), 0, shape, contiguousStrides(shape));
    }

    static long[] contiguousStrides(long[] shape) {
        long[] stride = new long[shape.length];
        long s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            stride[k] = s;
            s *= Math.max(shape[k], 1);
        }
        return stride;
    }

    /**
     * Whether a view (offset, sizes, strides) lies inside a storage of n elements; an empty view
     * always does.
     */
    static boolean viewFits(long n, long offset, long[] size, long[] stride) {
        if (offset < 0 || size.length != stride.length) return false;
        long last = offset;
        for (int k = 0; k < size.length; k++) {
            if (size[k] < 0 || stride[k] < 0) return false;
            if (size[k] == 0) return true;
            try {
                last = Math.addExact(last, Math.multiplyExact(size[k] - 1, stride[k]));
            } catch (ArithmeticException e) {
                return false;
            }
        }
        return last < n;
    }
}
