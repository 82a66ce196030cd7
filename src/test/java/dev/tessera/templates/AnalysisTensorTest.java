package dev.tessera.templates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class AnalysisTensorTest {
    @Test
    void analysisTensorIsNx3x8x8RgbOfTheTiles() throws Exception {
        TemplateSet set = new GlyphSource().characters("Ab%").foregrounds(List.of(0xff8000, 0x0080ff)).background(0x203040).build();
        try (PointerScope scope = new PointerScope()) {
            Tensor t = set.analysisTensor();
            assertArrayEquals(new long[] {6, 3, 8, 8}, t.sizes().vec().get());
            assertEquals(ScalarType.Float, t.scalar_type().intern());
            float[] values = new float[6 * 3 * 64];
            t.contiguous().data_ptr_float().get(values);
            assertArrayEquals(set.planes(8), values);
            int[] tile = set.tileArgb(4, 8);
            for (int p = 0; p < 64; p++) {
                assertEquals((tile[p] >> 16) & 0xff, values[4 * 192 + p]);
                assertEquals((tile[p] >> 8) & 0xff, values[4 * 192 + 64 + p]);
                assertEquals(tile[p] & 0xff, values[4 * 192 + 128 + p]);
            }
            Tensor big = set.tensor(16);
            assertArrayEquals(new long[] {6, 3, 16, 16}, big.sizes().vec().get());
        }
    }
}
