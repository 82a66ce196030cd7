package dev.tessera.testing;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one LibTorch thread and restores the count after: on a loaded 2-core
 * machine the many small ops of a fit or a training step would otherwise wait at OpenMP barriers
 * (one test took 211 s with 2 threads and about 1 s with 1). Use with {@code @ExtendWith}.
 */
public final class OneTorchThread implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OneTorchThread.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("threads", torch.get_num_threads());
        torch.set_num_threads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        torch.set_num_threads(context.getStore(NAMESPACE).get("threads", Integer.class));
    }
}
