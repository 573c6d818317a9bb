package io.flowsim.plugin.pytorch;

import io.flowsim.api.TemporaryFiles;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntPredicate;

/**
 * A temporary file of compact binary records for CPU-side events that can only be used once the
 * whole trace has been read: operators, annotations and python frames ({@link Frame}s) and launch
 * flow halves ({@link Flow}s). Kernels and their launch calls may come anywhere in a trace, so
 * the frames around a launch cannot be chosen while streaming; keeping them here instead of on
 * the heap keeps memory proportional to the kernels, not to the events (94 % of a
 * {@code with_stack} trace are python frames). The same format holds the sorted runs of
 * {@link SortedFrames}.
 *
 * <p>Write everything, then read sequentially (any number of times). Names are stored as indices
 * into the trace's {@link NameTable}. The file is deleted on {@link #close()}.
 */
final class CpuEventSpill implements AutoCloseable {

    private static final byte FRAME = 1;
    private static final byte FLOW = 2;

    private static final int BUFFER = 1 << 18;

    private final Path file;
    private FileChannel channel;
    /** The records not yet written out: {@code out[0, outLength)}; plain array stores, see {@link RecordReader}. */
    private byte[] out;
    private int outLength;
    private long records;

    CpuEventSpill() {
        try {
            this.file = TemporaryFiles.register(Files.createTempFile("flowsim-trace-", ".spill"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for trace parsing"
                    + " (set java.io.tmpdir to a writable directory with free space)", e);
        }
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
            this.out = new byte[BUFFER];
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write the temporary file " + file, e);
        }
    }

    /** Appends a frame: an {@code X} event on a CPU thread. {@code args} (JSON bytes) may be null. */
    void writeFrame(EventKind kind, int thread, long tsNs, long durNs, int name, long ordinal, long externalId,
                    byte[] args, int argsLength, EventLocation location) throws IOException {
        room(46);
        out[outLength++] = FRAME;
        out[outLength++] = (byte) kind.ordinal();
        putInt(thread);
        putLong(tsNs);
        putLong(durNs);
        putInt(name);
        putLong(ordinal);
        putLong(externalId);
        if (args == null) {
            putInt(-1);
        } else {
            putInt(argsLength);
            for (int written = 0; written < argsLength; ) {
                room(1);
                int n = Math.min(out.length - outLength, argsLength - written);
                System.arraycopy(args, written, out, outLength, n);
                outLength += n;
                written += n;
            }
            room(16);
            putLong(location.offset());
            putInt(location.line());
            putInt(location.column());
        }
        records++;
    }

    void writeFrame(Frame f) throws IOException {
        writeFrame(f.kind, f.thread, f.tsNs, f.durNs, f.nameId, f.ordinal, f.externalId, f.args,
                f.args == null ? 0 : f.args.length, f.location);
    }

    /** Appends a launch-flow half ({@code s} or {@code f}). */
    void writeFlow(boolean start, long id, int thread, long tsNs, long ordinal) throws IOException {
        room(30);
        out[outLength++] = FLOW;
        out[outLength++] = (byte) (start ? 1 : 0);
        putLong(id);
        putInt(thread);
        putLong(tsNs);
        putLong(ordinal);
        records++;
    }

