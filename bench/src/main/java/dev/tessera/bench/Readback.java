package dev.tessera.bench;

import org.bytedeco.pytorch.Tensor;

/**
 * What a benchmark returns: one float read from its result, so JMH sinks a plain Java value and
 * no tensor escapes the invocation's PointerScope.
 */
final class Readback {
    private Readback() {}

    static float first(Tensor t) {
        return t.data_ptr_float().get();
    }
}
