package dev.tessera.ops;

/** A native op failed after its arguments were accepted; carries libtessera's own message. */
public final class NativeOpException extends RuntimeException {
    private final int code;

    NativeOpException(String op, int code, String message) {
        super(op + " failed (code " + code + "): " + message);
        this.code = code;
    }

    /** libtessera's return code (negative). */
    public int code() {
        return code;
    }
}
