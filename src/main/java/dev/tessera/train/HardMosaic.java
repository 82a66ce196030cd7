package dev.tessera.train;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The mosaic of a hard choice: each cell's template pasted as it is (what argmax inference renders). */
final class HardMosaic {
    private HardMosaic() {}

    /** 1×C×(rows·s)×(columns·s) from one template index per cell (row-major) and N×C×s×s templates. */
    static Tensor paste(int[] choice, Tensor templates, int rows, int columns) {
        long c = templates.size(1), s = templates.size(2);
        Tensor index = Tensor.create(choice).to(ScalarType.Long);
        return templates.index_select(0, index).reshape(rows, columns, c, s, s).permute(2, 0, 3, 1, 4).reshape(1, c, rows * s, columns * s)
                .contiguous();
    }

    /** B×C×(h·s)×(w·s): the argmax template of logits B×N×h×w pasted in each cell (no gradient). */
    static Tensor ofArgmax(Tensor logits, Tensor templates) {
        try (NoGradGuard g = new NoGradGuard()) {
            long b = logits.size(0), h = logits.size(2), w = logits.size(3), c = templates.size(1), s = templates.size(2);
            Tensor index = logits.argmax(new LongOptional(1), false).reshape(-1);
            return templates.index_select(0, index).reshape(b, h, w, c, s, s).permute(0, 3, 1, 4, 2, 5).reshape(b, c, h * s, w * s)
                    .contiguous();
        }
    }
}
