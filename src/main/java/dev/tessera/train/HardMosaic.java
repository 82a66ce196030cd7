package dev.tessera.train;

import org.bytedeco.pytorch.Tensor;

/** The mosaic of a hard choice: each cell's template pasted as it is (what argmax inference renders). */
final class HardMosaic {
    private HardMosaic() {}

    /** 1×C×(rows·s)×(columns·s) from one template index per cell (row-major) and N×C×s×s templates. */
    static Tensor paste(int[] choice, Tensor templates, int rows, int columns) {
        long c = templates.size(1), s = templates.size(2);
        Tensor index = Tensor.create(choice).to(org.bytedeco.pytorch.global.torch.ScalarType.Long);
        return templates.index_select(0, index).reshape(rows, columns, c, s, s).permute(2, 0, 3, 1, 4).reshape(1, c, rows * s, columns * s)
                .contiguous();
    }
}
