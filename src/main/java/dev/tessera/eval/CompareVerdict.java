package dev.tessera.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who wins what among several mosaics of one input: the best mode of every figure at every scale,
 * and, in words, each win that came with a loss on another figure at the same scale (DESIGN §6:
 * "a mode that wins one figure by losing another says so"). A column where every mode shows the
 * same value is a tie and nobody's win.
 */
public final class CompareVerdict {
    private static final String[] SCALE_NAMES = {"full", "½", "¼"};

    private final List<String> modes;
    private final List<QualityReport> reports;

    public CompareVerdict(List<String> modes, List<QualityReport> reports) {
        if (modes.size() != reports.size() || modes.isEmpty())
            throw new IllegalArgumentException("a verdict needs one report per mode, got " + modes.size() + " modes and "
                    + reports.size() + " reports");
        this.modes = List.copyOf(modes);
        this.reports = List.copyOf(reports);
    }

    /** Whether mode i shows the best value of the figure at scale s (0 full, 1 ½, 2 ¼); ties are all best. */
    public boolean isBest(int i, CompareFigure figure, int s) {
        double v = value(i, figure, s);
        if (Double.isNaN(v)) return false;
        for (int j = 0; j < modes.size(); j++) if (figure.better(value(j, figure, s), v)) return false;
        return true;
    }

    /** Mode i wins the column: best, and not a tie of every mode. */
    private boolean wins(int i, CompareFigure figure, int s) {
        return isBest(i, figure, s) && !allTie(figure, s);
    }

    private boolean allTie(CompareFigure figure, int s) {
        for (int j = 0; j < modes.size(); j++) if (!isBest(j, figure, s)) return false;
        return true;
    }

    private double value(int i, CompareFigure figure, int s) {
        return figure.of(reports.get(i).scales().get(s));
    }

    /** Sentences for people: who wins which figure, ties, and every win bought with a loss. */
    public String sentence() {
        if (modes.size() == 1) return "Only " + modes.get(0) + " was run, so there is nothing to compare.";
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            List<String> won = new ArrayList<>();
            for (CompareFigure f : CompareFigure.values()) {
                List<Integer> scales = new ArrayList<>();
                for (int s = 0; s < 3; s++) if (wins(i, f, s)) scales.add(s);
                if (!scales.isEmpty()) won.add(f.label() + " " + atScales(scales));
            }
            if (!won.isEmpty()) parts.add(modes.get(i) + " wins " + join(won) + ".");
        }
        List<String> tied = new ArrayList<>();
        for (CompareFigure f : CompareFigure.values()) {
            List<Integer> scales = new ArrayList<>();
            for (int s = 0; s < 3; s++) if (allTie(f, s)) scales.add(s);
            if (!scales.isEmpty()) tied.add(f.label() + " " + atScales(scales));
        }
        if (!tied.isEmpty()) parts.add("All modes tie on " + join(tied) + ".");
        List<String> tradeOffs = tradeOffs();
        parts.addAll(tradeOffs);
        if (tradeOffs.isEmpty()) parts.add("No mode wins one figure by losing another.");
        return String.join(" ", parts);
    }

    /**
     * One sentence per mode and set of scales where it wins some figures and loses others, with the
     * numbers at the first of those scales: the winner's value against the best other mode's, and the
     * loser's against the best mode's.
     */
    private List<String> tradeOffs() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < modes.size(); i++) {
            Map<String, List<Integer>> scalesByTrade = new LinkedHashMap<>();
            Map<String, String> numbersByTrade = new LinkedHashMap<>();
            for (int s = 0; s < 3; s++) {
                List<CompareFigure> won = new ArrayList<>(), lost = new ArrayList<>();
                for (CompareFigure f : CompareFigure.values()) {
                    if (wins(i, f, s)) won.add(f);
                    else if (!isBest(i, f, s) && !Double.isNaN(value(i, f, s))) lost.add(f);
                }
                if (won.isEmpty() || lost.isEmpty()) continue;
                String trade = labels(won) + " by losing " + labels(lost);
                scalesByTrade.computeIfAbsent(trade, t -> new ArrayList<>()).add(s);
                numbersByTrade.putIfAbsent(trade, numbers(i, s, won, lost));
            }
            for (Map.Entry<String, List<Integer>> e : scalesByTrade.entrySet())
                out.add(modes.get(i) + " wins " + e.getKey() + " " + atScales(e.getValue()) + " ("
                        + numbersByTrade.get(e.getKey()) + ").");
        }
        return out;
    }

    private String numbers(int i, int s, List<CompareFigure> won, List<CompareFigure> lost) {
        List<String> out = new ArrayList<>();
        for (CompareFigure f : won) out.add(versus(i, f, s, bestOther(i, f, s)));
        for (CompareFigure f : lost) out.add(versus(i, f, s, bestOther(i, f, s)));
        return (s == 0 ? "at full size: " : "at " + SCALE_NAMES[s] + " size: ") + String.join("; ", out);
    }

    private String versus(int i, CompareFigure f, int s, int other) {
        String unit = f.unit().isEmpty() ? "" : " " + f.unit();
        return f.label() + " " + f.format(value(i, f, s)) + unit + " vs " + modes.get(other) + "'s "
                + f.format(value(other, f, s)) + unit;
    }

    /** The best mode other than i on this column (the first of equals). */
    private int bestOther(int i, CompareFigure f, int s) {
        int best = -1;
        for (int j = 0; j < modes.size(); j++)
            if (j != i && (best < 0 || f.better(value(j, f, s), value(best, f, s)))) best = j;
        return best;
    }

    private static String labels(List<CompareFigure> figures) {
        return join(figures.stream().map(CompareFigure::label).toList());
    }

    private static String atScales(List<Integer> scales) {
        if (scales.size() == 3) return "at every scale";
        List<String> names = scales.stream().map(s -> SCALE_NAMES[s]).toList();
        return "at " + join(names) + " size";
    }

    private static String join(List<String> items) {
        if (items.size() == 1) return items.get(0);
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
