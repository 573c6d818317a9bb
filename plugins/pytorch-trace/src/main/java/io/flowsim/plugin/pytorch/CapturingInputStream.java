package io.flowsim.plugin.pytorch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lets the scanner take the raw bytes of a JSON value it has just skipped (an operator's
 * {@code args}) without re-encoding them: it remembers the last {@link #HISTORY} bytes handed to
 * the parser (more than the parser reads ahead) and, while a capture is open, every byte after.
 * Offsets are positions in the stream, as Jackson's byte-based parser reports them.
 */
final class CapturingInputStream extends FilterInputStream {

    static final int HISTORY = 1 << 16;

    private final byte[] history = new byte[HISTORY];
    private long delivered;
    private boolean capturing;
    private long captureStart;
    private byte[] capture = new byte[1 << 12];
    private int captured;

    CapturingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            remember(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    private void remember(byte[] b, int off, int n) {
        if (capturing) {
            append(b, off, n);
        }
        if (n >= HISTORY) {
            System.arraycopy(b, off + n - HISTORY, history, 0, HISTORY);
        } else {
            int at = (int) (delivered % HISTORY);
            int first = Math.min(n, HISTORY - at);
            System.arraycopy(b, off, history, at, first);
            System.arraycopy(b, off + first, history, 0, n - first);
        }
        delivered += n;
    }

    private void append(byte[] b, int off, int n) {
        if (captured + n > capture.length) {
            capture = Arrays.copyOf(capture, Math.max(capture.length * 2, captured + n));
        }
        System.arraycopy(b, off, capture, captured, n);
        captured += n;
    }

    /**
     * Starts capturing at stream position {@code offset}; false when that position is no longer
     * remembered (the caller must then copy the value another way).
     */
    boolean startCapture(long offset) {
        if (offset < 0 || offset > delivered || delivered - offset > HISTORY) {
            return false;
        }
        captured = 0;
        captureStart = offset;
        int length = (int) (delivered - offset);
        if (capture.length < length) {
            capture = new byte[Math.max(length, capture.length * 2)];
        }
        int from = (int) (offset % HISTORY);
        int first = Math.min(length, HISTORY - from);
        System.arraycopy(history, from, capture, 0, first);
        System.arraycopy(history, 0, capture, first, length - first);
        captured = length;
        capturing = true;
        return true;
    }

    /**
     * Ends the capture at stream position {@code endOffset} (exclusive) and returns the number of
     * bytes captured, which {@link #captured()} holds from index 0; -1 if the range is inconsistent.
     */
    int endCapture(long endOffset) {
        capturing = false;
        long length = endOffset - captureStart;
        return length < 0 || length > captured ? -1 : (int) length;
    }

    /** The capture buffer (valid until the next capture). */
    byte[] captured() {
        return capture;
    }
}
