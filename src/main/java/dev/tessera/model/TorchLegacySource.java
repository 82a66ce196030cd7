package dev.tessera.model;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * torch.save's legacy layout (before PyTorch 1.6; torchvision's published vgg16-397923af.pth):
 * five consecutive pickles (magic number, protocol version 1001, system info, the state dict, the
 * list of storage keys), then each storage in that order as an 8-byte little-endian element count
 * followed by its raw bytes.
 */
final class TorchLegacySource implements WeightSource {
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long PROTOCOL_VERSION = 1001;

    private final Path file;
    private final FileChannel channel;
    private final TorchStateDict stateDict;
    /** Storage key to the file position of its bytes and its element count there. */
    private final Map<String, long[]> dataAt = new HashMap<>();

    TorchLegacySource(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size > Integer.MAX_VALUE)
                throw new IOException(file + ": legacy torch.save files over 2 GiB are not supported; " + WeightFiles.CONVERT_HINT);
            ByteBuffer in = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            stateDict = readPickles(in);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private TorchStateDict readPickles(ByteBuffer in) throws IOException {
        Unpickler.PersistentLoader none = pid -> {
            throw new IOException(file + ": persistent id outside the state dict");
        };
        Object magic = pickle(in, none);
        if (!MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic))
            throw new IOException(file + ": starts with a pickle but not torch.save's magic number: not a PyTorch weight file");
        Object version = pickle(in, none);
        if (!Long.valueOf(PROTOCOL_VERSION).equals(version))
            throw new IOException(file + ": legacy torch.save protocol " + version + ", expected 1001; " + WeightFiles.CONVERT_HINT);
        if (pickle(in, none) instanceof Map<?, ?> sysInfo && Boolean.FALSE.equals(sysInfo.get("little_endian")))
            throw new IOException(file + ": written on a big-endian machine; only little-endian files are supported");
        Map<String, TorchStateDict.Storage> storages = new HashMap<>();
        Object root = pickle(in, pid -> {
            TorchStateDict.Storage s = TorchStateDict.storage(file, pid);
            storages.putIfAbsent(s.key(), s);
            return s;
        });
        TorchStateDict dict = new TorchStateDict(file, root);
        if (!(pickle(in, none) instanceof List<?> keys))
            throw new IOException(file + ": storage key list missing after the state dict (corrupt file)");
        locateStorages(in, keys, storages);
        return dict;
    }

    private Object pickle(ByteBuffer in, Unpickler.PersistentLoader loader) throws IOException {
        try {
            return Unpickler.load(in, loader);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Walks the storage records in key order, checking each declared length against the file. */
    private void locateStorages(ByteBuffer in, List<?> keys, Map<String, TorchStateDict.Storage> storages) throws IOException {
        for (Object k : keys) {
            String key = String.valueOf(k);
            TorchStateDict.Storage s = storages.get(key);
            if (s == null || s.dtype() == null)
                throw new IOException(file + ": storage " + key + " has no known element type (corrupt file or unsupported storage)");
            long numel;
            try {
                numel = in.getLong();
            } catch (BufferUnderflowException e) {
                throw new IOException(file + ": ends before storage " + key + " (truncated file)");
            }
            long bytes = numel < 0 || numel > in.remaining() ? -1 : numel * s.dtype().bytes;
            if (bytes < 0 || bytes > in.remaining() || numel < s.numel())
                throw new IOException(file + ": storage " + key + " declares " + numel + " elements but "
                        + in.remaining() + " bytes remain and its tensors need " + s.numel() + " (truncated or corrupt file)");
            dataAt.put(key, new long[] {in.position(), numel});
            in.position(in.position() + (int) bytes);
        }
    }

    @Override
    public String format() {
        return "legacy torch.save";
    }

    @Override
    public Map<String, StoredTensor> index() {
        return stateDict.index();
    }

    @Override
    public Tensor read(String name) throws IOException {
        TorchStateDict.Entry t = stateDict.entries.get(name);
        TorchStateDict.Storage s = t.storage();
        long[] at = dataAt.get(s.key());
        if (at == null || at[1] < s.numel())
            throw new IOException(file + ": storage " + s.key() + " of " + name + " is missing or short in the data section (corrupt file)");
        ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, at[0], s.numel() * s.dtype().bytes);
        return TensorBytes.toFloat(data, s.dtype(), s.numel(), t.offset(), t.size(), t.stride());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
