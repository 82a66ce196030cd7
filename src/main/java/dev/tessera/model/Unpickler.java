package dev.tessera.model;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of Python's pickle that torch.save uses for a state dict of tensors (protocols 2 to
 * 5): containers, scalars, strings, memo, persistent ids, and calls of exactly four globals
 * (OrderedDict, the two tensor rebuilders and the parameter rebuilder). Nothing is executed; any
 * other call is an error naming the global, so a file that is not a plain state dict is refused.
 *
 * <p>Values: None is null, ints are Long (BigInteger beyond 64 bits), tuples and lists are Lists,
 * dicts and OrderedDicts are LinkedHashMaps, a rebuilt tensor is a {@link TensorRef}.
 */
final class Unpickler {
    /** Resolves a persistent id (torch.save's storage tuples) to a value. */
    interface PersistentLoader {
        Object load(Object pid) throws IOException;
    }

    /** A module-level name the pickle refers to, e.g. torch.FloatStorage. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** What _rebuild_tensor(_v2) was called with: a storage, an element offset, sizes and strides. */
    record TensorRef(Object storage, long offset, long[] size, long[] stride) {}

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final PersistentLoader persistentLoader;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(ByteBuffer in, PersistentLoader persistentLoader) {
        this.in = in.order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoader = persistentLoader;
    }

