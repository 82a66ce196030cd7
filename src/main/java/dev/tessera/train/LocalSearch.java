package dev.tessera.train;

import java.util.Arrays;

/**
 * Iterated conditional modes on a hard mosaic: visit every cell in turn, try its few most likely
 * templates (nearest by the loss's own colour term, a proposal such as the gradient phase's choice,
 * and the start's), and take the one that lowers the {@link dev.tessera.model.SeenLoss} of the whole
 * hard mosaic most, if any does; repeat until a sweep changes nothing. It optimises the argmax
 * mosaic that is rendered, where the gradient phase optimises a soft blend of templates that is
 * not. Every accepted change lowers the loss, so the result is never worse than the start; a final
 * evaluation from scratch keeps the start if rounding says otherwise. Guarded, a change is also
 * refused if it would leave any DESIGN §6 figure worse than at the start; with a PSNR budget
 * instead, if it would leave the full-size PSNR more than that many dB below the start's.
 */
public final class LocalSearch {
    /**
     * @param candidates templates tried per cell (nearest by colour; the current one is always kept)
     * @param maxSweeps passes over all cells at most
     * @param guard refuse changes that would leave any DESIGN §6 figure worse than the start's
     * @param psnrBudget dB of full-size PSNR (against the start's) the search may give up; 0 for no
     *     such bound (with {@code guard} it must be 0: the guard already gives up none)
     */
    public record Settings(int candidates, int maxSweeps, boolean guard, double psnrBudget) {
        public Settings {
            if (candidates < 1) throw new IllegalArgumentException("--candidates must be >= 1, got " + candidates);
            if (maxSweeps < 0) throw new IllegalArgumentException("local search sweeps must be >= 0, got " + maxSweeps);
            if (!(psnrBudget >= 0) || Double.isInfinite(psnrBudget))
                throw new IllegalArgumentException("--psnr-budget must be a finite number of dB >= 0, got " + psnrBudget);
            if (guard && psnrBudget > 0)
                throw new IllegalArgumentException("--psnr-budget is for an unguarded search: the guard gives up no PSNR; use --no-guard");
        }

        /** No PSNR budget. */
        public Settings(int candidates, int maxSweeps, boolean guard) {
            this(candidates, maxSweeps, guard, 0);
        }
    }

    /**
     * @param choice the best choice found, row-major
     * @param startLoss the start's loss, from scratch
     * @param loss the result's loss, from scratch (≤ startLoss)
     * @param sweeps passes made
     * @param changes single-cell changes accepted
     */
    public record Result(int[] choice, double startLoss, double loss, int sweeps, int changes) {}

    private LocalSearch() {}

    /**
     * Searches from {@code start} on the {@link dev.tessera.model.SeenLoss} of this config.
     *
     * @param target 3×(rows·s)×(columns·s) planes, RGB 0..255
     * @param templates N×3×s×s planes, RGB 0..255
     * @param proposal one more template to try per cell (e.g. the gradient phase's choice), or null
     */
    public static Result run(float[] target, float[] templates, int n, int s, int rows, int columns,
            dev.tessera.model.SeenLossConfig config, int[] start, int[] proposal, Settings settings) {
        return run(target, null, templates, n, s, rows, columns, config, start, proposal, settings);
    }

    /**
     * As above, with the PSNR budget counted against {@code judged} (3 planes like target) instead
     * of the target: the picture the figures are reported against when the search aims at another
     * (the tone-mapped one for glyphs); null for the target itself.
     */
    public static Result run(float[] target, float[] judged, float[] templates, int n, int s, int rows, int columns,
            dev.tessera.model.SeenLossConfig config, int[] start, int[] proposal, Settings settings) {
        if (start.length != rows * columns || (proposal != null && proposal.length != start.length))
            throw new IllegalArgumentException("local search: " + start.length + " starting choices for " + rows * columns + " cells");
        if (judged != null && judged.length != target.length)
            throw new IllegalArgumentException("local search: the judged picture has " + judged.length + " values, the target " + target.length);
        SeenObjective objective = new SeenObjective(target, templates, n, s, rows, columns, config, start);
        SeenObjective figures = judged == null ? objective : new SeenObjective(judged, templates, n, s, rows, columns, config, start);
        return run(objective, figures, proposal, settings);
    }

