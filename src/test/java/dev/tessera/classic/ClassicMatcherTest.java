package dev.tessera.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ops.NearestSearch;
import dev.tessera.render.IndexMap;
import dev.tessera.render.MosaicRenderer;
import dev.tessera.templates.TemplateSet;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class ClassicMatcherTest {
    @TempDir
    Path dir;

    /** Property: over random pictures, sets and limits, no template repeats within D cells and none exceeds U uses. */
    @RepeatedTest(8)
    void repetitionLimitsAreNeverViolated() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = rnd.nextInt(4);
        int columns = 4 + rnd.nextInt(6), rows = 4 + rnd.nextInt(4);
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, columns, rows, 0, 255);
        int cellsX = 5 + rnd.nextInt(20), cellsY = 5 + rnd.nextInt(20);
        int minUses = (cellsX * cellsY + set.count() - 1) / set.count();
        int u = rnd.nextBoolean() ? 0 : minUses + rnd.nextInt(3);
        if (d == 0 && u == 0) u = minUses;
        if (set.count() < 2 * d * d + 2 * d + 1) d = 1;
        // A tight cap with a distance can corner the greedy (it then says so, naming this cap).
        if (d > 0 && u > 0) u = (int) Math.max(u, RepetitionLimits.sufficientMaxUses((long) cellsX * cellsY, set.count(),
                d * (2 * d + 1) + d));
        BufferedImage img = ClassicFixtures.blocks(rnd, cellsX * 8, cellsY * 8, 8, 0, 255);
        IndexMap map = new ClassicMatcher(set, new ClassicOptions(1 + rnd.nextInt(4), d, u, false, 0, false))
                .match(img, CellGrid.ofCellSize(img.getWidth(), img.getHeight(), 8)).map();
        String context = "seed " + seed + " D=" + d + " U=" + u + " N=" + set.count();
        for (int i = 0; i < map.cells(); i++)
            for (int j = i + 1; j < map.cells(); j++) {
                int dx = Math.abs(i % map.columns() - j % map.columns()), dy = Math.abs(i / map.columns() - j / map.columns());
                if (Math.max(dx, dy) <= d) assertTrue(map.template(i) != map.template(j), "cells " + i + ", " + j + " repeat; " + context);
            }
        if (u > 0) for (int uses : map.uses()) assertTrue(uses <= u, "a template used " + uses + " times; " + context);
    }

    @RepeatedTest(3)
    void fairUsesEveryTemplateWithinOneOfEven() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, 3 + rnd.nextInt(5), 3 + rnd.nextInt(4), 0, 255);
        int cellsX = 8 + rnd.nextInt(20), cellsY = 6 + rnd.nextInt(10);  // at least 48 cells, at most 42 templates
        BufferedImage img = ClassicFixtures.blocks(rnd, cellsX * 8, cellsY * 8, 8, 0, 255);
        ClassicMatcher.Match match = new ClassicMatcher(set, new ClassicOptions(4, 0, 0, true, 0, false))
                .match(img, CellGrid.ofCellSize(img.getWidth(), img.getHeight(), 8));
        int cells = match.map().cells(), n = set.count();
        assertTrue(cells >= n, "test needs cells >= templates");
        for (int uses : match.map().uses())
            assertTrue(uses == cells / n || uses == (cells + n - 1) / n, "uses " + uses + " for " + cells + " cells, " + n
                    + " templates; seed " + seed);
        assertTrue(match.notes().contains("optimal"), match.notes());
    }

    /**
     * Ejection moves only ever lower the total cost of the greedy assignment, keep both limits, and
     * on random pictures do lower it (summed over five cases).
     */
    @Test
    void ejectionsLowerTheGreedyCostAndKeepTheLimits() throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        long seed = rnd.nextLong();
        rnd = new SplittableRandom(seed);
        double greedyTotal = 0, ejectedTotal = 0;
        for (int round = 0; round < 5; round++) {
            TemplateSet set = ClassicFixtures.tiles(rnd, dir, 8, 6, 0, 255);
            int d = 1 + rnd.nextInt(2), u = round % 2 == 0 ? 0 : 40;
            BufferedImage img = ClassicFixtures.blocks(rnd, 8 * 20, 8 * 14, 8, 0, 255);
            CellGrid grid = CellGrid.ofCellSize(img.getWidth(), img.getHeight(), 8);
            ColourSignatures cells = ColourSignatures.ofCells(img, grid, 4, null, null), tiles = ColourSignatures.ofTemplates(set, 4);
            double[] totals = new double[2];
            for (int variant = 0; variant < 2; variant++) {
                RepetitionLimits limits = new RepetitionLimits(grid, d, u, set.count());
                limits.ejections = variant == 1;
                int[] choice = new int[grid.cells()];
                limits.assign(cells, tiles, choice, new float[grid.cells()]);
                int[] uses = new int[set.count()];
                for (int i = 0; i < choice.length; i++) {
                    totals[variant] += RepetitionLimits.cost(cells, i, tiles, choice[i]);
                    uses[choice[i]]++;
                    for (int j = 0; j < i; j++) {
                        int dx = Math.abs(i % grid.columns() - j % grid.columns()), dy = Math.abs(i / grid.columns() - j / grid.columns());
                        if (Math.max(dx, dy) <= d) assertTrue(choice[i] != choice[j], "cells " + i + ", " + j + " repeat; seed " + seed);
                    }
                }
                if (u > 0) for (int n : uses) assertTrue(n <= u, "a template used " + n + " times; seed " + seed);
            }
            assertTrue(totals[1] <= totals[0] * (1 + 1e-12), "ejections raised the cost " + totals[0] + " -> " + totals[1] + "; seed " + seed);
            greedyTotal += totals[0];
            ejectedTotal += totals[1];
        }
        assertTrue(ejectedTotal < greedyTotal, "ejections never helped: " + greedyTotal + "; seed " + seed);
    }

    /**
     * target(): without tone mapping the plain resize; with it, the same picture mapped into the
     * set's range by the map match() reports, so a glyph set's target has no blacks it cannot make.
     */
    @Test
    void targetIsWhatTheMatcherAimsAt() throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, 4, 4, 180, 255);  // a light set, like glyphs
        BufferedImage img = ClassicFixtures.blocks(rnd, 64, 48, 8, 0, 255);
        CellGrid grid = CellGrid.ofCellSize(64, 48, 8);
        float[] plain = new ClassicMatcher(set, new ClassicOptions(2, 0, 0, false, 0, false)).target(img, grid, 32, 24);
        assertArrayEquals(dev.tessera.image.Resampler.resize(img, grid.region(), 0xffffff, 32, 24), plain);
        ClassicMatcher toned = new ClassicMatcher(set, new ClassicOptions(2, 0, 0, false, 0, true));
        float[] mapped = toned.target(img, grid, 32, 24);
        String note = toned.match(img, grid).notes();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-> the set's (\\d+)\\.\\.(\\d+)").matcher(note);
        assertTrue(m.find(), note);
        double lo = Double.parseDouble(m.group(1)), hi = Double.parseDouble(m.group(2));
        for (float v : mapped) assertTrue(v >= lo - 1 && v <= hi + 1, v + " outside the set's " + lo + ".." + hi);
        assertTrue(lo >= 150, "a light set's darkest template: " + lo);
    }

    /** Without limits every cell gets its exact nearest template (checked against an independent scan in double). */
    @Test
    void unlimitedMatchingPicksTheNearestTemplate() throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, 7, 5, 0, 255);
        BufferedImage img = ClassicFixtures.blocks(rnd, 96, 64, 8, 0, 255);
        ClassicOptions options = new ClassicOptions(2, 0, 0, false, 0, false);
        CellGrid grid = CellGrid.ofCellSize(96, 64, 8);
        IndexMap map = new ClassicMatcher(set, options).match(img, grid).map();
        ColourSignatures cells = ColourSignatures.ofCells(img, grid, 2, null, null), tiles = ColourSignatures.ofTemplates(set, 2);
        NearestSearch.Neighbours all = NearestSearch.search(cells.features, tiles.features, cells.dims(), set.count());
        for (int i = 0; i < map.cells(); i++) {
            double best = Double.MAX_VALUE, chosen = 0;
            for (int t = 0; t < set.count(); t++) {
                double s = 0;
                for (int j = 0; j < cells.dims(); j++) {
                    double diff = cells.features[i * cells.dims() + j] - tiles.features[t * cells.dims() + j];
                    s += diff * diff;
                }
                best = Math.min(best, s);
                if (t == map.template(i)) chosen = s;
            }
            assertEquals(best, chosen, 1e-5, "cell " + i);
            assertEquals(all.index(i, 0), map.template(i));
        }
    }

    /**
     * The pruned search (k = 8, 12, 16: coarse 4×4 bounds) finds the exact nearest: the distance of
     * its choice equals the least distance of an independent scan in double, ties to the lower index.
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 12, 16})
    void prunedSearchFindsTheExactNearest(int k) throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        long seed = rnd.nextLong();
        rnd = new SplittableRandom(seed);
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, 9, 7, 0, 255);
        BufferedImage img = ClassicFixtures.blocks(rnd, 16 * 11, 16 * 7, 4, 0, 255);
        CellGrid grid = CellGrid.ofCellSize(img.getWidth(), img.getHeight(), 16);
        assertTrue(PrunedNearest.applies(k));
        ColourSignatures cells = ColourSignatures.ofCells(img, grid, k, null, null), tiles = ColourSignatures.ofTemplates(set, k);
        NearestSearch.Neighbours pruned = PrunedNearest.search(cells, tiles);
        IndexMap map = new ClassicMatcher(set, new ClassicOptions(k, 0, 0, false, 0, false)).match(img, grid).map();
        int d = cells.dims();
        for (int i = 0; i < cells.count; i++) {
            double best = Double.MAX_VALUE;
            int bestIndex = -1;
            for (int t = 0; t < set.count(); t++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double diff = cells.features[i * d + j] - tiles.features[t * d + j];
                    s += diff * diff;
                }
                if (s < best) {
                    best = s;
                    bestIndex = t;
                }
            }
            assertEquals(bestIndex, pruned.index(i, 0), "cell " + i + ", k " + k + ", seed " + seed);
            assertEquals(best, pruned.distance(i, 0), 1e-6 * Math.max(best, 1), "cell " + i + ", k " + k + ", seed " + seed);
            assertEquals(bestIndex, map.template(i), "matcher, cell " + i + ", k " + k + ", seed " + seed);
        }
    }

    /** The coarse bound never exceeds the full distance (the pruning's premise), on random signatures. */
    @Test
    void coarseDistanceIsALowerBound() throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        long seed = rnd.nextLong();
        rnd = new SplittableRandom(seed);
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, 6, 5, 0, 255);
        ColourSignatures tiles = ColourSignatures.ofTemplates(set, 16);
        float[] coarse = PrunedNearest.coarse(tiles);
        int d = tiles.dims(), cd = coarse.length / tiles.count;
        assertEquals(16 * ColourSignatures.PER_SUBCELL, cd);
        for (int a = 0; a < tiles.count; a++)
            for (int b = 0; b < tiles.count; b++) {
                double full = 0, bound = 0;
                for (int j = 0; j < d; j++) full += Math.pow(tiles.features[a * d + j] - tiles.features[b * d + j], 2);
                for (int j = 0; j < cd; j++) bound += Math.pow(coarse[a * cd + j] - coarse[b * cd + j], 2);
                assertTrue(bound <= full * (1 + 1e-6) + 1e-9, a + " vs " + b + ": bound " + bound + " > " + full + ", seed " + seed);
                if (a != b) assertTrue(bound > 0.05 * full, "bound " + bound + " is no help against " + full + ", seed " + seed);
            }
    }

    @Test
    void tintZeroPastesTilesUntouchedAndTintOneMatchesEachCellsMean() throws Exception {
        SplittableRandom rnd = new SplittableRandom();
        // Mid-range colours: a full tint never needs clamping.
        TemplateSet set = ClassicFixtures.tiles(rnd, dir, 6, 4, 90, 160);
        BufferedImage img = ClassicFixtures.blocks(rnd, 80, 48, 8, 60, 190);
        CellGrid grid = CellGrid.ofCellSize(80, 48, 8);
        MosaicRenderer renderer = new MosaicRenderer(set, 8);

        IndexMap plain = new ClassicMatcher(set, new ClassicOptions(4, 0, 0, false, 0, false)).match(img, grid).map();
        BufferedImage untinted = renderer.image(plain);
        for (int cell = 0; cell < plain.cells(); cell++) {
            int[] tile = set.tileArgb(plain.template(cell), 8);
            int x0 = cell % plain.columns() * 8, y0 = cell / plain.columns() * 8;
            for (int p = 0; p < 64; p++)
                assertEquals(tile[p] & 0xffffff, untinted.getRGB(x0 + p % 8, y0 + p / 8) & 0xffffff, "cell " + cell);
        }

        IndexMap full = new ClassicMatcher(set, new ClassicOptions(4, 0, 0, false, 1, false)).match(img, grid).map();
        BufferedImage tinted = renderer.image(full);
        for (int cell = 0; cell < full.cells(); cell++) {
            int x0 = cell % full.columns() * 8, y0 = cell / full.columns() * 8;
            for (int c = 0; c < 3; c++) {
                int shift = 16 - 8 * c;
                double target = 0, got = 0;
                for (int p = 0; p < 64; p++) {
                    target += (img.getRGB(x0 + p % 8, y0 + p / 8) >> shift) & 0xff;
                    got += (tinted.getRGB(x0 + p % 8, y0 + p / 8) >> shift) & 0xff;
                }
                // Each pixel is rounded to an integer once: means agree within half a level.
                assertEquals(target / 64, got / 64, 0.5, "cell " + cell + " channel " + c);
            }
        }
    }
}
