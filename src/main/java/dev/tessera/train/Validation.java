package dev.tessera.train;

import dev.tessera.classic.CellGrid;
import dev.tessera.classic.ClassicMatcher;
import dev.tessera.eval.MosaicQuality;
import dev.tessera.eval.QualityReport;
import dev.tessera.eval.ScaleFigures;
import dev.tessera.image.Images;
import dev.tessera.model.Decoder;
import dev.tessera.model.Encoder;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Held-out pictures on which a decoder's argmax mosaic is measured against classic's, on the
 * DESIGN §6 figures (PSNR, SSIM, CIEDE2000 at full, ½ and ¼ size), as `train --validate` does at
 * every checkpoint: the training loss says how the soft mosaic fits the training pictures, this
 * says whether the rendered mosaic of pictures the decoder never saw is as good as plain matching.
 * Each picture is cropped to whole 8-px cells, as `render --model` crops it; classic's figures are
 * computed once.
 */
public final class Validation {
    private record Picture(String name, BufferedImage image, QualityReport classic) {}

    /**
     * One measurement: the mean of each figure over the pictures for the decoder and for classic,
     * and on how many pictures the decoder's figures are nowhere worse than classic's.
     *
     * @param learned mean figures, full, ½, ¼ (PSNR, SSIM, CIEDE2000 each)
     * @param classic the same for classic
     */
    public record Result(double[][] learned, double[][] classic, int nowhereWorse, int pictures) {
        /** One line for people. */
        public String describe() {
            return String.format(Locale.ROOT, "full %.2f dB / %.4f / %.3f against classic's %.2f / %.4f / %.3f, ¼ %.2f / %.4f / %.3f "
                    + "against %.2f / %.4f / %.3f; nowhere worse than classic on %d of %d picture(s)", learned[0][0], learned[0][1],
                    learned[0][2], classic[0][0], classic[0][1], classic[0][2], learned[2][0], learned[2][1], learned[2][2], classic[2][0],
                    classic[2][1], classic[2][2], nowhereWorse, pictures);
        }
    }

    private final TemplateSet set;
    private final List<Picture> pictures;
    private final MosaicRenderer renderer;
    /** Classic's mean figures, which do not change between measurements. */
    private final double[][] classicMeans;

    private Validation(TemplateSet set, List<Picture> pictures, MosaicRenderer renderer) {
        this.set = set;
        this.pictures = pictures;
        this.renderer = renderer;
        classicMeans = new double[3][3];
        for (Picture p : pictures) add(classicMeans, p.classic());
        divide(classicMeans, pictures.size());
    }

    /** Reads the pictures (any decodable image) and measures classic on each; none readable is an IOException. */
    public static Validation of(List<Path> files, TemplateSet set) throws IOException {
        ClassicMatcher classic = ClassicImitation.matcher(set);
        MosaicRenderer renderer = new MosaicRenderer(set, MosaicStep.ENCODER_STRIDE);
        List<Picture> pictures = new ArrayList<>();
        for (Path f : files) {
            BufferedImage image = Images.read(f);
            CellGrid grid = LearnedMatcher.grid(image);
            if (grid.cells() == 0) throw new IOException(f + ": smaller than one 8-px cell, nothing to validate on");
            BufferedImage cropped = crop(image, grid);
            QualityReport q = MosaicQuality.measure(cropped, renderer.image(classic.match(image, grid).map()));
            pictures.add(new Picture(f.getFileName().toString(), cropped, q));
        }
        if (pictures.isEmpty()) throw new IOException("no validation pictures");
        return new Validation(set, pictures, renderer);
    }

    private static BufferedImage crop(BufferedImage image, CellGrid grid) {
        return image.getSubimage(grid.region().x, grid.region().y, grid.region().width, grid.region().height);
    }

    /** The decoder's argmax mosaics against classic's, on every picture. */
    public Result measure(Encoder encoder, Decoder decoder) {
        LearnedMatcher matcher = new LearnedMatcher(encoder, decoder, set);
        double[][] learned = new double[3][3];
        int nowhereWorse = 0;
        for (Picture p : pictures) {
            QualityReport q = MosaicQuality.measure(p.image(), renderer.image(matcher.indexMap(p.image())));
            if (q.nowhereWorseThan(p.classic())) nowhereWorse++;
            add(learned, q);
        }
        divide(learned, pictures.size());
        double[][] classic = new double[3][];
        for (int s = 0; s < 3; s++) classic[s] = classicMeans[s].clone();
        return new Result(learned, classic, nowhereWorse, pictures.size());
    }

    private static void divide(double[][] sums, int n) {
        for (double[] row : sums)
            for (int j = 0; j < row.length; j++) row[j] /= n;
    }

    private static void add(double[][] sums, QualityReport q) {
        List<ScaleFigures> scales = q.scales();
        for (int s = 0; s < 3; s++) {
            sums[s][0] += scales.get(s).psnr();
            sums[s][1] += scales.get(s).ssim();
            sums[s][2] += scales.get(s).deltaE00();
        }
    }

    /** Pictures held out. */
    public int size() {
        return pictures.size();
    }
}