    static Result run(SeenObjective objective, int[] proposal, Settings settings) {
        return run(objective, objective, proposal, settings);
    }

    /** {@code judge} supplies the guard's figures (the same start); it is never changed, only read. */
    private static Result run(SeenObjective objective, SeenObjective judge, int[] proposal, Settings settings) {
        int[] start = objective.choice();
        double startLoss = objective.total();
        int[][] candidates = candidates(objective, Math.min(settings.candidates(), objective.templates()), proposal);
        int levels = objective.levels();
        if (settings.guard() && judge != objective)
            throw new IllegalArgumentException("the guard judges by the picture the search aims at; a judged picture is for a PSNR budget");
        Guard guard = settings.guard() || settings.psnrBudget() > 0 ? new Guard(judge, candidates, settings.psnrBudget()) : null;
        boolean ssimNeeded = guard != null || objective.ssimWeight() > 0;
        int sweeps = 0, changes = 0, reach = objective.reachInCells();
        boolean changed = true;
        // Unguarded, a cell whose best move was scored needs scoring again only when a cell within
        // SSIM's reach of it has changed since (its colour terms are its own): the same result for
        // half the time on the 512² glyph demo. Guarded, any change moves the guard's slack, which can
        // admit a move anywhere, so every sweep scores every cell (skipping lost a fifth of the gain).
        boolean[] stale = new boolean[objective.cells()];
        while (changed && sweeps < settings.maxSweeps()) {
            if (guard != null || sweeps == 0) java.util.Arrays.fill(stale, true);
            changed = false;
            sweeps++;
            for (int c = 0; c < objective.cells(); c++) {
                if (!stale[c]) continue;
                stale[c] = false;
                int best = -1;
                double bestDelta = 0;
                double[] before = ssimNeeded ? objective.ssimNear(c) : null;
                int[] tried = candidates[c];
                int cell = c;
                double[] delta = new double[tried.length];
                double[][] ssim = new double[tried.length][levels];
                // Scoring reads the mosaic and writes nothing shared: the candidates side by side, chosen in order below.
                java.util.stream.IntStream.range(0, tried.length).parallel().forEach(i -> delta[i] = tried[i] == objective.choice(cell)
                        ? Double.NaN : objective.delta(cell, tried[i], before, ssim[i]));
                for (int i = 0; i < tried.length; i++) {
                    double d = delta[i];
                    // A change must gain more than rounding can explain, or sweeps could cycle on ties.
                    if (d < bestDelta && d < -1e-12 * Math.abs(startLoss) && (guard == null || guard.allows(c, i, ssim[i]))) {
                        bestDelta = d;
                        best = i;
                    }
                }
                double[] bestSsim = best >= 0 ? ssim[best] : null;
                if (best >= 0) {
                    if (guard != null) guard.accept(c, best, bestSsim);
                    objective.set(c, candidates[c][best]);
                    changes++;
                    changed = true;
                    objective.markNeighbours(c, reach, stale);
                }
            }
        }
        double loss = objective.total();
        if (!(loss < startLoss)) {
            for (int c = 0; c < start.length; c++) objective.set(c, start[c]);
            return new Result(start, startLoss, startLoss, sweeps, 0);
        }
        return new Result(objective.choice(), startLoss, loss, sweeps, changes);
    }

