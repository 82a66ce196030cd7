package dev.tessera.train;

import static org.bytedeco.pytorch.global.torch.amax;
import static org.bytedeco.pytorch.global.torch.argmax;

import dev.tessera.classic.CellGrid;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.ops.Ops;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Inference of the learned method (DESIGN §1 step 9): one forward pass of the frozen encoder and
 * the trained decoder, then the argmax of the logits per cell gives the index map. The picture is
 * cropped (centred) to whole 8-px cells, as classic and eval crop it.
 */
public final class LearnedMatcher {
    private final Encoder encoder;
    private final Decoder decoder;
    private final TemplateSet set;

    /** The caller keeps ownership of the encoder and the decoder. */
    public LearnedMatcher(Encoder encoder, Decoder decoder, TemplateSet set) {
        if (decoder.templates() != set.count())
            throw new IllegalArgumentException("the decoder chooses among " + decoder.templates() + " templates but the set has "
                    + set.count());
        this.encoder = encoder;
        this.decoder = decoder;
        this.set = set;
    }

    /** The grid a picture is analysed at: 8-px cells (the encoder's stride). */
    public static CellGrid grid(BufferedImage image) {
        return CellGrid.ofCellSize(image.getWidth(), image.getHeight(), MosaicStep.ENCODER_STRIDE);
    }

    /**
     * What one forward pass gives: the index map (argmax per cell; scores are the chosen template's
     * logit) and, when soft templates were given, the soft mosaic.
     */
    public record Rendered(IndexMap map, BufferedImage soft) {}

    /**
     * The index map of one picture and, when {@code softTemplates} (N×3×t×t, e.g.
     * {@link TemplateSet#tensor}, made once by the caller for a whole batch) is not null, its soft
     * mosaic (what training optimises): every cell the blend of all templates weighted by
     * softmax(β · logits), through the native mix; the argmax of those weights is what the map pastes.
     */
    public Rendered render(BufferedImage image, float beta, Tensor softTemplates) {
        CellGrid grid = grid(image);
        Rectangle r = grid.region();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor x = Images.toTensor(image.getSubimage(r.x, r.y, r.width, r.height));
            Tensor logits = decoder.forward(encoder.features(x)).contiguous();
            Tensor best = argmax(logits, new LongOptional(1), false).to(ScalarType.Int).contiguous();
            Tensor top = amax(logits, new long[] {1}, false).contiguous();
            int cells = grid.cells();
            int[] ids = new int[cells];
            float[] scores = new float[cells];
            best.data_ptr_int().get(ids);
            top.data_ptr_float().get(scores);
            IndexMap map = new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), ids, scores, 0f, null, set.contentHash(), set.names());
            return new Rendered(map, softTemplates == null ? null : Images.toImage(Ops.mixForward(logits, softTemplates, beta)));
        }
    }

    /** The index map of one picture; scores are the chosen template's logit. */
    public IndexMap indexMap(BufferedImage image) {
        return render(image, 0, null).map();
    }
}
