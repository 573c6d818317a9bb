package io.flowsim.plugin.pytorch;

import io.flowsim.api.Progress;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * The spilled frames in {@link Frame#WALK_ORDER} (per thread, by start), in one of three ways:
 *
 * <ul>
 *   <li>a trace whose frames fit one run of at most {@link #RUN_FRAMES} frames is sorted in memory;</li>
 *   <li>a larger trace whose threads' frames come as a few stretches already in walk order (the
 *       spill notes these natural runs as it is written: a profiler writes each thread's operators,
 *       then its python functions, each in start order) is merged straight from the spill, one
 *       cursor per natural run, thread by thread: one read of each frame, nothing sorted or
 *       written again, and no frame lives longer than the walk needs it;</li>
 *   <li>otherwise, by an external merge sort: runs are sorted in memory and written to temporary
 *       files, then merged.</li>
 * </ul>
 *
 * Memory stays bounded by one run plus one frame per run, or one block per natural run of a
 * thread, whatever the trace's size.
 */
final class SortedFrames implements AutoCloseable {

    /** Frames per in-memory run (about 30 MB of heap). */
    static final int RUN_FRAMES = 1 << 18;
    /** Argument bytes per in-memory run. */
    static final long RUN_ARG_BYTES = 32L << 20;

    /** The most natural runs of one thread that are merged from the spill (a block buffer each). */
    static final int MAX_NATURAL_RUNS = 256;

    private final List<CpuEventSpill> runs = new ArrayList<>();
    private final NameTable names;
    private List<Frame> inMemory;
    /** Set when the frames are merged from the spill's natural runs. */
    private CpuEventSpill natural;
    private IntPredicate naturalKeepThread;
    private Predicate<Frame> naturalKeep;
    private Progress naturalProgress;

    private SortedFrames(NameTable names) {
        this.names = names;
    }

    /**
     * Sorts the frames of {@code spill} that {@code keep} accepts (flows are left out); frames of
     * threads that {@code keepThread} rejects are only kept when they carry an External id.
     */
    static SortedFrames sort(CpuEventSpill spill, NameTable names, IntPredicate keepThread, Predicate<Frame> keep,
                             Progress progress) throws IOException {
        return sort(spill, names, keepThread, keep, progress, RUN_FRAMES, RUN_ARG_BYTES, MAX_NATURAL_RUNS);
    }

    /** {@link #sort(CpuEventSpill, NameTable, IntPredicate, Predicate, Progress)} with the run limits given (tests). */
    static SortedFrames sort(CpuEventSpill spill, NameTable names, IntPredicate keepThread, Predicate<Frame> keep,
                             Progress progress, int runFrames, long runArgBytes, int maxNaturalRuns) throws IOException {
        SortedFrames sorted = new SortedFrames(names);
        boolean fitsOneRun = spill.frames() < runFrames && spill.argBytes() < runArgBytes;
        if (!fitsOneRun && spill.mostRunsOfAThread() > 0 && spill.mostRunsOfAThread() <= maxNaturalRuns) {
            sorted.natural = spill;
            sorted.naturalKeepThread = keepThread;
            sorted.naturalKeep = keep;
            sorted.naturalProgress = progress;
            return sorted;
        }
        RunWriter writer = new RunWriter(sorted);
        try {
            List<Frame> run = new ArrayList<>();
            long argBytes = 0;
            try (CpuEventSpill.RecordReader reader = spill.reader(names, keepThread)) {
                Object record;
                long read = 0;
                while ((record = reader.next()) != null) {
                    if ((++read & 0xffff) == 0) {
                        progress.advance(0x10000);
                    }
                    if (!(record instanceof Frame f) || !keep.test(f)) {
                        continue;
                    }
                    run.add(f);
                    argBytes += f.args == null ? 0 : f.args.length;
                    if (run.size() >= runFrames || argBytes >= runArgBytes) {
                        writer.write(run);
                        run = new ArrayList<>();
                        argBytes = 0;
                    }
                }
            }
            if (!writer.started()) {
                run.sort(Frame.WALK_ORDER);
                sorted.inMemory = run;
            } else {
                if (!run.isEmpty()) {
                    writer.write(run);
                }
                writer.finish();
            }
            return sorted;
        } catch (IOException | RuntimeException | Error e) {
            writer.abandon();
            sorted.close();
            throw e;
        }
    }

    /**
     * Sorts and writes full runs on a second thread while the caller reads the next run from the
     * spill: at scale this phase comes after the scan, when the inflater thread has finished and a
     * core is free. At most one run is being written while the next one fills, so memory stays at
     * two runs.
     */
    private static final class RunWriter {
        private final SortedFrames sorted;
        private ExecutorService executor;
        private Future<CpuEventSpill> pending;

        RunWriter(SortedFrames sorted) {
            this.sorted = sorted;
        }

        boolean started() {
            return executor != null;
        }

        void write(List<Frame> run) throws IOException {
            if (executor == null) {
                executor = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "flowsim-sort");
                    t.setDaemon(true);
                    return t;
                });
            }
            await();
            pending = executor.submit(() -> writeRun(run));
        }

        void finish() throws IOException {
            try {
                await();
            } finally {
                shutdown();
            }
        }

        /** After a failure: waits for the run in flight (so that its file is closed with the others), then stops. */
        void abandon() {
            try {
                await();
            } catch (IOException | RuntimeException | Error ignored) {
                // the first failure is the one reported
            } finally {
                shutdown();
            }
        }

        private void await() throws IOException {
            if (pending == null) {
                return;
            }
            Future<CpuEventSpill> done = pending;
            pending = null;
            try {
                sorted.runs.add(getUninterruptibly(done));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }

        private static <T> T getUninterruptibly(Future<T> future) throws ExecutionException {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return future.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void shutdown() {
            if (executor != null) {
                executor.shutdown();
            }
        }
    }

    /** Sorts one run and writes it to a new temporary file, which is deleted if writing fails. */
    private static CpuEventSpill writeRun(List<Frame> run) throws IOException {
        run.sort(Frame.WALK_ORDER);
        CpuEventSpill file = CpuEventSpill.ordered();
        try {
            for (Frame f : run) {
                file.writeFrame(f);
            }
            file.finishWriting();
            return file;
        } catch (IOException | RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /** The frames in walk order; the iterator may throw {@link java.io.UncheckedIOException}. */
    Merged frames() throws IOException {
        return new Merged();
    }

    @Override
    public void close() {
        runs.forEach(CpuEventSpill::close);
        runs.clear();
        inMemory = null;
        natural = null;
    }

    /** A k-way merge of the runs. */
    final class Merged implements Iterator<Frame>, AutoCloseable {
        private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> Frame.compareWalkOrder(a.frame, b.frame));
        private final List<CpuEventSpill.RecordReader> readers = new ArrayList<>();
        private final Iterator<Frame> memory;
        /** Natural runs: the shared channel, the next thread to open, the head taken from the queue, the next frame. */
        private FileChannel channel;
        private int nextThread;
        private Head current;
        private Frame lookahead;
        private long read;

        Merged() throws IOException {
            if (inMemory != null) {
                memory = inMemory.iterator();
                return;
            }
            memory = null;
            if (natural != null) {
                channel = natural.openForRuns();
                lookahead = nextNatural();
                return;
            }
            for (CpuEventSpill run : runs) {
                CpuEventSpill.RecordReader reader = run.reader(names);
                readers.add(reader);
                advance(new Head(reader));
            }
        }

        private void advance(Head head) throws IOException {
            Object next = head.reader.next();
            if (next != null) {
                head.frame = (Frame) next;
                heads.add(head);
            }
        }

        /**
         * The next kept frame of the natural runs: the head taken from the queue goes on while its
         * next frame still comes first (the common case, runs that barely overlap), so the queue is
         * touched only where runs interleave.
         */
        private Frame nextNatural() throws IOException {
            while (true) {
                if (current == null) {
                    current = heads.poll();
                    if (current == null) {
                        if (!openNextThread()) {
                            return null;
                        }
                        continue;
                    }
                }
                Frame f = current.frame;
                Object next = current.reader.next();
                if (next == null) {
                    current = null;
                } else {
                    current.frame = (Frame) next;
                    Head first = heads.peek();
                    if (first != null && Frame.compareWalkOrder(first.frame, current.frame) < 0) {
                        heads.add(current);
                        current = null;
                    }
                }
                if ((++read & 0xffff) == 0) {
                    // the progress total counts every frame twice (read for the sort, then walked): one read here stands for the first
                    naturalProgress.advance(0x10000);
                }
                if (naturalKeep.test(f)) {
                    return f;
                }
            }
        }

        /** Closes the cursors of the thread just merged and opens one per natural run of the next thread with frames. */
        private boolean openNextThread() throws IOException {
            closeReaders();
            while (nextThread < natural.threads()) {
                int thread = nextThread++;
                for (int run = 0; run < natural.runs(thread); run++) {
                    CpuEventSpill.RecordReader reader = natural.runReader(channel, thread, run, names, naturalKeepThread);
                    readers.add(reader);
                    advance(new Head(reader));
                }
                if (!heads.isEmpty()) {
                    return true;
                }
            }
            return false;
        }

        private void closeReaders() throws IOException {
            for (CpuEventSpill.RecordReader r : readers) {
                r.close();
            }
            readers.clear();
        }

        @Override
        public boolean hasNext() {
            return memory != null ? memory.hasNext() : natural != null ? lookahead != null : !heads.isEmpty();
        }

        @Override
        public Frame next() {
            if (memory != null) {
                return memory.next();
            }
            if (natural != null) {
                Frame f = lookahead;
                if (f == null) {
                    throw new NoSuchElementException();
                }
                try {
                    lookahead = nextNatural();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return f;
            }
            Head head = heads.poll();
            if (head == null) {
                throw new NoSuchElementException();
            }
            Frame frame = head.frame;
            try {
                advance(head);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return frame;
        }

        @Override
        public void close() throws IOException {
            try {
                closeReaders();
            } finally {
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }

    private static final class Head {
        final CpuEventSpill.RecordReader reader;
        Frame frame;

        Head(CpuEventSpill.RecordReader reader) {
            this.reader = reader;
        }
    }
}
