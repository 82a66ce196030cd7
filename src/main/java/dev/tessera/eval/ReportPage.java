package dev.tessera.eval;

import java.util.List;
import java.util.Locale;

/**
 * A comparison as one HTML page that reads offline: no scripts, no fonts or styles fetched, images
 * by relative links to the PNGs written beside it. The table has the three figures at full, ½ and
 * ¼ size per mode, the best shown value of each figure column in bold; distinct templates and time
 * are context, not scores, so nothing there is bold.
 */
public final class ReportPage {
    private static final String[] SCALE_HEADERS = {"full", "½", "¼"};

    private ReportPage() {}

    /** The page of a report whose files (input.png, MODE.png, report.png) lie beside it. */
    public static String html(CompareReport report) {
        List<CompareEntry> entries = report.entries();
        CompareVerdict verdict = report.verdict();
        StringBuilder h = new StringBuilder();
        head(h, "tessera compare: " + report.inputName(), report.setup());
        table(h, "mode-", entries.stream().map(CompareEntry::mode).toList(), entries.stream().map(CompareEntry::quality).toList(),
                entries.stream().map(CompareEntry::seconds).toList(), verdict);
        h.append("<p>Each mosaic is area-downscaled to the input's size, then both to ½ and ¼, and compared there ")
                .append("(PSNR over RGB, SSIM on luma, mean CIEDE2000; docs/quality.md). Bold: the best shown value of a column.</p>\n")
                .append("<p><strong>Verdict.</strong> ").append(escape(verdict.sentence())).append("</p>\n");

        h.append("<h2>Contact sheet</h2>\n<p><a href=\"report.png\"><img src=\"report.png\" alt=\"contact sheet: the input and ")
                .append("each mosaic, with their centres enlarged\" style=\"max-width:100%\"></a></p>\n");
        h.append("<h2>Full size</h2>\n");
        figure(h, "input.png", "input", report.input().getWidth() + "x" + report.input().getHeight(), null);
        for (CompareEntry e : entries)
            figure(h, e.mode() + ".png", e.mode(), e.description(), e.indexMap());
        return h.append("</body>\n</html>\n").toString();
    }

    /**
     * The page of a {@link FolderReport}: the modes' means over all images (the verdict is theirs),
     * then each image's own table and contact sheet, linking its full report in its sub-folder.
     */
    public static String html(FolderReport report) {
        StringBuilder h = new StringBuilder();
        head(h, report.title(), report.setup());
        h.append("<h2>Mean over ").append(report.reports().size()).append(" image(s)</h2>\n");
        table(h, "mean-", report.modes(), report.means(), report.meanSeconds(), report.verdict());
        h.append("<p>Each figure is the plain mean of the images' figures at that scale (PSNR in dB, so a mean of logarithms); ")
                .append("each image's mosaics are judged as in <code>tessera compare</code> (docs/quality.md). ")
                .append("Bold: the best shown value of a column.</p>\n")
                .append("<p><strong>Verdict.</strong> ").append(escape(report.verdict().sentence())).append("</p>\n");
        for (int i = 0; i < report.reports().size(); i++) {
            CompareReport r = report.reports().get(i);
            String folder = report.folders().get(i);
            List<CompareEntry> entries = r.entries();
            h.append("<h2 id=\"image-").append(escape(folder)).append("\">").append(escape(r.inputName())).append(" (")
                    .append(r.input().getWidth()).append('x').append(r.input().getHeight()).append(")</h2>\n");
            table(h, escape(folder) + "-mode-", entries.stream().map(CompareEntry::mode).toList(),
                    entries.stream().map(CompareEntry::quality).toList(), entries.stream().map(CompareEntry::seconds).toList(),
                    r.verdict());
            h.append("<p>").append(escape(r.verdict().sentence())).append(" <a href=\"").append(escape(folder))
                    .append("/report.html\">Full report</a>.</p>\n<p><a href=\"").append(escape(folder))
                    .append("/report.png\"><img src=\"").append(escape(folder)).append("/report.png\" alt=\"contact sheet of ")
                    .append(escape(r.inputName())).append("\" style=\"max-width:100%\"></a></p>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void head(StringBuilder h, String title, String setup) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style>\nbody{font-family:sans-serif;margin:1.5em;max-width:80em}\n")
                .append("table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25em .6em;text-align:right}\n")
                .append("th[scope=row]{text-align:left}img.px{image-rendering:pixelated}\n")
                .append("figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}\n</style>\n</head>\n<body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n")
                .append("<p>").append(escape(setup)).append("</p>\n");
    }

    /** The figures table: one row per mode (row ids {@code idPrefix + mode}), bold where the verdict says best. */
    private static void table(StringBuilder h, String idPrefix, List<String> modes, List<QualityReport> reports, List<Double> seconds,
            CompareVerdict verdict) {
        h.append("<table>\n<thead>\n<tr><th rowspan=\"2\">mode</th>");
        for (CompareFigure f : CompareFigure.values())
            h.append("<th colspan=\"3\">").append(f.label()).append(f.unit().isEmpty() ? "" : " " + f.unit())
                    .append(f.higherIsBetter() ? " (higher is better)" : " (lower is better)").append("</th>");
        h.append("<th rowspan=\"2\">distinct templates</th><th rowspan=\"2\">seconds</th></tr>\n<tr>");
        for (int f = 0; f < CompareFigure.values().length; f++)
            for (String s : SCALE_HEADERS) h.append("<th>").append(s).append("</th>");
        h.append("</tr>\n</thead>\n<tbody>\n");
        for (int i = 0; i < modes.size(); i++) {
            String mode = escape(modes.get(i));
            h.append("<tr id=\"").append(idPrefix).append(mode).append("\"><th scope=\"row\">").append(mode).append("</th>");
            for (CompareFigure f : CompareFigure.values())
                for (int s = 0; s < 3; s++) {
                    String shown = f.format(f.of(reports.get(i).scales().get(s)));
                    h.append("<td>").append(verdict.isBest(i, f, s) ? "<b>" + shown + "</b>" : shown).append("</td>");
                }
            Integer distinct = reports.get(i).distinctTemplates();
            h.append("<td>").append(distinct == null ? "n/a" : distinct.toString()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", seconds.get(i))).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void figure(StringBuilder h, String file, String title, String caption, String indexMap) {
        h.append("<figure><a href=\"").append(escape(file)).append("\"><img class=\"px\" src=\"").append(escape(file))
                .append("\" alt=\"").append(escape(title)).append("\"></a><figcaption><b>").append(escape(title)).append("</b>: ")
                .append(escape(caption));
        if (indexMap != null)
            h.append(" (index map: <a href=\"").append(escape(indexMap)).append("\">").append(escape(indexMap)).append("</a>)");
        h.append("</figcaption></figure>\n");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
