package dev.tessera.model;

import java.util.Optional;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Element types a weight file may declare, named as safetensors names them. Only the floating ones
 * are accepted for VGG16 parameters (converted to float32); the others are known so that a file
 * holding them gets a precise message and their bytes can be skipped.
 */
enum WeightDtype {
    F32(ScalarType.Float, 4, "FloatStorage"),
    F64(ScalarType.Double, 8, "DoubleStorage"),
    F16(ScalarType.Half, 2, "HalfStorage"),
    BF16(ScalarType.BFloat16, 2, "BFloat16Storage"),
    I64(ScalarType.Long, 8, "LongStorage"),
    I32(ScalarType.Int, 4, "IntStorage"),
    I16(ScalarType.Short, 2, "ShortStorage"),
    I8(ScalarType.Char, 1, "CharStorage"),
    U8(ScalarType.Byte, 1, "ByteStorage"),
    BOOL(ScalarType.Bool, 1, "BoolStorage");

    final ScalarType scalarType;
    final int bytes;
    private final String storageType;

    WeightDtype(ScalarType scalarType, int bytes, String storageType) {
        this.scalarType = scalarType;
        this.bytes = bytes;
        this.storageType = storageType;
    }

    boolean floating() {
        return this == F32 || this == F64 || this == F16 || this == BF16;
    }

    static Optional<WeightDtype> ofSafetensors(String name) {
        for (WeightDtype d : values()) if (d.name().equals(name)) return Optional.of(d);
        return Optional.empty();
    }

    /** The dtype of a pickled storage class such as {@code torch.FloatStorage}. */
    static Optional<WeightDtype> ofStorageType(String module, String name) {
        if (!module.equals("torch")) return Optional.empty();
        for (WeightDtype d : values()) if (d.storageType.equals(name)) return Optional.of(d);
        return Optional.empty();
    }
}
