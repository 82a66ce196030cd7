package dev.tessera.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.pytorch.Tensor;

/**
 * A safetensors file: an 8-byte little-endian header length, a JSON header mapping names to dtype,
 * shape and [begin, end) byte offsets into the data that follows, then the data. Every entry is
 * checked against the file's real size before anything is mapped, so a lying header is an error.
 */
final class SafetensorsSource implements WeightSource {
    /** The safetensors specification's own cap on the header; larger is a corrupt length. */
    private static final long MAX_HEADER = 100L << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, StoredTensor> index = new LinkedHashMap<>();
    private final Map<String, Long> begin = new LinkedHashMap<>();
    private final Optional<Preprocessing> preprocessing;

    SafetensorsSource(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) throw new IOException(file + ": " + size + " bytes, too short for a safetensors header (truncated?)");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(len, 0);
            long headerLength = len.getLong(0);
            if (headerLength < 2 || headerLength > size - 8)
                throw new IOException(file + ": safetensors header length " + Long.toUnsignedString(headerLength)
                        + " does not fit in the file's " + size + " bytes (truncated or not a safetensors file)");
            if (headerLength > MAX_HEADER)
                throw new IOException(file + ": safetensors header length " + headerLength + " exceeds the 100 MB the format allows");
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(header, 8);
            dataStart = 8 + headerLength;
            preprocessing = parseHeader(new String(header.array(), StandardCharsets.UTF_8), size - dataStart);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private Optional<Preprocessing> parseHeader(String json, long dataLength) throws IOException {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(json);
        } catch (JsonParseException | StackOverflowError e) {
            throw new IOException(file + ": safetensors header is not valid JSON: " + e.getMessage());
        }
        if (!parsed.isJsonObject()) throw new IOException(file + ": safetensors header is not a JSON object");
        Optional<Preprocessing> recorded = Optional.empty();
        for (Map.Entry<String, JsonElement> e : parsed.getAsJsonObject().entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                recorded = metadataPreprocessing(e.getValue());
                continue;
            }
            try {
                addEntry(name, e.getValue().getAsJsonObject(), dataLength);
            } catch (IllegalStateException | UnsupportedOperationException | NullPointerException
                    | IllegalArgumentException | ArithmeticException ex) {
                throw new IOException(file + ": safetensors entry " + name + " is malformed: " + describe(ex));
            }
        }
        return recorded;
    }

    private void addEntry(String name, JsonObject entry, long dataLength) throws IOException {
        JsonElement dtypeName = entry.get("dtype"), dims = entry.get("shape"), offsets = entry.get("data_offsets");
        if (dtypeName == null || dims == null || offsets == null || offsets.getAsJsonArray().size() != 2)
            throw new IllegalArgumentException("needs dtype, shape and two data_offsets");
        JsonArray dimArray = dims.getAsJsonArray();
        long[] shape = new long[dimArray.size()];
        for (int k = 0; k < shape.length; k++) shape[k] = exactLong(dimArray.get(k));
        long numel = StoredTensor.numel(shape);
        long b = exactLong(offsets.getAsJsonArray().get(0)), end = exactLong(offsets.getAsJsonArray().get(1));
        if (b < 0 || end < b || end > dataLength)
            throw new IOException(file + ": safetensors entry " + name + " claims bytes [" + b + ", " + end
                    + ") but the data section has " + dataLength + " bytes (truncated or corrupt file)");
        String dtypeText = dtypeName.getAsString();
        WeightDtype dtype = WeightDtype.ofSafetensors(dtypeText).orElse(null);
        if (dtype != null && end - b != Math.multiplyExact(numel, (long) dtype.bytes))
            throw new IOException(file + ": safetensors entry " + name + " spans " + (end - b) + " bytes but "
                    + dtypeText + " " + java.util.Arrays.toString(shape) + " needs " + numel * dtype.bytes);
        index.put(name, new StoredTensor(dtypeText, dtype, shape));
        begin.put(name, b);
    }

    /** An integer JSON number; fractions and non-numbers are malformed. */
    private static long exactLong(JsonElement e) {
        return e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
    }

    private Optional<Preprocessing> metadataPreprocessing(JsonElement metadata) throws IOException {
        if (!metadata.isJsonObject()) return Optional.empty();
        JsonElement value = metadata.getAsJsonObject().get("preprocessing");
        if (value == null || !value.isJsonPrimitive()) return Optional.empty();
        try {
            return Optional.of(Preprocessing.parse(value.getAsString()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": __metadata__ preprocessing: " + e.getMessage());
        }
    }

    private static String describe(RuntimeException e) {
        return e instanceof IllegalStateException || e instanceof UnsupportedOperationException || e instanceof NullPointerException
                || e instanceof NumberFormatException ? "a field has the wrong JSON type"
                : e instanceof ArithmeticException ? "shape too large" : e.getMessage();
    }

    private void readFully(ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) throw new IOException(file + ": ends early (truncated)");
        }
        into.flip();
    }

    @Override
    public String format() {
        return "safetensors";
    }

    @Override
    public Map<String, StoredTensor> index() {
        return Collections.unmodifiableMap(index);
    }

    @Override
    public Optional<Preprocessing> recordedPreprocessing() {
        return preprocessing;
    }

    @Override
    public Tensor read(String name) throws IOException {
        StoredTensor t = index.get(name);
        long bytes = StoredTensor.numel(t.shape()) * t.dtype().bytes;
        ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + begin.get(name), bytes);
        return TensorBytes.toFloat(data, t.dtype(), t.shape());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