    /** Big-endian, as {@link ByteBuffer} wrote them before. */
    private void putInt(int v) {
        byte[] b = out;
        int i = outLength;
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
        outLength = i + 4;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void room(int bytes) throws IOException {
        if (out.length - outLength < bytes) {
            flush();
        }
    }

    /**
     * Writes the buffer out. A failure here is the disk's (full, or a file-size limit), never the
     * trace's: it is reported as an unchecked error naming the temporary file, not as a read error.
     */
    private void flush() {
        ByteBuffer pending = ByteBuffer.wrap(out, 0, outLength);
        try {
            while (pending.hasRemaining()) {
                channel.write(pending);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the temporary file " + file + " that trace parsing needs"
                    + " (free space in java.io.tmpdir, or point it elsewhere with FLOWSIM_OPTS=-Djava.io.tmpdir=DIR)", e);
        }
        outLength = 0;
    }

    long records() {
        return records;
    }

    /** The file's size in bytes, once {@link #finishWriting()} was called. */
    long bytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Flushes and closes the writer; the records can then be read. */
    void finishWriting() throws IOException {
        if (channel != null) {
            try {
                flush();
            } finally {
                channel.close();
                channel = null;
                out = null;
            }
        }
    }

    /** A sequential reader of the records; close it after use. */
    RecordReader reader(NameTable names) throws IOException {
        return reader(names, thread -> true);
    }

    /** A reader that skips the frames of threads {@code keepThread} rejects without building them. */
    RecordReader reader(NameTable names, IntPredicate keepThread) throws IOException {
        finishWriting();
        return new RecordReader(FileChannel.open(file, StandardOpenOption.READ), names, keepThread);
    }

    @Override
    public void close() {
        try {
            finishWriting();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        channel = null;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a temporary file in java.io.tmpdir
        }
        TemporaryFiles.release(file);
    }

    /** A launch-flow half: {@code s} on the runtime call, {@code f} on the GPU activity; {@code id} = correlation. */
    record Flow(boolean start, long id, int thread, long tsNs, long ordinal) {
    }

    /**
     * Reads records back as {@link Frame} and {@link Flow} objects. It decodes from a plain byte
     * array rather than through {@link ByteBuffer}'s getters: every spilled frame is read here once
     * or twice, and under the launcher's C1 compiler each buffer getter is a chain of calls.
     */
    final class RecordReader implements AutoCloseable {
        private final FileChannel in;
        private final NameTable names;
        private final IntPredicate keepThread;
        private final EventKind[] kinds = EventKind.values();
        private final byte[] bytes = new byte[BUFFER];
        private final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        /** The unread bytes are {@code bytes[at, end)}. */
        private int at;
        private int end;

        private RecordReader(FileChannel in, NameTable names, IntPredicate keepThread) {
            this.in = in;
            this.names = names;
            this.keepThread = keepThread;
        }

        /** Makes {@code count} bytes available; false at a clean end of file. */
        private boolean fill(int count) throws IOException {
            if (end - at >= count) {
                return true;
            }
            int left = end - at;
            System.arraycopy(bytes, at, bytes, 0, left);
            at = 0;
            end = left;
            buffer.clear().position(left);
            while (end < count) {
                int n = in.read(buffer);
                if (n < 0) {
                    if (end > 0) {
                        throw new EOFException("truncated temporary file " + file);
                    }
                    return false;
                }
                end += n;
            }
            return true;
        }

        private void need(int count) throws IOException {
            if (!fill(count)) {
                throw new EOFException("truncated temporary file " + file);
            }
        }

        private int int32() {
            byte[] b = bytes;
            int i = at;
            at = i + 4;
            return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
        }

        private long int64() {
            long high = int32();
            return high << 32 | (int32() & 0xffffffffL);
        }

        /** The next record (a kept frame or a flow), or null at the end. */
        Object next() throws IOException {
            while (fill(1)) {
                byte tag = bytes[at++];
                if (tag == FRAME) {
                    need(45);
                    EventKind kind = kinds[bytes[at++]];
                    int thread = int32();
                    long ts = int64();
                    long dur = int64();
                    int name = int32();
                    long ordinal = int64();
                    long externalId = int64();
                    int length = int32();
                    boolean keep = keepThread.test(thread) || Ids.present(externalId);
                    byte[] args = null;
                    EventLocation location = null;
                    if (length >= 0) {
                        if (keep) {
                            args = new byte[length];
                        }
                        for (int read = 0; read < length; ) {
                            need(1);
                            int n = Math.min(end - at, length - read);
                            if (keep) {
                                System.arraycopy(bytes, at, args, read, n);
                            }
                            at += n;
                            read += n;
                        }
                        need(16);
                        location = new EventLocation(ordinal, int64(), int32(), int32());
                    }
                    if (keep) {
                        return new Frame(kind, name, names.name(name), thread, ts, dur, ordinal, externalId, args,
                                location);
                    }
                } else if (tag == FLOW) {
                    need(29);
                    boolean start = bytes[at++] != 0;
                    return new Flow(start, int64(), int32(), int64(), int64());
                } else {
                    throw new IOException("corrupt temporary file " + file + " (record tag " + tag + ")");
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
