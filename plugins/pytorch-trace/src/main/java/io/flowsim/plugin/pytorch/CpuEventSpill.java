package io.flowsim.plugin.pytorch;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    private final Path file;
    private DataOutputStream out;
    private long records;

    CpuEventSpill() {
        try {
            this.file = Files.createTempFile("flowsim-trace-", ".spill");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for trace parsing"
                    + " (set java.io.tmpdir to a writable directory with free space)", e);
        }
        try {
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write the temporary file " + file, e);
        }
    }

    /** Appends a frame: an {@code X} event on a CPU thread. {@code args} (JSON bytes) may be null. */
    void writeFrame(EventKind kind, int thread, long tsNs, long durNs, int name, long ordinal, long externalId,
                    byte[] args, int argsLength, EventLocation location) throws IOException {
        out.writeByte(FRAME);
        out.writeByte(kind.ordinal());
        out.writeInt(thread);
        out.writeLong(tsNs);
        out.writeLong(durNs);
        out.writeInt(name);
        out.writeLong(ordinal);
        out.writeLong(externalId);
        if (args == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(argsLength);
            out.write(args, 0, argsLength);
            out.writeLong(location.offset());
            out.writeInt(location.line());
            out.writeInt(location.column());
        }
        records++;
    }

    void writeFrame(Frame f) throws IOException {
        writeFrame(f.kind, f.thread, f.tsNs, f.durNs, f.nameId, f.ordinal, f.externalId, f.args,
                f.args == null ? 0 : f.args.length, f.location);
    }

    /** Appends a launch-flow half ({@code s} or {@code f}). */
    void writeFlow(boolean start, long id, int thread, long tsNs, long ordinal) throws IOException {
        out.writeByte(FLOW);
        out.writeBoolean(start);
        out.writeLong(id);
        out.writeInt(thread);
        out.writeLong(tsNs);
        out.writeLong(ordinal);
        records++;
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
        if (out != null) {
            out.close();
            out = null;
        }
    }

    /** A sequential reader of the records; close it after use. */
    RecordReader reader(NameTable names) throws IOException {
        finishWriting();
        return new RecordReader(new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16)),
                names);
    }

    @Override
    public void close() {
        try {
            finishWriting();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a temporary file in java.io.tmpdir
        }
    }

    /** A launch-flow half: {@code s} on the runtime call, {@code f} on the GPU activity; {@code id} = correlation. */
    record Flow(boolean start, long id, int thread, long tsNs, long ordinal) {
    }

    /** Reads records back as {@link Frame} and {@link Flow} objects. */
    final class RecordReader implements AutoCloseable {
        private final DataInputStream in;
        private final NameTable names;
        private final EventKind[] kinds = EventKind.values();

        private RecordReader(DataInputStream in, NameTable names) {
            this.in = in;
            this.names = names;
        }

        /** The next record, or null at the end. */
        Object next() throws IOException {
            int tag;
            try {
                tag = in.readByte();
            } catch (EOFException e) {
                return null;
            }
            if (tag == FRAME) {
                EventKind kind = kinds[in.readByte()];
                int thread = in.readInt();
                long ts = in.readLong();
                long dur = in.readLong();
                int name = in.readInt();
                long ordinal = in.readLong();
                long externalId = in.readLong();
                int length = in.readInt();
                byte[] args = null;
                EventLocation location = null;
                if (length >= 0) {
                    args = new byte[length];
                    in.readFully(args);
                    location = new EventLocation(ordinal, in.readLong(), in.readInt(), in.readInt());
                }
                return new Frame(kind, name, names.name(name), thread, ts, dur, ordinal, externalId, args, location);
            }
            if (tag == FLOW) {
                return new Flow(in.readBoolean(), in.readLong(), in.readInt(), in.readLong(), in.readLong());
            }
            throw new IOException("corrupt temporary file " + file + " (record tag " + tag + ")");
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