    /**
     * Reads one pickle starting at the buffer's position and leaves the position just after its
     * STOP, so consecutive pickles (the legacy torch.save layout) can be read in turn.
     */
    static Object load(ByteBuffer in, PersistentLoader persistentLoader) throws IOException {
        Unpickler u = new Unpickler(in, persistentLoader);
        try {
            return u.run();
        } catch (BufferUnderflowException e) {
            throw new IOException("pickle ends early at byte " + in.position() + " (truncated file?)");
        } catch (ClassCastException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException("malformed pickle near byte " + in.position() + ": " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            // Fuzzer find: APPEND(S) or SETITEM(S) on a tuple, which is an immutable List here as in Python.
            throw new IOException("malformed pickle near byte " + in.position() + ": an item added to a tuple");
        }
    }

    private Object run() throws IOException {
        while (true) {
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get(); // PROTO: every protocol up to 5 reads the same for our subset
                case 0x95 -> in.getLong(); // FRAME: a hint for buffered readers
                case '.' -> {
                    return pop();
                }
                case '(' -> {
                    marks.push(stack.size());
                    stack.add(MARK);
                }
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'J' -> stack.add((long) in.getInt());
                case 'K' -> stack.add((long) (in.get() & 0xff));
                case 'M' -> stack.add((long) (in.getShort() & 0xffff));
                case 0x8a -> stack.add(longOf(bytes(in.get() & 0xff)));
                case 0x8b -> stack.add(longOf(bytes(length(in.getInt()))));
                case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // big-endian
                case 'X' -> stack.add(utf8(length(in.getInt())));
                case 0x8c -> stack.add(utf8(in.get() & 0xff));
                case 0x8d -> stack.add(utf8(length(in.getLong())));
                case 'T' -> stack.add(latin1(length(in.getInt())));
                case 'U' -> stack.add(latin1(in.get() & 0xff));
                case 'B' -> stack.add(bytes(length(in.getInt())));
                case 'C' -> stack.add(bytes(in.get() & 0xff));
                case 'c' -> stack.add(new Global(line(), line()));
                case 0x93 -> {
                    String name = (String) pop();
                    stack.add(new Global((String) pop(), name));
                }
                case ')' -> stack.add(Collections.emptyList());
                case 't' -> stack.add(tuple(popToMark()));
                case 0x85 -> stack.add(tuple(pop(1)));
                case 0x86 -> stack.add(tuple(pop(2)));
                case 0x87 -> stack.add(tuple(pop(3)));
                case ']' -> stack.add(new ArrayList<>());
                case 'l' -> stack.add(new ArrayList<>(popToMark()));
                case 'a' -> {
                    Object v = pop();
                    list(top()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    list(top()).addAll(items);
                }
                case '}' -> stack.add(new LinkedHashMap<>());
                case 'd' -> {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    putPairs(m, popToMark());
                    stack.add(m);
                }
                case 's' -> {
                    Object v = pop(), k = pop();
                    map(top()).put(k, v);
                }
                case 'u' -> {
                    List<Object> items = popToMark();
                    putPairs(map(top()), items);
                }
                case 'q' -> memo.put((long) (in.get() & 0xff), top());
                case 'r' -> memo.put(in.getInt() & 0xffffffffL, top());
                case 0x94 -> memo.put((long) memo.size(), top());
                case 'h' -> stack.add(memoGet(in.get() & 0xff));
                case 'j' -> stack.add(memoGet(in.getInt() & 0xffffffffL));
                case 'Q' -> stack.add(persistentLoader.load(pop()));
                case 'R', 0x81 -> {
                    Object args = pop();
                    stack.add(call(pop(), (List<?>) args));
                }
                case 'b' -> {
                    pop(); // BUILD state: an OrderedDict's __dict__ (torch's _metadata), not needed
                    if (!(top() instanceof Map)) throw new IOException("pickle BUILD on a non-dict at byte " + at);
                }
                default -> throw new IOException(String.format(
                        "pickle opcode 0x%02x at byte %d is not one torch.save uses for a state dict", op, at));
            }
        }
    }

    private Object call(Object callable, List<?> args) throws IOException {
        if (!(callable instanceof Global g))
            throw new IOException("pickle calls a non-global " + callable);
        switch (g.toString()) {
            case "collections.OrderedDict":
                return new LinkedHashMap<>();
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                return new TensorRef(args.get(0), (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
            case "torch._utils._rebuild_parameter":
                return args.get(0);
            default:
                throw new IOException("pickle calls " + g
                        + ", which a plain state dict of tensors does not need; save model.state_dict() instead");
        }
    }

    private static long[] longs(Object tuple) {
        List<?> l = (List<?>) tuple;
        long[] a = new long[l.size()];
        for (int k = 0; k < a.length; k++) a[k] = (Long) l.get(k);
        return a;
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object o) {
        return (Map<Object, Object>) o;
    }

    private static void putPairs(Map<Object, Object> m, List<Object> items) {
        if (items.size() % 2 != 0) throw new IllegalArgumentException("odd number of dict items");
        for (int k = 0; k < items.size(); k += 2) m.put(items.get(k), items.get(k + 1));
    }

    private Object memoGet(long key) throws IOException {
        if (!memo.containsKey(key)) throw new IOException("pickle refers to memo entry " + key + " that was never stored");
        return memo.get(key);
    }

    private Object top() {
        Object o = stack.get(stack.size() - 1);
        if (o == MARK) throw new IllegalArgumentException("mark where a value was expected");
        return o;
    }

    private Object pop() {
        Object o = top();
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> pop(int n) {
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        if (items.contains(MARK)) throw new IllegalArgumentException("mark inside a tuple");
        stack.subList(stack.size() - n, stack.size()).clear();
        return items;
    }

    private List<Object> popToMark() {
        if (marks.isEmpty()) throw new IllegalArgumentException("no mark to pop to");
        int m = marks.pop();
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    /** A declared length, refused before allocating when it exceeds what is left of the input. */
    private int length(long n) throws IOException {
        if (n < 0 || n > in.remaining())
            throw new IOException("pickle declares " + n + " bytes at byte " + in.position() + " but only "
                    + in.remaining() + " remain (truncated or corrupt file)");
        return (int) n;
    }

    private byte[] bytes(int n) throws IOException {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    private String utf8(int n) throws IOException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) throws IOException {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (byte c; (c = in.get()) != '\n'; ) {
            if (b.length() > 256) throw new IOException("pickle global name longer than 256 characters");
            b.append((char) (c & 0xff));
        }
        return b.toString();
    }

    /** Little-endian two's complement, as LONG1/LONG4 store it. */
    private static Object longOf(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int k = 0; k < le.length; k++) be[k] = le[le.length - 1 - k];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
