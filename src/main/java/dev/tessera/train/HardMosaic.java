package dev.tessera.train;

import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import org.bytedeco.javacpp.PointerScope;
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

    /** The argmax template per cell of logits 1×N×h×w, row-major. */
    static int[] argmax(Tensor logits) {
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor idx = logits.argmax(new LongOptional(1), false).to(ScalarType.Int).contiguous();
            int[] out = new int[(int) idx.numel()];
            idx.data_ptr_int().get(out);
            return out;
        }
    }

    /** The loss of the mosaic with the given template pasted in each cell. */
    static double loss(int[] choice, Tensor templates, int rows, int columns, MosaicLoss loss, LossTarget target) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            return loss.loss(paste(choice, templates, rows, columns), target).item_double();
        }
    }
}
