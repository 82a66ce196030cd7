import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/** Bench helper: `java bench/CentreCrop.java IN OUT SIZE` writes the centred SIZE×SIZE crop of IN (scaled down first if needed). */
public class CentreCrop {
    public static void main(String[] args) throws Exception {
        BufferedImage img = ImageIO.read(new File(args[0]));
        int size = Integer.parseInt(args[2]), side = Math.min(img.getWidth(), img.getHeight());
        BufferedImage square = img.getSubimage((img.getWidth() - side) / 2, (img.getHeight() - side) / 2, side, side);
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(square, 0, 0, size, size, null);
        g.dispose();
        ImageIO.write(out, "png", new File(args[1]));
    }
}
