import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Bench helper (run as `java bench/MakeTiles.java SRC_DIR OUT_DIR COUNT SIZE SEED`): cuts COUNT
 * square crops of random position and scale out of the photos under SRC_DIR and writes them as
 * SIZE×SIZE JPEGs, so Tessera and metapixel can be given the same tile library (or the same batch
 * of targets). Deterministic for a seed.
 */
public class MakeTiles {
    public static void main(String[] args) throws Exception {
        Path src = Path.of(args[0]), out = Path.of(args[1]);
        int count = Integer.parseInt(args[2]), size = Integer.parseInt(args[3]);
        Random rnd = new Random(Long.parseLong(args[4]));
        List<Path> photos = new ArrayList<>();
        try (Stream<Path> files = Files.walk(src)) {
            files.filter(f -> f.toString().toLowerCase().matches(".*\\.(jpe?g|png)$")).sorted().forEach(photos::add);
        }
        Files.createDirectories(out);
        List<BufferedImage> images = new ArrayList<>();
        for (Path p : photos) {
            BufferedImage img = ImageIO.read(p.toFile());
            if (img != null && Math.min(img.getWidth(), img.getHeight()) >= size) images.add(img);
        }
        if (images.isEmpty()) throw new IllegalStateException("no photos of at least " + size + " px under " + src);
        for (int i = 0; i < count; i++) {
            BufferedImage img = images.get(i % images.size());
            int min = Math.min(img.getWidth(), img.getHeight());
            int side = (int) (min * (0.15 + 0.6 * rnd.nextDouble()));
            side = Math.max(side, size);
            int x = rnd.nextInt(img.getWidth() - side + 1), y = rnd.nextInt(img.getHeight() - side + 1);
            BufferedImage tile = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = tile.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img.getSubimage(x, y, side, side), 0, 0, size, size, null);
            g.dispose();
            ImageIO.write(tile, "jpg", new File(out.toFile(), String.format("tile%05d.jpg", i)));
        }
        System.out.println("wrote " + count + " crops of " + images.size() + " photos to " + out);
    }
}
