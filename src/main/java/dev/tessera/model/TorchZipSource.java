package dev.tessera.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.bytedeco.pytorch.Tensor;

/**
 * torch.save's zip layout (PyTorch 1.6 and later): {@code <prefix>/data.pkl} holds the pickled state
 * dict, {@code <prefix>/data/<key>} the raw bytes of each storage. The prefix is "archive" or the
 * saved file's stem, depending on the PyTorch version, so it is taken from where data.pkl is.
 */
final class TorchZipSource implements WeightSource {
    /** A state dict's pickle is names and small tuples; tens of MB would be something else. */
    private static final long MAX_PICKLE = 64L << 20;

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final TorchStateDict stateDict;

    TorchZipSource(Path file) throws IOException {
        this.file = file;
        try {
            this.zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable zip archive (truncated or corrupt?): " + e.getMessage(), e);
        }
        try {
            ZipEntry pkl = findDataPkl();
            prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            checkByteOrder();
            ByteBuffer pickle = ByteBuffer.wrap(readEntry(pkl, MAX_PICKLE));
            Object root;
            try {
                root = Unpickler.load(pickle, pid -> TorchStateDict.storage(file, pid));
            } catch (IOException e) {
                throw new IOException(file + ": " + pkl.getName() + ": " + e.getMessage(), e);
            }
            stateDict = new TorchStateDict(file, root);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private ZipEntry findDataPkl() throws IOException {
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            String n = e.getName();
            if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) return e;
        }
        throw new IOException(file + ": zip archive without <name>/data.pkl: not written by torch.save"
                + " (a TorchScript archive or another zip?); save model.state_dict() with torch.save");
    }

    private void checkByteOrder() throws IOException {
        ZipEntry order = zip.getEntry(prefix + "byteorder");
        if (order == null) return; // older writers omit it; they only wrote little-endian
        String value = new String(readEntry(order, 16), StandardCharsets.US_ASCII).trim();
        if (!value.equals("little"))
            throw new IOException(file + ": byte order '" + value + "'; only little-endian files are supported");
    }

    private byte[] readEntry(ZipEntry e, long limit) throws IOException {
        long size = e.getSize();
        if (size > limit) throw new IOException(file + ": " + e.getName() + " is " + size + " bytes, more than " + limit);
        byte[] b;
        try (InputStream in = zip.getInputStream(e)) {
            b = in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
        } catch (ZipException damaged) {
            // The central directory can be whole while an entry's own header is not (fuzzer find: "invalid LOC header").
            throw new IOException(file + ": " + e.getName() + " is damaged (corrupt zip): " + damaged.getMessage(), damaged);
        }
        if (size >= 0 && b.length != size)
            throw new IOException(file + ": " + e.getName() + " holds " + b.length + " of its " + size + " bytes (truncated)");
        return b;
    }

    @Override
    public String format() {
        return "torch.save zip";
    }

    @Override
    public Map<String, StoredTensor> index() {
        return stateDict.index();
    }

    @Override
    public Tensor read(String name) throws IOException {
        TorchStateDict.Entry t = stateDict.entries.get(name);
        TorchStateDict.Storage s = t.storage();
        String entryName = prefix + "data/" + s.key();
        ZipEntry e = zip.getEntry(entryName);
        if (e == null) throw new IOException(file + ": storage " + entryName + " of " + name + " is missing (corrupt file)");
        long needed = s.numel() * s.dtype().bytes;
        byte[] bytes = readEntry(e, Math.max(needed, 0) + 64);
        if (bytes.length < needed)
            throw new IOException(file + ": storage " + entryName + " has " + bytes.length + " bytes, " + name + " needs " + needed);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).flip();
        return TensorBytes.toFloat(direct, s.dtype(), s.numel(), t.offset(), t.size(), t.stride());
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
