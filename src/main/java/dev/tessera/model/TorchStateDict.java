package dev.tessera.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unpickled state dict of a torch.save file (zip or legacy): names to tensors that point into
 * storages by key. Shared by both layouts, which differ only in where storage bytes live.
 */
final class TorchStateDict {
    /** A storage a tensor points into: its dtype, key, element count and the view offset (legacy). */
    record Storage(String dtypeName, WeightDtype dtype, String key, long numel, long viewOffset) {}

    /** A tensor of the state dict: its storage, element offset into it, sizes and strides. */
    record Entry(Storage storage, long offset, long[] size, long[] stride) {}

    final Map<String, StoredTensor> index = new LinkedHashMap<>();
    final Map<String, Entry> entries = new LinkedHashMap<>();

    /** Builds the index from the pickle's top-level value, which must be a dict of tensors. */
    TorchStateDict(Path file, Object root) throws IOException {
        if (!(root instanceof Map<?, ?> dict))
            throw new IOException(file + ": holds a pickled " + kind(root) + ", not a state dict; save model.state_dict()");
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof Unpickler.TensorRef ref)) continue;
            if (!(ref.storage() instanceof Storage s))
                throw new IOException(file + ": tensor " + name + " has no storage reference (corrupt pickle)");
            Entry entry = new Entry(s, ref.offset() + s.viewOffset(), ref.size(), ref.stride());
            if (!TensorBytes.viewFits(s.numel(), entry.offset(), entry.size(), entry.stride()))
                throw new IOException(file + ": tensor " + name + " (offset " + entry.offset() + ", shape "
                        + java.util.Arrays.toString(entry.size()) + ") reaches past its storage of " + s.numel()
                        + " elements (corrupt file)");
            index.put(name, new StoredTensor(s.dtypeName(), s.dtype(), ref.size()));
            entries.put(name, entry);
        }
    }

    Map<String, StoredTensor> index() {
        return Collections.unmodifiableMap(index);
    }

    /**
     * The storage named by a persistent id: ('storage', type, key, location, numel) in the zip
     * layout, with a sixth item (view key, offset, size) or None in the legacy one.
     */
    static Storage storage(Path file, Object pid) throws IOException {
        if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof Unpickler.Global type) || !(t.get(4) instanceof Long numel))
            throw new IOException(file + ": unexpected persistent id " + pid + " (not a torch.save state dict?)");
        WeightDtype dtype = WeightDtype.ofStorageType(type.module(), type.name()).orElse(null);
        String key = String.valueOf(t.get(2));
        if (numel < 0) throw new IOException(file + ": storage " + key + " declares " + numel + " elements");
        long viewOffset = 0, viewNumel = numel;
        if (t.size() > 5 && t.get(5) instanceof List<?> view && view.size() == 3
                && view.get(1) instanceof Long off && view.get(2) instanceof Long len) {
            if (off < 0 || len < 0 || off + len > numel)
                throw new IOException(file + ": storage view [" + off + ", +" + len + ") outside storage " + key);
            viewOffset = off;
            viewNumel = off + len;
        }
        return new Storage(dtype == null ? type.toString() : dtype.name(), dtype, key, viewNumel, viewOffset);
    }

    private static String kind(Object o) {
        return o == null ? "None" : o instanceof List ? "list or tuple" : o.getClass().getSimpleName();
    }
}
