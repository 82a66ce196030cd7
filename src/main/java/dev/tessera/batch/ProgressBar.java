package dev.tessera.batch;

import java.io.PrintWriter;

/**
 * One updating line on stderr: "photos [#####-----] 523/2000 26% 41/s ETA 36s". Redrawn at most
 * ten times a second, so thousands of steps cost nothing; warnings are printed on lines of their
 * own above it.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NS = 100_000_000L;

    private final PrintWriter out;
    private final String label;
    private final int total;
    private final long startNs = System.nanoTime();
    private int done;
    private long drawnNs;
    private int drawnLength;
    private int drawnDone = -1;

    public ProgressBar(PrintWriter out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    public synchronized void step() {
        done++;
        long now = System.nanoTime();
        if (now - drawnNs >= REDRAW_NS || done == total) draw(now);
    }

    /** Prints a line above the bar. */
    public synchronized void warn(String line) {
        clear();
        out.println(line);
        draw(System.nanoTime());
    }

    /** Leaves the bar complete on its own line. */
    public synchronized void finish() {
        if (drawnDone != done || drawnLength == 0) draw(System.nanoTime());
        out.println();
        out.flush();
    }

    private void clear() {
        if (drawnLength > 0) out.print("\r" + " ".repeat(drawnLength) + "\r");
        drawnLength = 0;
    }

    private void draw(long now) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        double seconds = (now - startNs) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder line = new StringBuilder()
                .append(label).append(" [").append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
                .append(done).append('/').append(total)
                .append(String.format(" %3d%%", total == 0 ? 100 : 100L * done / total));
        if (done > 0 && done < total)
            line.append(String.format(rate < 10 ? " %.1f/s ETA %.0fs" : " %.0f/s ETA %.0fs", rate, (total - done) / rate));
        else if (done == total) line.append(String.format(" in %.1fs", seconds));
        String text = line.toString();
        out.print("\r" + text + " ".repeat(Math.max(0, drawnLength - text.length())));
        out.flush();
        drawnLength = text.length();
        drawnDone = done;
        drawnNs = now;
    }
}
