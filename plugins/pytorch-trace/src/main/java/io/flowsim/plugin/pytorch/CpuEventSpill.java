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
import java.util.Arrays;
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
    private static final int FRAME_HEADER = 46;
    private static final int FLOW_RECORD = 30;

    private static final int BUFFER = 1 << 18;
    /** The most bytes a stream collects before they are appended to the file as one block. */
    static final int BLOCK = 1 << 17;
    private static final int FIRST_BLOCK = 1 << 12;

    private final Path file;
    /** Whether each thread's frames go to their own stream (the scan's spill) or everything to one (a sorted run). */
    private final boolean byThread;
    private FileChannel channel;
    private long fileLength;
    /** Stream 0: flows (and, when not {@link #byThread}, everything); stream {@code t + 1}: thread {@code t}'s frames. */
    private Stream[] streams = new Stream[8];
    private long records;
    private long frames;
    private long argBytes;
    private int mostRunsOfAThread;

    /** The scan's spill: each thread's frames in their own blocks, with their natural runs noted. */
    CpuEventSpill() {
        this(true);
    }

    private CpuEventSpill(boolean byThread) {
        this.byThread = byThread;
        try {
            this.file = TemporaryFiles.register(Files.createTempFile("flowsim-trace-", ".spill"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for trace parsing"
                    + " (set java.io.tmpdir to a writable directory with free space)", e);
        }
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write the temporary file " + file, e);
        }
    }

    /** A spill whose records are read back in the order written (a sorted run of {@link SortedFrames}). */
    static CpuEventSpill ordered() {
        return new CpuEventSpill(false);
    }

    /**
     * The records of one stream not yet appended ({@code out[0, outLength)}, plain array stores,
     * see {@link RecordReader}), the blocks already appended, and the stream's natural runs: the
     * stretches of frames already in {@link Frame#WALK_ORDER}. A record never crosses a block.
     */
    private static final class Stream {
        byte[] out = new byte[FIRST_BLOCK];
        int outLength;
        long[] blockOffsets = new long[8];
        int[] blockLengths = new int[8];
        int blocks;
        /** Run {@code r} starts in block {@code runBlocks[r]} at {@code runOffsets[r]} and has {@code runRecords[r]} frames. */
        int[] runBlocks = new int[2];
        int[] runOffsets = new int[2];
        long[] runRecords = new long[2];
        int runs;
        long lastTs;
        long lastDur;
        long lastOrdinal;
    }

    private Stream stream(int index) {
        if (index >= streams.length) {
            streams = Arrays.copyOf(streams, Math.max(index + 1, streams.length * 2));
        }
        Stream s = streams[index];
        if (s == null) {
            s = streams[index] = new Stream();
        }
        return s;
    }

    /** Appends a frame: an {@code X} event on a CPU thread. {@code args} (JSON bytes) may be null. */
    void writeFrame(EventKind kind, int thread, long tsNs, long durNs, int name, long ordinal, long externalId,
                    byte[] args, int argsLength, EventLocation location) throws IOException {
        Stream s = stream(byThread ? thread + 1 : 0);
        room(s, FRAME_HEADER + (args == null ? 0 : argsLength + 16));
        if (s.runs == 0 || tsNs < s.lastTs || tsNs == s.lastTs && (durNs > s.lastDur
                || durNs == s.lastDur && ordinal < s.lastOrdinal)) {
            startRun(s);
        }
        s.runRecords[s.runs - 1]++;
        s.lastTs = tsNs;
        s.lastDur = durNs;
        s.lastOrdinal = ordinal;
        byte[] out = s.out;
        int i = s.outLength;
        out[i++] = FRAME;
        out[i++] = (byte) kind.ordinal();
        i = putInt(out, i, thread);
        i = putLong(out, i, tsNs);
        i = putLong(out, i, durNs);
        i = putInt(out, i, name);
        i = putLong(out, i, ordinal);
        i = putLong(out, i, externalId);
        if (args == null) {
            i = putInt(out, i, -1);
        } else {
            i = putInt(out, i, argsLength);
            System.arraycopy(args, 0, out, i, argsLength);
            i += argsLength;
            i = putLong(out, i, location.offset());
            i = putInt(out, i, location.line());
            i = putInt(out, i, location.column());
            argBytes += argsLength;
        }
        s.outLength = i;
        records++;
        frames++;
    }

    private void startRun(Stream s) {
        if (s.runs == s.runBlocks.length) {
            int n = s.runs * 2;
            s.runBlocks = Arrays.copyOf(s.runBlocks, n);
            s.runOffsets = Arrays.copyOf(s.runOffsets, n);
            s.runRecords = Arrays.copyOf(s.runRecords, n);
        }
        s.runBlocks[s.runs] = s.blocks;
        s.runOffsets[s.runs] = s.outLength;
        s.runRecords[s.runs] = 0;
        s.runs++;
        if (byThread && s.runs > mostRunsOfAThread) {
            mostRunsOfAThread = s.runs;
        }
    }

    void writeFrame(Frame f) throws IOException {
        writeFrame(f.kind, f.thread, f.tsNs, f.durNs, f.nameId, f.ordinal, f.externalId, f.args,
                f.args == null ? 0 : f.args.length, f.location);
    }

    /** Appends a launch-flow half ({@code s} or {@code f}). */
    void writeFlow(boolean start, long id, int thread, long tsNs, long ordinal) throws IOException {
        Stream s = stream(0);
        room(s, FLOW_RECORD);
        byte[] out = s.out;
        int i = s.outLength;
        out[i++] = FLOW;
        out[i++] = (byte) (start ? 1 : 0);
        i = putLong(out, i, id);
        i = putInt(out, i, thread);
        i = putLong(out, i, tsNs);
        i = putLong(out, i, ordinal);
        s.outLength = i;
        records++;
    }

    /** Big-endian, as {@link ByteBuffer} wrote them before. */
    private static int putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
        return i + 4;
    }

    private static int putLong(byte[] b, int i, long v) {
        putInt(b, i, (int) (v >>> 32));
        return putInt(b, i + 4, (int) v);
    }

    /** Makes room for a record of {@code bytes} in the stream's buffer, appending what it holds as a block first if needed. */
    private void room(Stream s, int bytes) {
        if (s.out.length - s.outLength >= bytes) {
            return;
        }
        if (s.outLength > 0) {
            flush(s);
        }
        int size = Math.max(bytes, Math.min(BLOCK, s.out.length * 2));
        if (size != s.out.length) {
            s.out = new byte[size];
        }
    }

    /**
     * Appends the stream's buffer to the file as one block. A failure here is the disk's (full, or
     * a file-size limit), never the trace's: it is reported as an unchecked error naming the
     * temporary file, not as a read error.
     */
    private void flush(Stream s) {
        ByteBuffer pending = ByteBuffer.wrap(s.out, 0, s.outLength);
        try {
            while (pending.hasRemaining()) {
                channel.write(pending);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the temporary file " + file + " that trace parsing needs"
                    + " (free space in java.io.tmpdir, or point it elsewhere with FLOWSIM_OPTS=-Djava.io.tmpdir=DIR)", e);
        }
        if (s.blocks == s.blockOffsets.length) {
            s.blockOffsets = Arrays.copyOf(s.blockOffsets, s.blocks * 2);
            s.blockLengths = Arrays.copyOf(s.blockLengths, s.blocks * 2);
        }
        s.blockOffsets[s.blocks] = fileLength;
        s.blockLengths[s.blocks] = s.outLength;
        s.blocks++;
        fileLength += s.outLength;
        s.outLength = 0;
    }

    long records() {
        return records;
    }

    /** Frames written (flows not counted). */
    long frames() {
        return frames;
    }

    /** Bytes of operator args in the frames written. */
    long argBytes() {
        return argBytes;
    }

    /** The natural runs of the thread that has the most; 0 for a spill of sorted runs. */
    int mostRunsOfAThread() {
        return mostRunsOfAThread;
    }

    /** One more than the largest thread id with frames in a by-thread spill. */
    int threads() {
        return byThread ? Math.max(0, streams.length - 1) : 0;
    }

    /** The natural runs of {@code thread}'s frames, in file order. */
    int runs(int thread) {
        Stream s = thread + 1 < streams.length ? streams[thread + 1] : null;
        return s == null ? 0 : s.runs;
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
                for (Stream s : streams) {
                    if (s != null && s.outLength > 0) {
                        flush(s);
                    }
                }
            } finally {
                channel.close();
                channel = null;
                for (Stream s : streams) {
                    if (s != null) {
                        s.out = null;
                    }
                }
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
        return new RecordReader(FileChannel.open(file, StandardOpenOption.READ), true, names, keepThread, null, 0, 0,
                Long.MAX_VALUE);
    }

    /** A channel for {@link #runReader}s (positional reads, shared); the caller closes it. */
    FileChannel openForRuns() throws IOException {
        finishWriting();
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * A reader of one natural run of {@code thread}'s frames (in walk order), through {@code in}
     * from {@link #openForRuns()}, which it does not close.
     */
    RecordReader runReader(FileChannel in, int thread, int run, NameTable names, IntPredicate keepThread) {
        Stream s = streams[thread + 1];
        return new RecordReader(in, false, names, keepThread, s, s.runBlocks[run], s.runOffsets[run], s.runRecords[run]);
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
        private final boolean ownsChannel;
        private final NameTable names;
        private final IntPredicate keepThread;
        private final EventKind[] kinds = EventKind.values();
        /** Null for a sequential read of the file; else the stream whose blocks are read from {@link #nextBlock}. */
        private final Stream blocks;
        private int nextBlock;
        /** Where in the next block loaded to start: the run's offset in its first block. */
        private int enterAt;
        /** Records still to read (frames of rejected threads included). */
        private long remaining;
        private byte[] bytes;
        private ByteBuffer buffer;
        /** The unread bytes are {@code bytes[at, end)}. */
        private int at;
        private int end;

        private RecordReader(FileChannel in, boolean ownsChannel, NameTable names, IntPredicate keepThread,
                             Stream blocks, int firstBlock, int firstOffset, long records) {
            this.in = in;
            this.ownsChannel = ownsChannel;
            this.names = names;
            this.keepThread = keepThread;
            this.blocks = blocks;
            this.nextBlock = firstBlock;
            this.remaining = records;
            this.enterAt = firstOffset;
            if (blocks == null) {
                bytes = new byte[BUFFER];
            } else {
                bytes = new byte[FIRST_BLOCK];
            }
            buffer = ByteBuffer.wrap(bytes);
        }

        /** Loads the next block of the stream whole; a run's first block is entered at its offset. */
        private boolean nextBlock() throws IOException {
            if (at < end) {
                throw new IOException("corrupt temporary file " + file + " (a record crosses a block)");
            }
            if (nextBlock >= blocks.blocks) {
                return false;
            }
            int length = blocks.blockLengths[nextBlock];
            long offset = blocks.blockOffsets[nextBlock];
            nextBlock++;
            if (bytes.length < length) {
                bytes = new byte[Math.max(length, Math.min(BLOCK, bytes.length * 2))];
                buffer = ByteBuffer.wrap(bytes);
            }
            buffer.clear().limit(length);
            int read = 0;
            while (read < length) {
                int n = in.read(buffer, offset + read);
                if (n < 0) {
                    throw new EOFException("truncated temporary file " + file);
                }
                read += n;
            }
            at = enterAt;
            enterAt = 0;
            end = length;
            return true;
        }

        /** Makes {@code count} bytes available; false at a clean end of file. */
        private boolean fill(int count) throws IOException {
            if (end - at >= count) {
                return true;
            }
            if (blocks != null) {
                if (!nextBlock()) {
                    return false;
                }
                if (end - at < count) {
                    throw new EOFException("truncated temporary file " + file);
                }
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
            while (remaining > 0 && fill(1)) {
                remaining--;
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
            if (ownsChannel) {
                in.close();
            }
        }
    }
}
