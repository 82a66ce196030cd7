package dev.tessera.train;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.eval.QualityReport;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.model.MosaicLoss;
import dev.tessera.model.PixelEncoder;
import dev.tessera.model.SeenLoss;
import dev.tessera.model.SeenLossConfig;
import dev.tessera.model.Vgg16;
import dev.tessera.model.ViewingLoss;
import dev.tessera.model.ViewingLossConfig;
import dev.tessera.render.IndexMap;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Which encoder lets the decoder learn classic's choice on pictures it was not trained on: the
 * classic imitation (cross-entropy on classic's template per cell) over a folder of training
 * pictures with the seeded VGG16's pool3 and with {@link PixelEncoder}, or, with
 * {@link SignatureEncoder}, its {@link SignatureEncoder#classicStart} (no imitation) and then
 * -Dtune=STEPS steps of training on the viewing loss at -Dtunelr=RATE; then, on held-out
 * pictures, the share of cells where the decoder's argmax is classic's and the §6 figures of its
 * mosaic against classic's. Args: STEPS SET TRAIN_DIR SIZE HELD_OUT... (8-px cells); -Dlr=RATE (default 1e-3),
 * -Dencoders=NAME|NAME picks encoders ("seeded VGG16 pool3", "pixels", "signatures").
 */
public final class EncoderExperiment {
    private EncoderExperiment() {}

    public static void main(String[] args) throws Exception {
        torch.set_num_threads(Integer.getInteger("threads", 1));
        int steps = Integer.parseInt(args[0]);
        TemplateSet set = TemplateSet.open(Path.of(args[1]));
        int size = Integer.parseInt(args[3]);
        TrainingImages train = TrainingImages.scan(Path.of(args[2]), size, 1, System.err::println);
        ClassicMatcher matcher = ClassicImitation.matcher(set);
        System.out.println("| encoder | picture | agreement with classic | full PSNR / SSIM / ΔE00 | ¼ | templates |");
        System.out.println("|---|---|---|---|---|---|");
        try (Vgg16 vgg = Vgg16.seeded(16)) {
            Map<String, Encoder> encoders = new LinkedHashMap<>();
            encoders.put("seeded VGG16 pool3", vgg);
            encoders.put("pixels", new PixelEncoder());
            encoders.put("signatures", new SignatureEncoder(matcher));
            for (String only : System.getProperty("encoders", "").split(","))
                if (!only.isEmpty()) encoders.keySet().retainAll(List.of(only.split("\\|")));
            boolean first = true;
            for (Map.Entry<String, Encoder> e : encoders.entrySet()) {
                Encoder encoder = e.getValue();
                boolean exact = encoder instanceof SignatureEncoder;
                try (Decoder decoder = exact ? ((SignatureEncoder) encoder).classicStart() : Decoder.initialised(set.count(), 0)) {
                    long t0 = System.nanoTime();
                    double lr = Double.parseDouble(System.getProperty("lr", String.valueOf(ClassicImitation.DEFAULT_RATE)));
                    double soft = Double.parseDouble(System.getProperty("soft", "0"));
                    if (exact) {
                        int tune = Integer.getInteger("tune", 0);
                        if (tune > 0) fineTune(encoder, decoder, set, train, size, tune, Double.parseDouble(System.getProperty("tunelr", "6e-6")),
                                e.getKey(), t0);
                    } else if (soft > 0) softImitation(decoder, encoder, matcher, train, set.analysisTensor(), steps, lr, soft, e.getKey(), t0);
                    else ClassicImitation.run(decoder, step -> {
                        Tensor batch = train.batch(step, 6);
                        try (NoGradGuard frozen = new NoGradGuard()) {
                            return new ClassicImitation.Example(encoder.features(batch), ClassicImitation.classicChoices(matcher, batch));
                        }
                    }, new ClassicImitation.Settings(steps, lr), s -> {
                        if (s.step() % 50 == 0 || s.step() == s.steps())
                            System.err.printf(Locale.ROOT, "%s: step %d cross-entropy %.4f agreement %.3f (%.0f s)%n", e.getKey(), s.step(),
                                    s.crossEntropy(), s.agreement(), (System.nanoTime() - t0) / 1e9);
                    });
                    for (int i = 4; i < args.length; i++) {
                        BufferedImage image = Images.read(Path.of(args[i]));
                        String name = Path.of(args[i]).getFileName().toString();
                        CellGrid grid = CellGrid.ofCellSize(image.getWidth(), image.getHeight(), MosaicStep.ENCODER_STRIDE);
                        IndexMap classic = matcher.match(image, grid).map();
                        int[] choice;
                        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                            Tensor logits = decoder.forward(encoder.features(Images.toTensor(image)));
                            Tensor ids = logits.argmax(new LongOptional(1), false).reshape(-1).contiguous();
                            choice = new int[grid.cells()];
                            for (int c = 0; c < choice.length; c++) choice[c] = (int) ids.get(c).item_long();
                        }
                        int same = 0;
                        int[] start = new int[grid.cells()];
                        for (int c = 0; c < start.length; c++) {
                            start[c] = classic.template(c);
                            if (start[c] == choice[c]) same++;
                        }
                        if (first) row("classic", name, 1.0, start, set, image, grid);
                        row(e.getKey(), name, same / (double) choice.length, choice, set, image, grid);
                    }
                }
                first = false;
            }
        }
    }

    /**
     * -Dtune=STEPS: the classic start trained on, as `tessera train` does after it: the default
     * viewing loss (scales the size allows), β held at its end value (the start is already one-hot
     * at the argmax), the method's staircase rate from -Dtunelr (default the method's 6e-6).
     */
    private static void fineTune(Encoder encoder, Decoder decoder, TemplateSet set, TrainingImages train, int size, int steps, double lr,
            String name, long t0) {
        List<Integer> scales = new ArrayList<>();
        for (int sc : ViewingLossConfig.defaults().scales()) if ((size >> sc) >= 11) scales.add(sc);
        // -Dtuneloss=seen: the seen loss fit's search uses (area averages as §6 measures, no blur) instead of the viewing loss.
        MosaicLoss loss = System.getProperty("tuneloss", "viewing").equals("seen")
                ? new SeenLoss(ImageFit.coloursAsClassicSees(SeenLossConfig.defaults(), 8, 8))
                : new ViewingLoss(ViewingLossConfig.defaults().withScales(scales));
        try (DecoderTrainer trainer = new DecoderTrainer(encoder, decoder, set.analysisTensor(), loss,
                TemperatureSchedule.constant(TemperatureSchedule.END), LearningRateSchedule.method().startingAt(lr))) {
            for (int i = 0; i < steps; i++) {
                try (PointerScope scope = new PointerScope()) {
                    DecoderTrainer.Step s = trainer.step(train.batch(i, 6));
                    if ((i + 1) % 25 == 0 || i + 1 == steps)
                        System.err.printf(Locale.ROOT, "%s: fine-tune step %d loss %.5g (%.0f s)%n", name, i + 1, s.loss(),
                                (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }

    /**
     * The imitation with soft targets (-Dsoft=TAU): half classic's choice, half softmax(−d/TAU) of
     * each template's mean squared RGB distance d from the cell (a fraction of 255²), so near-ties
     * among the templates are not taught as wrong.
     */
    private static void softImitation(Decoder decoder, Encoder encoder, ClassicMatcher matcher, TrainingImages train, Tensor templates,
            int steps, double lr, double tau, String name, long t0) {
        try (PointerScope outer = new PointerScope()) {
            org.bytedeco.pytorch.Adam adam = MethodAdam.create(decoder.parameters(), lr);
            for (int i = 0; i < steps; i++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor batch = train.batch(i, 6), features, target, classic;
                    try (NoGradGuard frozen = new NoGradGuard()) {
                        features = encoder.features(batch);
                        classic = ClassicImitation.classicChoices(matcher, batch);
                        Tensor d = LogitFit.batchDistances(batch, templates);
                        Tensor byDistance = torch.softmax(d.div(new org.bytedeco.pytorch.Scalar(-tau)), 1);
                        Tensor oneHot = torch.one_hot(classic, templates.size(0)).permute(0, 3, 1, 2).to(ScalarType.Float);
                        target = oneHot.add(byDistance).mul(new org.bytedeco.pytorch.Scalar(0.5)).contiguous();
                    }
                    adam.zero_grad();
                    Tensor logits = decoder.forward(features);
                    Tensor value = torch.cross_entropy_loss(logits.mul(new org.bytedeco.pytorch.Scalar(ClassicImitation.BETA)), target);
                    value.backward();
                    adam.step();
                    if ((i + 1) % 50 == 0 || i + 1 == steps)
                        System.err.printf(Locale.ROOT, "%s (soft %.4g): step %d cross-entropy %.4f agreement %.3f (%.0f s)%n", name, tau, i + 1,
                                value.item_double(), ClassicImitation.agreement(logits, classic), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }

    private static void row(String encoder, String name, double agreement, int[] choice, TemplateSet set, BufferedImage image, CellGrid grid) {
        IndexMap map = LossPropertiesExperiment.map(choice, set, grid);
        QualityReport q = LossPropertiesExperiment.quality(map, set, image);
        System.out.printf(Locale.ROOT, "| %s | %s | %.3f | %s | %s | %d |%n", encoder, name, agreement,
                LossPropertiesExperiment.figures(q.full()), LossPropertiesExperiment.figures(q.quarter()), map.distinctTemplates());
        System.out.flush();
    }
}
