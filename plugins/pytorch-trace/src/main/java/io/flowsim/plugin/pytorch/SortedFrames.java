package io.flowsim.plugin.pytorch;

import io.flowsim.api.Progress;

import java.io.IOException;
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
 * The spilled frames in {@link Frame#WALK_ORDER} (per thread, by start), by an external merge
 * sort: runs of at most {@link #RUN_FRAMES} frames are sorted in memory and written to temporary
 * files, then merged. A trace whose frames fit one run is never written again. Memory stays
 * bounded by one run plus one frame per run, whatever the trace's size.
 */
final class SortedFrames implements AutoCloseable {

    /** Frames per in-memory run (about 30 MB of heap). */
    static final int RUN_FRAMES = 1 << 18;
    /** Argument bytes per in-memory run. */
    static final long RUN_ARG_BYTES = 32L << 20;

    private final List<CpuEventSpill> runs = new ArrayList<>();
    private final NameTable names;
    private List<Frame> inMemory;

    private SortedFrames(NameTable names) {
        this.names = names;
    }

    /**
     * Sorts the frames of {@code spill} that {@code keep} accepts (flows are left out); frames of
     * threads that {@code keepThread} rejects are only kept when they carry an External id.
     */
    static SortedFrames sort(CpuEventSpill spill, NameTable names, IntPredicate keepThread, Predicate<Frame> keep,
                             Progress progress) throws IOException {
        return sort(spill, names, keepThread, keep, progress, RUN_FRAMES, RUN_ARG_BYTES);
    }

    /** {@link #sort(CpuEventSpill, NameTable, IntPredicate, Predicate, Progress)} with the run limits given (tests). */
    static SortedFrames sort(CpuEventSpill spill, NameTable names, IntPredicate keepThread, Predicate<Frame> keep,
                             Progress progress, int runFrames, long runArgBytes) throws IOException {
        SortedFrames sorted = new SortedFrames(names);
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
        CpuEventSpill file = new CpuEventSpill();
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
    }

    /** A k-way merge of the runs. */
    final class Merged implements Iterator<Frame>, AutoCloseable {
        private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> Frame.compareWalkOrder(a.frame, b.frame));
        private final List<CpuEventSpill.RecordReader> readers = new ArrayList<>();
        private final Iterator<Frame> memory;

        Merged() throws IOException {
            if (inMemory != null) {
                memory = inMemory.iterator();
                return;
            }
            memory = null;
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

        @Override
        public boolean hasNext() {
            return memory != null ? memory.hasNext() : !heads.isEmpty();
        }

        @Override
        public Frame next() {
            if (memory != null) {
                return memory.next();
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
            for (CpuEventSpill.RecordReader r : readers) {
                r.close();
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
