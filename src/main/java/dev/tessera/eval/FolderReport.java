package dev.tessera.eval;

import dev.tessera.image.AtomicFile;
import dev.tessera.image.Images;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Several images, each rendered by the same modes and judged as {@link CompareReport} judges one,
 * and the modes' mean figures over all of them (what {@code tessera eval --model} reports). Written
 * as one {@link CompareReport} per image in a sub-folder of its own, and beside them
 * {@code report.html} (the mean table and verdict, then every image's table and sheet),
 * {@code report.png} (the images' contact sheets one below the other) and {@code report.json}.
 *
 * <p>A mean is the plain mean of the images' figures at a scale: PSNR is averaged in dB, and one
 * identical pair (PSNR +∞) makes the mean +∞, one image too small for SSIM makes its mean n/a.
 * The mean of distinct templates is rounded to a whole number.
 */
public final class FolderReport {
    private final String title;
    private final String setup;
    private final List<CompareReport> reports;
    private final List<String> folders;
    private final List<String> modes;
    private final List<QualityReport> means;
    private final List<Double> meanSeconds;
    private final CompareVerdict verdict;

    /**
     * @param title   what was evaluated, for headings (e.g. "tessera eval: model.tsr")
     * @param setup   a line on the template set and grid
     * @param reports one per image, every one with the same modes in the same order
     * @param folders each report's sub-folder name, distinct
     */
    public FolderReport(String title, String setup, List<CompareReport> reports, List<String> folders) {
        if (reports.isEmpty() || reports.size() != folders.size())
            throw new IllegalArgumentException("a folder report needs one folder per report and at least one report, got "
                    + reports.size() + " reports and " + folders.size() + " folders");
        List<String> modes = reports.get(0).entries().stream().map(CompareEntry::mode).toList();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < reports.size(); i++) {
            List<String> m = reports.get(i).entries().stream().map(CompareEntry::mode).toList();
            if (!m.equals(modes))
                throw new IllegalArgumentException(reports.get(i).inputName() + " has the modes " + m + ", not " + modes);
            if (!seen.add(folders.get(i)) || List.of("report.html", "report.png", "report.json").contains(folders.get(i)))
                throw new IllegalArgumentException("folder '" + folders.get(i) + "' is used twice or clashes with the report's files");
        }
        this.title = title;
        this.setup = setup;
        this.reports = List.copyOf(reports);
        this.folders = List.copyOf(folders);
        this.modes = modes;
        List<QualityReport> means = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        for (int m = 0; m < modes.size(); m++) {
            means.add(mean(m));
            double total = 0;
            for (CompareReport r : reports) total += r.entries().get(m).seconds();
            seconds.add(total / reports.size());
        }
        this.means = List.copyOf(means);
        this.meanSeconds = List.copyOf(seconds);
        this.verdict = new CompareVerdict(modes, means);
    }

    public String title() {
        return title;
    }

    public String setup() {
        return setup;
    }

    public List<CompareReport> reports() {
        return reports;
    }

    public List<String> folders() {
        return folders;
    }

    public List<String> modes() {
        return modes;
    }

    /** Each mode's mean figures over the images (widths and heights 0: the images' sizes differ). */
    public List<QualityReport> means() {
        return means;
    }

    /** Each mode's mean seconds per image. */
    public List<Double> meanSeconds() {
        return meanSeconds;
    }

    /** Who wins what on the means. */
    public CompareVerdict verdict() {
        return verdict;
    }

    /** An aligned table for people: per image and mode the three figures at full, ½ and ¼ size, then the means, then the verdict. */
    public String toTable() {
        int name = "mean".length(), mode = "mode".length();
        for (CompareReport r : reports) name = Math.max(name, r.inputName().length());
        for (String m : modes) mode = Math.max(mode, m.length());
        String row = "%-" + name + "s  %-" + mode + "s" + " %8s %7s %9s".repeat(3) + " %9s %8s%n";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, row, "image", "mode", "PSNR", "SSIM", "CIEDE2000",
                "½ PSNR", "½ SSIM", "½ ΔE00", "¼ PSNR", "¼ SSIM", "¼ ΔE00", "templates", "seconds"));
        for (CompareReport r : reports)
            for (CompareEntry e : r.entries()) s.append(line(row, r.inputName(), e.mode(), e.quality(), e.seconds()));
        for (int m = 0; m < modes.size(); m++) s.append(line(row, "mean", modes.get(m), means.get(m), meanSeconds.get(m)));
        return s.append(verdict.sentence()).append(System.lineSeparator()).toString();
    }

    /**
     * The numbers for machines: {@code images} holds each image's {@link CompareReport#toJson} with
     * its {@code folder} (where its files are once written), {@code mean} each mode's mean figures.
     */
    public String toJson() {
        StringBuilder s = new StringBuilder("{\"title\": ").append(CompareReport.string(title))
                .append(", \"setup\": ").append(CompareReport.string(setup)).append(", \"images\": [");
        for (int i = 0; i < reports.size(); i++) {
            if (i > 0) s.append(", ");
            String one = reports.get(i).toJson().strip();
            s.append("{\"folder\": ").append(CompareReport.string(folders.get(i))).append(", ").append(one, 1, one.length());
        }
        s.append("], \"mean\": [");
        for (int m = 0; m < modes.size(); m++) {
            if (m > 0) s.append(", ");
            s.append("{\"mode\": ").append(CompareReport.string(modes.get(m)))
                    .append(", \"seconds\": ").append(String.format(Locale.ROOT, "%.3f", meanSeconds.get(m)))
                    .append(", \"quality\": ").append(means.get(m).toJson()).append('}');
        }
        return s.append("], \"verdict\": ").append(CompareReport.string(verdict.sentence())).append("}\n").toString();
    }

    /** Writes every image's report into its sub-folder, then the sheet, the numbers and the page. */
    public void write(Path folder) {
        List<BufferedImage> sheets = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            CompareReport r = reports.get(i);
            r.write(folder.resolve(folders.get(i)));
            sheets.add(ReportSheet.of(r.input(), r.entries()));
        }
        Images.write(stacked(sheets, reports.stream().map(CompareReport::inputName).toList()), folder.resolve("report.png"));
        try {
            AtomicFile.writeString(folder.resolve("report.json"), toJson());
            AtomicFile.writeString(folder.resolve("report.html"), ReportPage.html(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report in " + folder + ": " + e.getMessage(), e);
        }
    }

    private QualityReport mean(int m) {
        List<ScaleFigures> scales = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            double psnr = 0, ssim = 0, de = 0;
            for (CompareReport r : reports) {
                ScaleFigures f = r.entries().get(m).quality().scales().get(s);
                psnr += f.psnr();
                ssim += f.ssim();
                de += f.deltaE00();
            }
            int n = reports.size();
            int factor = reports.get(0).entries().get(m).quality().scales().get(s).factor();
            scales.add(new ScaleFigures(factor, 0, 0, psnr / n, ssim / n, de / n));
        }
        Integer distinct = null;
        double used = 0;
        boolean known = true;
        for (CompareReport r : reports) {
            Integer d = r.entries().get(m).quality().distinctTemplates();
            if (d == null) known = false;
            else used += d;
        }
        if (known) distinct = (int) Math.round(used / reports.size());
        return new QualityReport(scales.get(0), scales.get(1), scales.get(2), distinct);
    }

    private static String line(String row, String image, String mode, QualityReport q, double seconds) {
        List<Object> cells = new ArrayList<>(List.of(image, mode));
        for (ScaleFigures f : q.scales())
            for (CompareFigure figure : CompareFigure.values()) cells.add(figure.format(figure.of(f)));
        cells.add(q.distinctTemplates() == null ? "n/a" : q.distinctTemplates().toString());
        cells.add(String.format(Locale.ROOT, "%.2f", seconds));
        return String.format(Locale.ROOT, row, cells.toArray());
    }

    /** The sheets one below the other, each under a line with its picture's name, left-aligned on white. */
    private static BufferedImage stacked(List<BufferedImage> sheets, List<String> names) {
        int title = ReportSheet.GAP + ReportSheet.LINE;
        int w = 0, h = 0;
        for (BufferedImage s : sheets) {
            w = Math.max(w, s.getWidth());
            h += title + s.getHeight();
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(ReportSheet.font(ReportSheet.BOLD_FONT).deriveFont(14f));
            int y = 0;
            for (int i = 0; i < sheets.size(); i++) {
                g.setColor(Color.BLACK);
                g.drawString(names.get(i), ReportSheet.GAP, y + title - 2);
                g.drawImage(sheets.get(i), 0, y + title, null);
                y += title + sheets.get(i).getHeight();
            }
        } finally {
            g.dispose();
        }
        return out;
    }
}
