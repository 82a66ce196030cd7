package dev.tessera.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded damage to a valid file, of the kinds files from strangers show: bit flips (bad media, bad
 * transfer), truncation (an interrupted download), inserted bytes (a broken editor or text-mode
 * transfer) and header numbers changed to values a parser must not trust (sizes, lengths, offsets,
 * counts: zero, negative, just past an int, absurdly large; in JSON also null and values of the wrong type).
 *
 * <p>Bit flips and insertions land in the first {@code structureBytes} bytes three times out of
 * four: that is where a file says how to read the rest, while damage to pixel or tensor data is
 * only ever wrong values.
 */
final class Mutator {
    /** One damaged file and what was done to it, for the failure message. */
    record Mutation(String description, byte[] bytes) {}

    private static final long[] INTERESTING = {0, 1, -1, 2, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, Integer.MAX_VALUE,
            Integer.MIN_VALUE, 0xffffffffL, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] INTERESTING_TEXT = {"0", "-1", "1", "2147483647", "2147483648", "-2147483649", "4294967296",
            "9223372036854775807", "99999999999999999999", "1e308", "-1e308", "NaN", "0.5", "-0", "1e-9", "", "null", "true", "\"7\"", "[]", "{}"};
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private final byte[] valid;
    private final int structureBytes;
    private final boolean text;

    /**
     * @param structureBytes length of the part that describes the rest (headers, manifests); the whole file for text
     * @param text whether header numbers are written in decimal (JSON, CSV) rather than binary
     */
    Mutator(byte[] valid, int structureBytes, boolean text) {
        this.valid = valid.clone();
        this.structureBytes = Math.max(1, Math.min(structureBytes, valid.length));
        this.text = text;
    }

    byte[] valid() {
        return valid.clone();
    }

    Mutation mutate(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> flipBits(rnd);
            case 1 -> truncate(rnd);
            case 2 -> insert(rnd);
            default -> text ? changeDecimalNumber(rnd) : changeBinaryNumber(rnd);
        };
    }

    private int position(SplittableRandom rnd, int length) {
        return rnd.nextInt(4) < 3 ? rnd.nextInt(Math.min(structureBytes, length)) : rnd.nextInt(length);
    }

    private Mutation flipBits(SplittableRandom rnd) {
        byte[] b = valid.clone();
        int flips = 1 + rnd.nextInt(8);
        List<Integer> at = new ArrayList<>();
        for (int k = 0; k < flips; k++) {
            int p = position(rnd, b.length);
            b[p] ^= (byte) (1 << rnd.nextInt(8));
            at.add(p);
        }
        return new Mutation("bits flipped at bytes " + at, b);
    }

    private Mutation truncate(SplittableRandom rnd) {
        // Half the cuts inside the structure, where a parser is most likely to read past the end.
        int keep = rnd.nextBoolean() ? rnd.nextInt(structureBytes + 1) : rnd.nextInt(valid.length);
        return new Mutation("cut to " + keep + " of " + valid.length + " bytes", Arrays.copyOf(valid, keep));
    }

    private Mutation insert(SplittableRandom rnd) {
        int p = position(rnd, valid.length + 1);
        byte[] extra = new byte[1 + rnd.nextInt(16)];
        for (int k = 0; k < extra.length; k++) extra[k] = (byte) rnd.nextInt(256);
        byte[] b = new byte[valid.length + extra.length];
        System.arraycopy(valid, 0, b, 0, p);
        System.arraycopy(extra, 0, b, p, extra.length);
        System.arraycopy(valid, p, b, p + extra.length, valid.length - p);
        return new Mutation(extra.length + " bytes inserted at " + p, b);
    }

    /** A 1-, 2-, 4- or 8-byte field in the structure overwritten, in either byte order. */
    private Mutation changeBinaryNumber(SplittableRandom rnd) {
        int width = 1 << rnd.nextInt(4);
        if (valid.length < width) return flipBits(rnd);
        int p = rnd.nextInt(Math.max(1, Math.min(structureBytes, valid.length) - width + 1));
        long value = rnd.nextInt(4) == 0 ? rnd.nextLong() : INTERESTING[rnd.nextInt(INTERESTING.length)];
        ByteOrder order = rnd.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer field = ByteBuffer.allocate(8).order(order).putLong(value);
        byte[] b = valid.clone();
        // The low-order bytes of the value, as a field of this width holds it.
        for (int k = 0; k < width; k++) b[p + k] = field.get(order == ByteOrder.BIG_ENDIAN ? 8 - width + k : k);
        return new Mutation(width + "-byte " + order + " field at " + p + " set to " + value, b);
    }

    /** One decimal number of the text replaced by one a parser must not trust. */
    private Mutation changeDecimalNumber(SplittableRandom rnd) {
        String s = new String(valid, StandardCharsets.UTF_8);
        List<int[]> numbers = new ArrayList<>();
        Matcher m = NUMBER.matcher(s);
        while (m.find()) numbers.add(new int[] {m.start(), m.end()});
        if (numbers.isEmpty()) return flipBits(rnd);
        int[] at = numbers.get(rnd.nextInt(numbers.size()));
        String replacement = INTERESTING_TEXT[rnd.nextInt(INTERESTING_TEXT.length)];
        String out = s.substring(0, at[0]) + replacement + s.substring(at[1]);
        return new Mutation("number '" + s.substring(at[0], at[1]) + "' at character " + at[0] + " set to '" + replacement + "'",
                out.getBytes(StandardCharsets.UTF_8));
    }
}
