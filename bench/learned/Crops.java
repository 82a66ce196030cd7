// Bench helper: `java bench/learned/Crops.java OUTDIR PICTURE...` scales each picture so its short side is 512 px (area
// averaging) and writes the four 256² quadrants of its centred 512² square as PNGs (training pictures for
// EncoderExperiment).
import java.awt.*;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;
public class Crops {
    public static void main(String[] a) throws Exception {
        File out = new File(a[0]); out.mkdirs();
        for (int i = 1; i < a.length; i++) {
            BufferedImage img = ImageIO.read(new File(a[i]));
            if (img == null) continue;
            int s = Math.min(img.getWidth(), img.getHeight());
            double f = 512.0 / s;
            int w = (int) Math.round(img.getWidth() * f), h = (int) Math.round(img.getHeight() * f);
            Image scaled = img.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING);
            BufferedImage big = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = big.createGraphics(); g.drawImage(scaled, 0, 0, null); g.dispose();
            int x0 = (w - 512) / 2, y0 = (h - 512) / 2;
            String name = new File(a[i]).getName().replaceAll("\\.[^.]*$", "");
            for (int q = 0; q < 4; q++)
                ImageIO.write(big.getSubimage(x0 + (q % 2) * 256, y0 + (q / 2) * 256, 256, 256), "png", new File(out, name + "-" + q + ".png"));
        }
    }
}
