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
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>tessera compare: ").append(escape(report.inputName())).append("</title>\n")
                .append("<style>\nbody{font-family:sans-serif;margin:1.5em;max-width:80em}\n")
                .append("table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25em .6em;text-align:right}\n")
                .append("th[scope=row]{text-align:left}img.px{image-rendering:pixelated}\n")
                .append("figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}\n</style>\n</head>\n<body>\n")
                .append("<h1>tessera compare: ").append(escape(report.inputName())).append("</h1>\n")
                .append("<p>").append(escape(report.setup())).append("</p>\n");

        h.append("<table>\n<thead>\n<tr><th rowspan=\"2\">mode</th>");
        for (CompareFigure f : CompareFigure.values())
            h.append("<th colspan=\"3\">").append(f.label()).append(f.unit().isEmpty() ? "" : " " + f.unit())
                    .append(f.higherIsBetter() ? " (higher is better)" : " (lower is better)").append("</th>");
        h.append("<th rowspan=\"2\">distinct templates</th><th rowspan=\"2\">seconds</th></tr>\n<tr>");
        for (int f = 0; f < CompareFigure.values().length; f++)
            for (String s : SCALE_HEADERS) h.append("<th>").append(s).append("</th>");
        h.append("</tr>\n</thead>\n<tbody>\n");
        for (int i = 0; i < entries.size(); i++) {
            CompareEntry e = entries.get(i);
            h.append("<tr id=\"mode-").append(e.mode()).append("\"><th scope=\"row\">").append(e.mode()).append("</th>");
            for (CompareFigure f : CompareFigure.values())
                for (int s = 0; s < 3; s++) {
                    String shown = f.format(f.of(e.quality().scales().get(s)));
                    h.append("<td>").append(verdict.isBest(i, f, s) ? "<b>" + shown + "</b>" : shown).append("</td>");
                }
            Integer distinct = e.quality().distinctTemplates();
            h.append("<td>").append(distinct == null ? "n/a" : distinct.toString()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.2f", e.seconds())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n")
                .append("<p>Each mosaic is area-downscaled to the input's size, then both to ½ and ¼, and compared there ")
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
