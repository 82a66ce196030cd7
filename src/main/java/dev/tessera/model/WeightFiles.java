package dev.tessera.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Opens a user's VGG16 weight file, whatever its format (told by content, not by extension),
 * validates every expected name, shape and dtype before reading any data, then reads the 26
 * feature tensors. Every failure is an IOException that names the file.
 */
final class WeightFiles {
    static final String CONVERT_HINT = "convert it with Python: python -c \"import torch; "
            + "torch.save(torch.load('IN.pth', map_location='cpu'), 'OUT.pth')\" (or save it as safetensors)";

    /** What a file gave: the 26 float32 tensors (owned, outside any scope), and what it records. */
    record Loaded(Map<String, Tensor> tensors, Optional<Preprocessing> recordedPreprocessing, String format) {}

    private WeightFiles() {}

    static Loaded read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such weight file");
        try (WeightSource source = open(file)) {
            Optional<String> mismatch = Vgg16Layout.firstMismatch(source.index());
            if (mismatch.isPresent())
                throw new IOException(file + " (" + source.format() + "): not VGG16 feature weights: " + mismatch.get());
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            try (PointerScope scope = new PointerScope()) {
                for (String name : Vgg16Layout.names()) {
                    Tensor t = source.read(name);
                    t.retainReference(); // outlives the scope, released by Vgg16.close()
                    tensors.put(name, t);
                }
            } catch (IOException | RuntimeException e) {
                tensors.values().forEach(Tensor::close);
                throw e;
            }
            return new Loaded(tensors, source.recordedPreprocessing(), source.format());
        } catch (RuntimeException e) {
            // A check missed something and LibTorch or a parser threw: still the file's fault, still named.
            throw new IOException(file + ": unreadable weight file: " + e.getMessage(), e);
        }
    }

    private static WeightSource open(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(512);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            return new TorchZipSource(file);
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5)
            return new TorchLegacySource(file);
        if (head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar"))
            throw new IOException(file + ": tar-format torch.save from PyTorch before 0.4 is not supported; " + CONVERT_HINT);
        if (head.length >= 9 && head[8] == '{') return new SafetensorsSource(file);
        throw new IOException(file + ": neither a torch.save file (zip or legacy) nor safetensors"
                + (head.length < 9 ? " (only " + head.length + " bytes: truncated?)" : ""));
    }
}
