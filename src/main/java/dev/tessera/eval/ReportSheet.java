package dev.tessera.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A comparison at a glance: one column per picture (the input, then each mode), each showing the
 * picture as seen at the input's size, below it the centre enlarged so the tiles show, and a label
 * with the mode and its figures at full size. Columns are {@link #MIN_PANEL} to {@link #MAX_PANEL}
 * pixels on their longer side: small inputs are enlarged by a whole factor (pixels stay sharp),
 * large ones area-downscaled, so the sheet stays readable and its size bounded. Text is drawn in the
 * DejaVu Sans bundled with the build, so a sheet looks the same on every machine.
 */
public final class ReportSheet {
    static final int GAP = 8;
    static final int MIN_PANEL = 256;
    static final int MAX_PANEL = 768;
    /** Zoom of the centre crop relative to the overview above it. */
    static final int ZOOM = 4;
    static final int LINE = 16;
    static final int LABEL_HEIGHT = 3 * LINE + GAP;
    static final String FONT = "/net/sf/jasperreports/fonts/dejavu/DejaVuSans.ttf";
    static final String BOLD_FONT = "/net/sf/jasperreports/fonts/dejavu/DejaVuSans-Bold.ttf";

    private ReportSheet() {}

    /** The sheet for an input and its mosaics (each judged against that input). */
    public static BufferedImage of(BufferedImage input, List<CompareEntry> entries) {
        int w = input.getWidth(), h = input.getHeight(), longer = Math.max(w, h);
        int enlarge = longer < MIN_PANEL ? (MIN_PANEL + longer - 1) / longer : 1;
        double scale = longer > MAX_PANEL ? (double) MAX_PANEL / longer : enlarge;
        int panelW = Math.max(1, (int) Math.round(w * scale)), panelH = Math.max(1, (int) Math.round(h * scale));
        int zoom = ZOOM * enlarge;

        List<BufferedImage> pictures = new ArrayList<>();
        List<String[]> labels = new ArrayList<>();
        pictures.add(input);
        labels.add(new String[] {"input " + w + "x" + h, "above: as seen", "below: centre at " + zoom + "x"});
        for (CompareEntry e : entries) {
            pictures.add(asSeen(e.mosaic(), w, h));
            ScaleFigures f = e.quality().full();
            labels.add(new String[] {e.mode(),
                    "PSNR " + CompareFigure.PSNR.format(f.psnr()) + " dB  SSIM " + CompareFigure.SSIM.format(f.ssim()),
                    "ΔE00 " + CompareFigure.CIEDE2000.format(f.deltaE00())
                            + (e.quality().distinctTemplates() == null ? "" : "  " + e.quality().distinctTemplates() + " templates")});
        }

        int columns = pictures.size();
        BufferedImage sheet = new BufferedImage(columns * (panelW + GAP) + GAP, 3 * GAP + 2 * panelH + LABEL_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            Font regular = font(FONT), bold = font(BOLD_FONT);
            for (int c = 0; c < columns; c++) {
                int x = GAP + c * (panelW + GAP);
                BufferedImage picture = pictures.get(c);
                g.drawImage(overview(picture, panelW, panelH, enlarge), x, GAP, null);
                drawZoom(g, picture, zoom, x, 2 * GAP + panelH, panelW, panelH);
                g.setColor(Color.BLACK);
                String[] lines = labels.get(c);
                int y = 3 * GAP + 2 * panelH;
                for (int l = 0; l < lines.length; l++) {
                    g.setFont(l == 0 ? bold : regular);
                    g.drawString(lines[l], x, y + (l + 1) * LINE - 4);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    /** A mosaic as it is measured: area-downscaled to the input's size (unchanged when it is that size). */
    private static BufferedImage asSeen(BufferedImage mosaic, int w, int h) {
        if (mosaic.getWidth() == w && mosaic.getHeight() == h) return mosaic;
        return toImage(AreaDownscale.to(mosaic, w, h));
    }

    private static BufferedImage overview(BufferedImage picture, int panelW, int panelH, int enlarge) {
        if (picture.getWidth() == panelW && picture.getHeight() == panelH) return picture;
        if (enlarge > 1) return nearest(picture, enlarge);
        return toImage(AreaDownscale.to(picture, panelW, panelH));
    }

    /** The centre of the picture, each pixel drawn zoom × zoom, centred in the panel. */
    private static void drawZoom(Graphics2D g, BufferedImage picture, int zoom, int x, int y, int panelW, int panelH) {
        int cw = Math.max(1, Math.min(picture.getWidth(), panelW / zoom));
        int ch = Math.max(1, Math.min(picture.getHeight(), panelH / zoom));
        BufferedImage crop = picture.getSubimage((picture.getWidth() - cw) / 2, (picture.getHeight() - ch) / 2, cw, ch);
        BufferedImage big = nearest(crop, zoom);
        g.setClip(x, y, panelW, panelH);
        g.drawImage(big, x + (panelW - big.getWidth()) / 2, y + (panelH - big.getHeight()) / 2, null);
        g.setClip(null);
    }

    private static BufferedImage nearest(BufferedImage img, int k) {
        int w = img.getWidth(), h = img.getHeight();
        BufferedImage out = new BufferedImage(w * k, h * k, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w], big = new int[w * k];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w * k; x++) big[x] = row[x / k];
            for (int r = 0; r < k; r++) out.setRGB(0, y * k + r, w * k, 1, big, 0, w * k);
        }
        return out;
    }

    private static BufferedImage toImage(RgbImage img) {
        int w = img.width(), h = img.height(), n = w * h;
        double[] p = img.planes();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                row[x] = (int) Math.round(p[i]) << 16 | (int) Math.round(p[n + i]) << 8 | (int) Math.round(p[2 * n + i]);
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }

    /** A font bundled with the build, at 12 pt. */
    static Font font(String resource) {
        try (InputStream in = ReportSheet.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("font " + resource + " is missing from the classpath (jasperreports-fonts)");
            return Font.createFont(Font.TRUETYPE_FONT, in).deriveFont(12f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read font " + resource + ": " + e.getMessage(), e);
        } catch (FontFormatException e) {
            throw new IllegalStateException("font " + resource + " is not a TrueType font", e);
        }
    }
}
