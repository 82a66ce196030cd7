package dev.tessera.model;

import static org.bytedeco.pytorch.global.torch.manual_seed;
import static org.bytedeco.pytorch.global.torch.randn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** Test helpers: fresh seeds, random VGG16 parameters, error measures in double. */
final class TestTensors {
    private TestTensors() {}

    /** Seeds LibTorch with a fresh seed and returns it, so a failure message can name it. */
    static long freshSeed() {
        long seed = System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        manual_seed(seed);
        return seed;
    }

    /** VGG16 parameters under torchvision's names, He-scaled so deep features stay O(1), small random biases. */
    static Map<String, Tensor> randomVggParameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (String name : Vgg16.parameterNames()) {
            long[] shape = Vgg16.parameterShape(name);
            double std = shape.length == 4 ? Math.sqrt(2.0 / (shape[1] * 9)) : 0.1;
            p.put(name, randn(shape).mul(new Scalar(std)));
        }
        return p;
    }

    static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] a = new float[(int) c.numel()];
        c.data_ptr_float().get(a);
        return a;
    }

    static List<WeightFileWriter.Entry> entries(Map<String, Tensor> parameters) {
        List<WeightFileWriter.Entry> e = new ArrayList<>();
        parameters.forEach((name, t) -> e.add(WeightFileWriter.Entry.f32(name, t.sizes().vec().get(), floats(t))));
        return e;
    }

    /** A random image batch in 0..255 of the given dtype. */
    static Tensor image(org.bytedeco.pytorch.global.torch.ScalarType dtype, long... shape) {
        return org.bytedeco.pytorch.global.torch.rand(shape).mul(new Scalar(255.0)).to(dtype);
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(org.bytedeco.pytorch.global.torch.ScalarType.Double).sub(b.to(org.bytedeco.pytorch.global.torch.ScalarType.Double))
                .abs().max().item_double();
    }

    static double maxAbs(Tensor a) {
        return a.to(org.bytedeco.pytorch.global.torch.ScalarType.Double).abs().max().item_double();
    }
}
