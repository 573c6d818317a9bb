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
    private ByteBuffer out;
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
            this.out = ByteBuffer.allocate(BUFFER);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write the temporary file " + file, e);
        }
    }

    /** Appends a frame: an {@code X} event on a CPU thread. {@code args} (JSON bytes) may be null. */
    void writeFrame(EventKind kind, int thread, long tsNs, long durNs, int name, long ordinal, long externalId,
                    byte[] args, int argsLength, EventLocation location) throws IOException {
        room(46);
        out.put(FRAME);
        out.put((byte) kind.ordinal());
        out.putInt(thread);
        out.putLong(tsNs);
        out.putLong(durNs);
        out.putInt(name);
        out.putLong(ordinal);
        out.putLong(externalId);
        if (args == null) {
            out.putInt(-1);
        } else {
            out.putInt(argsLength);
            for (int written = 0; written < argsLength; ) {
                room(1);
                int n = Math.min(out.remaining(), argsLength - written);
                out.put(args, written, n);
                written += n;
            }
            room(16);
            out.putLong(location.offset());
            out.putInt(location.line());
            out.putInt(location.column());
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
        out.put(FLOW);
        out.put((byte) (start ? 1 : 0));
        out.putLong(id);
        out.putInt(thread);
        out.putLong(tsNs);
        out.putLong(ordinal);
        records++;
    }

    private void room(int bytes) throws IOException {
        if (out.remaining() < bytes) {
            flush();
        }
    }

    /**
     * Writes the buffer out. A failure here is the disk's (full, or a file-size limit), never the
     * trace's: it is reported as an unchecked error naming the temporary file, not as a read error.
     */
    private void flush() {
        out.flip();
        try {
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the temporary file " + file + " that trace parsing needs"
                    + " (free space in java.io.tmpdir, or point it elsewhere with FLOWSIM_OPTS=-Djava.io.tmpdir=DIR)", e);
        }
        out.clear();
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

    /** Reads records back as {@link Frame} and {@link Flow} objects. */
    final class RecordReader implements AutoCloseable {
        private final FileChannel in;
        private final NameTable names;
        private final IntPredicate keepThread;
        private final EventKind[] kinds = EventKind.values();
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);

        private RecordReader(FileChannel in, NameTable names, IntPredicate keepThread) {
            this.in = in;
            this.names = names;
            this.keepThread = keepThread;
            buffer.flip();
        }

        /** Makes {@code bytes} bytes available; false at a clean end of file. */
        private boolean fill(int bytes) throws IOException {
            if (buffer.remaining() >= bytes) {
                return true;
            }
            buffer.compact();
            while (buffer.position() < bytes) {
                if (in.read(buffer) < 0) {
                    buffer.flip();
                    if (buffer.hasRemaining()) {
                        throw new EOFException("truncated temporary file " + file);
                    }
                    return false;
                }
            }
            buffer.flip();
            return true;
        }

        private void need(int bytes) throws IOException {
            if (!fill(bytes)) {
                throw new EOFException("truncated temporary file " + file);
            }
        }

        /** The next record (a kept frame or a flow), or null at the end. */
        Object next() throws IOException {
            while (fill(1)) {
                byte tag = buffer.get();
                if (tag == FRAME) {
                    need(45);
                    EventKind kind = kinds[buffer.get()];
                    int thread = buffer.getInt();
                    long ts = buffer.getLong();
                    long dur = buffer.getLong();
                    int name = buffer.getInt();
                    long ordinal = buffer.getLong();
                    long externalId = buffer.getLong();
                    int length = buffer.getInt();
                    boolean keep = keepThread.test(thread) || Ids.present(externalId);
                    byte[] args = null;
                    EventLocation location = null;
                    if (length >= 0) {
                        if (keep) {
                            args = new byte[length];
                        }
                        for (int read = 0; read < length; ) {
                            need(1);
                            int n = Math.min(buffer.remaining(), length - read);
                            if (keep) {
                                buffer.get(args, read, n);
                            } else {
                                buffer.position(buffer.position() + n);
                            }
                            read += n;
                        }
                        need(16);
                        location = new EventLocation(ordinal, buffer.getLong(), buffer.getInt(), buffer.getInt());
                    }
                    if (keep) {
                        return new Frame(kind, name, names.name(name), thread, ts, dur, ordinal, externalId, args,
                                location);
                    }
                } else if (tag == FLOW) {
                    need(29);
                    return new Flow(buffer.get() != 0, buffer.getLong(), buffer.getInt(), buffer.getLong(),
                            buffer.getLong());
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