    /**
     * The start's DESIGN §6 figures at every area factor, against the picture the search aims at:
     * mean squared RGB error and mean CIEDE2000 (sums over cells, tracked exactly) and mean SSIM on
     * luma (tracked by its local changes). A change is allowed only if none of them ends worse than
     * at the start; with a PSNR budget b, only if the full-size mean squared error stays within
     * 10^(b/10) times the start's (PSNR is 10·log10(255²/MSE)), the other figures free.
     */
    private static final class Guard {
        private final int levels;
        /** The full-size MSE allowed with a budget; NaN when every figure is guarded. */
        private final double mseLimit;
        private final double[] startColour, colour, startSsim, ssim;
        /** Per cell, per candidate index: its {@link SeenObjective#figures}, computed when first needed. */
        private final double[][][] figures;
        private final int[][] candidates;
        private final int[] current;

        Guard(SeenObjective objective, int[][] candidates, double psnrBudget) {
            this.levels = objective.levels();
            this.candidates = candidates;
            figures = new double[candidates.length][][];
            current = new int[candidates.length];
            colour = new double[2 * levels];
            // A budget needs the full-size squared error alone (CIEDE2000 is most of the work of the rest).
            java.util.stream.IntStream.range(0, candidates.length).parallel().forEach(c -> {
                figures[c] = new double[candidates[c].length][];
                for (int i = 0; i < candidates[c].length; i++)
                    figures[c][i] = psnrBudget > 0 ? budgetFigures(objective, c, candidates[c][i]) : objective.figures(c, candidates[c][i]);
            });
            for (int c = 0; c < candidates.length; c++) {
                // The last candidate is the start's template (see candidates).
                current[c] = candidates[c].length - 1;
                for (int j = 0; j < 2 * levels; j++) colour[j] += figures[c][current[c]][j];
            }
            startColour = colour.clone();
            ssim = objective.ssimMeans();
            startSsim = ssim.clone();
            mseLimit = psnrBudget > 0 ? startColour[0] * Math.pow(10, psnrBudget / 10) : Double.NaN;
        }

        private double[] budgetFigures(SeenObjective objective, int c, int k) {
            double[] f = new double[2 * levels];
            f[0] = objective.fullSquaredError(c, k);
            return f;
        }

        boolean allows(int c, int i, double[] ssimChange) {
            if (!Double.isNaN(mseLimit)) return colour[0] + figures[c][i][0] - figures[c][current[c]][0] <= mseLimit;
            for (int j = 0; j < 2 * levels; j++) {
                double after = colour[j] + figures[c][i][j] - figures[c][current[c]][j];
                if (after > startColour[j] * (1 + 1e-12)) return false;
            }
            for (int l = 0; l < levels; l++)
                if (!Double.isNaN(startSsim[l]) && ssim[l] + ssimChange[l] < startSsim[l] - 1e-12) return false;
            return true;
        }

        void accept(int c, int i, double[] ssimChange) {
            for (int j = 0; j < 2 * levels; j++) colour[j] += figures[c][i][j] - figures[c][current[c]][j];
            for (int l = 0; l < levels; l++) ssim[l] += ssimChange[l];
            current[c] = i;
        }
    }

    /**
     * Per cell: the {@code k} templates of least colour term, the proposal's (if any), and last the
     * start's (duplicates are harmless: a candidate equal to the current choice is skipped).
     */
    private static int[][] candidates(SeenObjective objective, int k, int[] proposal) {
        int n = objective.templates();
        int[][] out = new int[objective.cells()][];
        java.util.stream.IntStream.range(0, objective.cells()).parallel().forEach(c -> {
            double[] keys = new double[n];
            Integer[] order = new Integer[n];
            for (int t = 0; t < n; t++) {
                keys[t] = objective.colour(c, t);
                order[t] = t;
            }
            Arrays.sort(order, (a, b) -> Double.compare(keys[a], keys[b]));
            int extra = proposal == null ? 0 : 1;
            int[] list = new int[k + 1 + extra];
            for (int i = 0; i < k; i++) list[i] = order[i];
            if (proposal != null) list[k] = proposal[c];
            list[k + extra] = objective.choice(c);
            out[c] = list;
        });
        return out;
    }
}
