package dev.tessera.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes weight files the way their producers lay them out, byte for byte where it matters: the
 * torch.save zip layout and the legacy layout (pickle protocol 2 as Python's pickler emits it for an
 * OrderedDict state dict, globals memoised), and safetensors. Tests then tamper with them.
 */
public final class WeightFileWriter {
    /** One tensor to write: its name, dtype (safetensors spelling), shape and little-endian bytes. */
    public record Entry(String name, String dtype, long[] shape, byte[] data) {
        static Entry f32(String name, long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Entry(name, "F32", shape, b.array());
        }

        long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private static final Map<String, String> STORAGE = Map.of("F32", "FloatStorage", "F64", "DoubleStorage",
            "F16", "HalfStorage", "I64", "LongStorage", "I32", "IntStorage");

    private WeightFileWriter() {}

    // ---- torch.save, zip layout (PyTorch ≥ 1.6) ----

    public static void writeTorchZip(Path file, String prefix, List<Entry> entries) throws IOException {
        Map<String, byte[]> records = new java.util.LinkedHashMap<>();
        records.put(prefix + "/data.pkl", stateDictPickle(entries, false));
        records.put(prefix + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int k = 0; k < entries.size(); k++) records.put(prefix + "/data/" + k, entries.get(k).data());
        records.put(prefix + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        records.put(prefix + "/.data/serialization_id", "1234567890123456789012345678901234567890".getBytes(StandardCharsets.US_ASCII));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                // torch.save stores every record uncompressed.
                ZipEntry e = new ZipEntry(r.getKey());
                e.setMethod(ZipEntry.STORED);
                e.setSize(r.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(r.getValue());
                e.setCrc(crc.getValue());
                zip.putNextEntry(e);
                zip.write(r.getValue());
                zip.closeEntry();
            }
        }
    }

    // ---- torch.save, legacy layout (PyTorch < 1.6) ----

    public static void writeTorchLegacy(Path file, List<Entry> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            Pickle magic = new Pickle();
            magic.proto().long1(new byte[] {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19}).stop();
            out.write(magic.bytes());
            out.write(new Pickle().proto().integer(1001).stop().bytes());
            Pickle sys = new Pickle().proto().op('}').mark()
                    .string("protocol_version").integer(1001)
                    .string("little_endian").op(0x88)
                    .string("type_sizes").op('}').mark().string("short").integer(2).string("int").integer(4)
                    .string("long").integer(4).op('u').op('u').stop();
            out.write(sys.bytes());
            out.write(stateDictPickle(entries, true));
            Pickle keys = new Pickle().proto().op(']').mark();
            for (int k = 0; k < entries.size(); k++) keys.string(legacyKey(k));
            out.write(keys.op('e').stop().bytes());
            for (Entry e : entries) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(e.numel()).array());
                out.write(e.data());
            }
        }
    }

    private static String legacyKey(int k) {
        return Long.toString(94_368_352_412_512L + 64L * k); // Python id()s, as the legacy writer used
    }

    /** The OrderedDict state dict as torch.save pickles it; legacy ids carry a sixth (view) item. */
    private static byte[] stateDictPickle(List<Entry> entries, boolean legacy) {
        Pickle p = new Pickle().proto();
        p.global("collections", "OrderedDict").op(')').op('R').put();
        p.mark();
        for (int k = 0; k < entries.size(); k++) {
            Entry e = entries.get(k);
            p.string(e.name());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.mark();
            p.mark().string("storage").global("torch", STORAGE.get(e.dtype())).string(legacy ? legacyKey(k) : Integer.toString(k))
                    .string("cpu").integer(e.numel());
            if (legacy) p.op('N');
            p.op('t').op('Q');
            p.integer(0);
            p.longTuple(e.shape()).longTuple(strides(e.shape()));
            p.op(0x89);
            p.global("collections", "OrderedDict").op(')').op('R');
            p.op('t').op('R').put();
        }
        p.op('u');
        // state: {'_metadata': OrderedDict()} as state_dict() attaches it, applied by BUILD
        p.op('}').string("_metadata").global("collections", "OrderedDict").op(')').op('R').op('s').op('b');
        return p.stop().bytes();
    }

    // ---- safetensors ----

    public static void writeSafetensors(Path file, List<Entry> entries, Map<String, String> metadata) throws IOException {
        List<String> fields = new ArrayList<>();
        if (!metadata.isEmpty())
            fields.add("\"__metadata__\":{" + metadata.entrySet().stream()
                    .map(m -> "\"" + m.getKey() + "\":\"" + m.getValue() + "\"").collect(Collectors.joining(",")) + "}");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Entry e : entries) {
            long begin = data.size();
            data.write(e.data());
            fields.add("\"" + e.name() + "\":{\"dtype\":\"" + e.dtype() + "\",\"shape\":" + java.util.Arrays.toString(e.shape()).replace(" ", "")
                    + ",\"data_offsets\":[" + begin + "," + data.size() + "]}");
        }
        writeSafetensorsRaw(file, "{" + String.join(",", fields) + "}", data.toByteArray(), -1);
    }

    /** A safetensors file from a given header; a non-negative {@code claimedLength} lies about its length. */
    static void writeSafetensorsRaw(Path file, String header, byte[] data, long claimedLength) throws IOException {
        StringBuilder h = new StringBuilder(header);
        while (h.length() % 8 != 0) h.append(' '); // the format pads the header to 8 bytes with spaces
        byte[] hb = h.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(claimedLength >= 0 ? claimedLength : hb.length).array());
            out.write(hb);
            out.write(data);
        }
    }

    /** Contiguous strides, as torch.save records them. */
    static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            s[k] = acc;
            acc *= shape[k];
        }
        return s;
    }

    /** Protocol-2 pickle opcodes as Python's C pickler writes them (BINPUT after each memoised value). */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Map<String, Integer> globals = new HashMap<>();
        private int memo;

        Pickle op(int code) {
            out.write(code);
            return this;
        }

        Pickle proto() {
            return op(0x80).op(2);
        }

        Pickle mark() {
            return op('(');
        }

        Pickle stop() {
            return op('.');
        }

        Pickle put() {
            return op('q').op(memo++);
        }

        Pickle global(String module, String name) {
            String key = module + "\n" + name + "\n";
            Integer at = globals.get(key);
            if (at != null) return op('h').op(at);
            op('c');
            out.writeBytes(key.getBytes(StandardCharsets.US_ASCII));
            globals.put(key, memo);
            return put();
        }

        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return put();
        }

        Pickle integer(long v) {
            if (v >= 0 && v < 256) return op('K').op((int) v);
            if (v >= 0 && v < 65536) return op('M').op((int) (v & 0xff)).op((int) (v >> 8));
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
                return this;
            }
            return long1(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        Pickle long1(byte[] littleEndian) {
            op(0x8a).op(littleEndian.length);
            out.writeBytes(littleEndian);
            return this;
        }

        Pickle longTuple(long[] values) {
            if (values.length > 3) mark();
            for (long v : values) integer(v);
            if (values.length == 0) return op(')');
            if (values.length > 3) return op('t').put();
            return op(0x84 + values.length).put();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
