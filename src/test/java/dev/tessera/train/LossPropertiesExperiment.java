package dev.tessera.train;

import dev.tessera.classic.CellGrid;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.eval.ScaleFigures;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.LossTarget;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.PerceptualLoss;
import dev.tessera.model.PerceptualLossConfig;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DESIGN §1's properties (1) and (3) on real pictures: the same fit with the default viewing loss
 * and with the paper's {@code vgg16} loss on a seeded VGG16 (prediction blurred, as the paper),
 * each also without the viewing blur and at scale 0 only, judged on the §6 figures and on how flat
 * the chosen templates are (mean standard deviation of each chosen 8×8 template's luma; classic's
 * choice for reference). Run by bench/learned/loss-properties.sh; args: STEPS SET IMAGE... (8-px
 * cells, pictures whose sides are multiples of 8); {@code -Dlosses=viewing,vgg16} picks the families,
 * {@code -Dmethods=logits,cold,start} the fits: logits from classic, a cold decoder on the seeded
 * VGG16, and a decoder on the {@link SignatureEncoder} starting at classic's choice
 * ({@link SignatureEncoder#classicStart}), which cannot collapse for lack of a start.
 */
public final class LossPropertiesExperiment {
    private LossPropertiesExperiment() {}

    public static void main(String[] args) throws Exception {
        torch.set_num_threads(1);
        int steps = Integer.parseInt(args[0]);
        TemplateSet set = TemplateSet.open(Path.of(args[1]));
        List<String> families = List.of(System.getProperty("losses", "viewing,vgg16").split(","));
        List<String> methods = List.of(System.getProperty("methods", "logits,cold,start").split(","));
        System.out.println("| picture | method | loss | full PSNR / SSIM / ΔE00 | ½ | ¼ | templates | flatness | judged by default loss |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        try (Vgg16 encoder = Vgg16.seeded(16); SignatureEncoder signatures = new SignatureEncoder(ClassicImitation.matcher(set))) {
            Map<String, MosaicLoss> losses = new LinkedHashMap<>();
            if (families.contains("viewing")) {
                losses.put("default (blur, scales 0,1,2)", new ViewingLoss(ViewingLossConfig.defaults()));
                losses.put("no viewing blur", new ViewingLoss(ViewingLossConfig.defaults().withoutViewingBlur()));
                losses.put("scale 0 only", new ViewingLoss(ViewingLossConfig.defaults().withScales(List.of(0))));
            }
            if (families.contains("vgg16")) {
                losses.put("vgg16 seeded (prediction blurred, scales 0,1,2)", new PerceptualLoss(encoder));
                losses.put("vgg16 seeded, no viewing blur", new PerceptualLoss(encoder, PerceptualLossConfig.paper().withoutViewingBlur()));
                losses.put("vgg16 seeded, scale 0 only", new PerceptualLoss(encoder, PerceptualLossConfig.paper().withScales(List.of(0))));
            }
            for (int i = 2; i < args.length; i++) {
                BufferedImage image = Images.read(Path.of(args[i]));
                String name = Path.of(args[i]).getFileName().toString();
                CellGrid grid = CellGrid.ofCellSize(image.getWidth(), image.getHeight(), MosaicStep.ENCODER_STRIDE);
                IndexMap classic = ClassicImitation.matcher(set).match(image, grid).map();
                int[] start = new int[classic.cells()];
                for (int c = 0; c < start.length; c++) start[c] = classic.template(c);
                row(name, "classic", "-", start, set, image, grid);
                for (Map.Entry<String, MosaicLoss> e : losses.entrySet()) {
                    try (PointerScope scope = new PointerScope()) {
                        MosaicLoss loss = e.getValue();
                        Tensor x = Images.toTensor(image);
                        if (methods.contains("logits")) {
                            LogitFit.Result logits = LogitFit.fit(x, set.analysisTensor(), start, loss, new LogitFit.Settings(steps, 0.05, 5),
                                    p -> {});
                            row(name, "logits", e.getKey(), logits.choice(), set, image, grid);
                        }
                        if (methods.contains("start")) try (Decoder decoder = signatures.classicStart()) {
                            DecoderFit.Result warm = DecoderFit.fit(signatures, decoder, x, set.analysisTensor(), start, loss,
                                    new DecoderFit.Settings(steps, DecoderFit.DEFAULT_RATE, 5, new ClassicImitation.Settings(0, 1e-3)),
                                    w -> {}, p -> {});
                            row(name, "decoder from classic", e.getKey(), warm.choice(), set, image, grid);
                        }
                        if (methods.contains("cold")) try (Decoder decoder = Decoder.initialised(set.count(), 0)) {
                            DecoderFit.Result cold = DecoderFit.fit(encoder, decoder, x, set.analysisTensor(), start, loss,
                                    new DecoderFit.Settings(steps, DecoderFit.DEFAULT_RATE, 5, new ClassicImitation.Settings(0, 1e-3)),
                                    w -> {}, p -> {});
                            row(name, "decoder, cold", e.getKey(), cold.choice(), set, image, grid);
                        }
                    }
                }
            }
        }
    }

    /** The choice per cell as an index map of the set on the grid (no scores, no tint). */
    static IndexMap map(int[] choice, TemplateSet set, CellGrid grid) {
        return new IndexMap(grid.columns(), grid.rows(), grid.cellSize(), choice, new float[choice.length], 0, null,
                set.contentHash(), set.names());
    }

    /** DESIGN §6's figures of the map's mosaic against the picture. */
    static QualityReport quality(IndexMap map, TemplateSet set, BufferedImage image) {
        return MosaicQuality.measure(image, new MosaicRenderer(set, map.cellSize()).image(map));
    }

    private static void row(String name, String method, String loss, int[] choice, TemplateSet set, BufferedImage image, CellGrid grid) {
        IndexMap map = map(choice, set, grid);
        QualityReport q = quality(map, set, image);
        double judged;
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            ViewingLoss byDefault = new ViewingLoss();
            Tensor x = Images.toTensor(image);
            try (LossTarget target = byDefault.prepare(x)) {
                judged = byDefault.loss(HardMosaic.paste(choice, set.analysisTensor(), grid.rows(), grid.columns()), target).item_double();
            }
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d | %.1f | %.4g |%n", name, method, loss, figures(q.full()),
                figures(q.half()), figures(q.quarter()), map.distinctTemplates(), flatness(choice, set), judged);
        System.out.flush();
    }

    static String figures(ScaleFigures f) {
        return String.format(Locale.ROOT, "%.2f / %.3f / %.2f", f.psnr(), f.ssim(), f.deltaE00());
    }

    /** Mean over cells of the standard deviation of the chosen template's BT.601 luma (0..255). */
    private static double flatness(int[] choice, TemplateSet set) {
        double sum = 0;
        for (int k : choice) {
            float[] t = set.tilePlanes(k, MosaicStep.ENCODER_STRIDE);
            int n = t.length / 3;
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                double y = 0.299 * t[i] + 0.587 * t[n + i] + 0.114 * t[2 * n + i];
                mean += y;
                sq += y * y;
            }
            mean /= n;
            sum += Math.sqrt(Math.max(0, sq / n - mean * mean));
        }
        return sum / choice.length;
    }
}
