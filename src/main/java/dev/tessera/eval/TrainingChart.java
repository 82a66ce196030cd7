package dev.tessera.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The picture of a {@link TrainingLog}, drawn by JFreeChart (headless; text in the bundled DejaVu
 * Sans, so a chart looks the same on every machine). Two panels over the iteration: above, the
 * loss and each of its terms on a logarithmic axis; below, β on the left axis and the learning
 * rate on the right. A log axis cannot show zero or negative values, and NaN has no
 * place on any axis, so such points are left out of their line (the CSV keeps them).
 */
public final class TrainingChart {
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 700;
    /** Colours of the terms' lines, in order; the loss itself is black. */
    private static final Color[] TERM_COLOURS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private TrainingChart() {}

    /**
     * A WIDTH × HEIGHT chart of rows laid out as {@link TrainingLog#columns}: iteration, loss, beta,
     * learning_rate, images_per_second, then the loss's terms.
     */
    public static BufferedImage render(String title, List<String> columns, List<double[]> rows) {
        if (columns.size() < TrainingLog.FIXED_COLUMNS.size() || !columns.subList(0, TrainingLog.FIXED_COLUMNS.size())
                .equals(TrainingLog.FIXED_COLUMNS))
            throw new IllegalArgumentException("a training chart needs the columns " + TrainingLog.FIXED_COLUMNS + " first, got " + columns);
        int terms = columns.size() - TrainingLog.FIXED_COLUMNS.size();

        XYSeriesCollection losses = new XYSeriesCollection();
        losses.addSeries(series("loss", rows, 1, true));
        for (int t = 0; t < terms; t++)
            losses.addSeries(series(columns.get(TrainingLog.FIXED_COLUMNS.size() + t), rows, TrainingLog.FIXED_COLUMNS.size() + t, true));
        XYLineAndShapeRenderer lossLines = new XYLineAndShapeRenderer(true, false);
        XYPlot lossPlot = new XYPlot(losses, null, logAxis("loss and its terms (log scale)"), lossLines);

        XYLineAndShapeRenderer betaLine = new XYLineAndShapeRenderer(true, false);
        NumberAxis betaAxis = new NumberAxis("β");
        betaAxis.setAutoRangeIncludesZero(true);
        XYPlot schedulePlot = new XYPlot(new XYSeriesCollection(series("β", rows, 2, false)), null, betaAxis, betaLine);
        // Linear: the staircase decays by a few percent per 100 steps, which a log axis would show as 10^-5.2x labels.
        NumberAxis rateAxis = new NumberAxis("learning rate");
        rateAxis.setAutoRangeIncludesZero(false);
        rateAxis.setNumberFormatOverride(new DecimalFormat("0.00E0"));
        // A constant rate would get a range of zero width and ticks that all read the same: keep at least ±5 % of it.
        rateAxis.setAutoRangeMinimumSize(0.1 * rows.stream().mapToDouble(r -> Double.isFinite(r[3]) ? Math.abs(r[3]) : 0).max().orElse(0)
                + Double.MIN_NORMAL);
        schedulePlot.setRangeAxis(1, rateAxis);
        schedulePlot.setDataset(1, new XYSeriesCollection(series("learning rate", rows, 3, false)));
        XYLineAndShapeRenderer rateLine = new XYLineAndShapeRenderer(true, false);
        schedulePlot.setRenderer(1, rateLine);
        schedulePlot.mapDatasetToRangeAxis(1, 1);

        NumberAxis iterations = new NumberAxis("iteration");
        iterations.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        iterations.setAutoRangeIncludesZero(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(iterations);
        plot.setGap(12);
        plot.add(lossPlot, 2);
        plot.add(schedulePlot, 1);

        JFreeChart chart = new JFreeChart(title, plot);
        theme().apply(chart); // before the colours: applying a theme resets the renderers' series paints
        for (int i = 0; i < losses.getSeriesCount(); i++) {
            lossLines.setSeriesPaint(i, i == 0 ? Color.BLACK : TERM_COLOURS[(i - 1) % TERM_COLOURS.length]);
            lossLines.setSeriesStroke(i, new BasicStroke(i == 0 ? 2f : 1.2f));
        }
        betaLine.setSeriesPaint(0, Color.DARK_GRAY);
        betaLine.setSeriesStroke(0, new BasicStroke(1.5f));
        rateLine.setSeriesPaint(0, new Color(0xb15928));
        rateLine.setSeriesStroke(0, new BasicStroke(1.5f));
        return chart.createBufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB, null);
    }

    /** One column against the iteration, leaving out what its axis cannot show. */
    private static XYSeries series(String name, List<double[]> rows, int column, boolean logarithmic) {
        XYSeries s = new XYSeries(name, true, true);
        for (double[] row : rows) {
            double v = row[column];
            if (Double.isFinite(v) && (!logarithmic || v > 0)) s.add(row[0], v);
        }
        return s;
    }

    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(1e-30);
        axis.setNumberFormatOverride(new DecimalFormat("0.0#E0"));
        return axis;
    }

    private static StandardChartTheme theme() {
        StandardChartTheme theme = new StandardChartTheme("tessera");
        Font regular = ReportSheet.font(ReportSheet.FONT), bold = ReportSheet.font(ReportSheet.BOLD_FONT);
        theme.setExtraLargeFont(bold.deriveFont(16f));
        theme.setLargeFont(bold.deriveFont(13f));
        theme.setRegularFont(regular.deriveFont(12f));
        theme.setSmallFont(regular.deriveFont(10f));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xdddddd));
        theme.setRangeGridlinePaint(new Color(0xdddddd));
        return theme;
    }
}
