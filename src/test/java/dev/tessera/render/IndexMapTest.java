package dev.tessera.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexMapTest {
    static IndexMap random(SplittableRandom rnd, boolean tint) {
        int cols = 1 + rnd.nextInt(20), rows = 1 + rnd.nextInt(20), n = 1 + rnd.nextInt(50);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) names.add(i % 7 == 3 ? "a \"quoted\", name " + i : "t" + i);
        int[] t = new int[cols * rows];
        float[] s = new float[cols * rows], colours = tint ? new float[3 * cols * rows] : null;
        for (int i = 0; i < t.length; i++) {
            t[i] = rnd.nextInt(n);
            s[i] = (float) rnd.nextGaussian();
            if (tint) for (int c = 0; c < 3; c++) colours[3 * i + c] = (float) (rnd.nextDouble() * 255);
        }
        return new IndexMap(cols, rows, 8, t, s, tint ? (float) rnd.nextDouble() : 0f, colours, "abc123", names);
    }

    @ParameterizedTest
    @ValueSource(strings = {"map.json", "map.csv", "tinted.json", "tinted.csv"})
    void indexMapRoundTrips(String name, @TempDir Path dir) throws IOException {
        IndexMap m = random(new SplittableRandom(), name.startsWith("tinted"));
        Path file = dir.resolve(name);
        m.save(file);
        IndexMap back = IndexMap.load(file);
        assertEquals(m.columns(), back.columns());
        assertEquals(m.rows(), back.rows());
        assertEquals(m.cellSize(), back.cellSize());
        assertEquals(m.templateSetHash(), back.templateSetHash());
        assertEquals(m.templateNames(), back.templateNames());
        assertEquals(m.tint(), back.tint());
        for (int i = 0; i < m.cells(); i++) {
            assertEquals(m.template(i), back.template(i));
            assertEquals(m.score(i), back.score(i));
            if (m.tint() > 0) for (int c = 0; c < 3; c++) assertEquals(m.cellColour(i, c), back.cellColour(i, c));
        }
        assertArrayEquals(m.uses(), back.uses());
    }

    @Test
    void outOfRangeTemplateIdsAreRefusedWithTheCell(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"format\":\"tessera-index-map\",\"version\":1,\"columns\":2,\"rows\":1,\"cellSize\":8,"
                + "\"templateSetHash\":\"x\",\"templateNames\":[\"a\",\"b\"],\"templates\":[0,5],\"scores\":[0,0]}");
        IOException e = assertThrows(IOException.class, () -> IndexMap.load(file));
        assertTrue(e.getMessage().contains("cell 1") && e.getMessage().contains("template 5"), e.getMessage());
    }

    @Test
    void anAbsurdGridIsRefusedNotOverflowed(@TempDir Path dir) throws IOException {
        // Found by the fuzzer: columns x rows overflowing int escaped as an ArithmeticException.
        Path file = dir.resolve("huge.json");
        Files.writeString(file, "{\"format\":\"tessera-index-map\",\"version\":1,\"columns\":2147483647,\"rows\":5,\"cellSize\":8,"
                + "\"templateSetHash\":\"x\",\"templateNames\":[\"a\"],\"templates\":[0],\"scores\":[0]}");
        IOException e = assertThrows(IOException.class, () -> IndexMap.load(file));
        assertTrue(e.getMessage().contains("huge.json") && e.getMessage().contains("too many cells"), e.getMessage());
    }

    @Test
    void newerFormatsAndOtherFilesAreRefused(@TempDir Path dir) throws IOException {
        Path newer = dir.resolve("newer.json");
        Files.writeString(newer, "{\"format\":\"tessera-index-map\",\"version\":99}");
        assertTrue(assertThrows(IOException.class, () -> IndexMap.load(newer)).getMessage().contains("newer"));
        Path junk = dir.resolve("junk.csv");
        Files.writeString(junk, "hello,world\n");
        assertThrows(IOException.class, () -> IndexMap.load(junk));
        Path truncated = dir.resolve("trunc.json");
        Files.writeString(truncated, "{\"format\":\"tessera-index-map\",\"version\":1,\"columns\":");
        assertThrows(IOException.class, () -> IndexMap.load(truncated));
    }

    @Test
    void brokenCsvLinesAreRefusedWithTheLineAndWhatIsWrong(@TempDir Path dir) throws IOException {
        IndexMap m = random(new SplittableRandom(), false);
        Path good = dir.resolve("good.csv");
        m.save(good);
        List<String> lines = Files.readAllLines(good);
        int grid = -1, cell = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("# grid ")) grid = i;
            if (cell < 0 && !lines.get(i).startsWith("#") && !lines.get(i).startsWith("row,")) cell = i;
        }
        // Row, column and template are numbers; the name after them may hold quoted commas, so lines are
        // rebuilt by replacing the leading row only.
        String[] first = lines.get(cell).split(",");
        java.util.Map<String, List<String>> broken = new java.util.LinkedHashMap<>();
        List<String> outside = new java.util.ArrayList<>(lines);
        outside.set(cell, lines.get(cell).replaceFirst("^\\d+,", m.rows() + ","));
        broken.put("(row " + m.rows() + ", column " + first[1] + ") is outside the", outside);
        List<String> negative = new java.util.ArrayList<>(lines);
        negative.set(cell, lines.get(cell).replaceFirst("^\\d+,", "-1,"));
        broken.put("(row -1, column " + first[1] + ") is outside the", negative);
        List<String> short_ = new java.util.ArrayList<>(lines);
        short_.set(cell, first[0] + "," + first[1] + "," + first[2]);
        broken.put("3 fields, expected 5", short_);
        List<String> early = new java.util.ArrayList<>(lines);
        early.add(grid, lines.get(cell));
        broken.put("before the '# grid' header", early);
        List<String> header = new java.util.ArrayList<>(lines);
        header.set(grid, "# grid " + m.columns());
        broken.put("expected '# grid COLUMNS ROWS CELLSIZE'", header);
        for (java.util.Map.Entry<String, List<String>> e : broken.entrySet()) {
            Path file = dir.resolve("broken.csv");
            Files.write(file, e.getValue());
            IOException x = assertThrows(IOException.class, () -> IndexMap.load(file), e.getKey());
            assertTrue(x.getMessage().contains("broken.csv:") && x.getMessage().contains(e.getKey()), x.getMessage());
        }
    }

    @Test
    void aMapNamesItsTemplateSet() {
        IndexMap m = random(new SplittableRandom(), false);
        m.requireTemplateSet("abc123", "the set");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.requireTemplateSet("zzz", "set 'glyphs'"));
        assertTrue(e.getMessage().contains("set 'glyphs'"), e.getMessage());
    }
}
