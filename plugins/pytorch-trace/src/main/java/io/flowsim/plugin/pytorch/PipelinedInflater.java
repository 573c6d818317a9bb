package io.flowsim.plugin.pytorch;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Decompresses a gzip stream on a background thread, handing chunks of JSON to the reader through
 * a small bounded queue, so that inflating overlaps tokenizing (like {@code pigz -d | parser}).
 * A decompression error (a truncated or corrupt file) surfaces to the reader, after the data that
 * was good, as the same {@link IOException}. At most {@code QUEUED + 2} chunks are in memory.
 */
final class PipelinedInflater extends InputStream {

    private static final int CHUNK = 1 << 18;
    private static final int QUEUED = 8;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED);
    /**
     * Chunks the reader has finished with, for the worker to fill again: without them a 2 GB trace
     * allocates 2 GB of short-lived chunks, and the young collections that go with it.
     */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(QUEUED + 2);
    private final Thread worker;
    private volatile boolean closed;
    /** An error of the worker (out of memory), set before it tries to queue it. */
    private volatile Error failure;
    private byte[] current = new byte[0];
    private int position;
    private int limit;
    private boolean finished;

    /** Starts inflating {@code gzip} (the decompressing stream, read only by the worker). */
    PipelinedInflater(InputStream gzip, String name) {
        this.worker = new Thread(() -> run(gzip), "flowsim-inflate " + name);
        worker.setDaemon(true);
        worker.start();
    }

    private void run(InputStream gzip) {
        try (InputStream in = gzip) {
            while (!closed) {
                byte[] chunk = free.poll();
                if (chunk == null) {
                    chunk = new byte[CHUNK];
                }
                int filled = 0;
                int n;
                while (filled < CHUNK && (n = in.read(chunk, filled, CHUNK - filled)) > 0) {
                    filled += n;
                }
                if (filled > 0) {
                    put(new Chunk(chunk, filled));
                }
                if (filled < CHUNK) {
                    put(END);
                    return;
                }
            }
        } catch (IOException e) {
            put(e);
        } catch (RuntimeException e) {
            put(new IOException(e.toString(), e));
        } catch (Error e) {
            // out of memory, typically: handed to the reader, which would otherwise wait forever. The
            // field needs no allocation; the queue is tried too, and may fail on a full heap.
            failure = e;
            try {
                put(e);
            } catch (Error again) {
                // the reader sees the field
            }
        }
    }

    private void put(Object item) {
        try {
            while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // the reader is busy; wait unless it closed the stream
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean nextChunk() throws IOException {
        if (finished) {
            return false;
        }
        Object item;
        try {
            // not take(): a worker that failed without room to queue its error leaves it in the field
            while ((item = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
                Error e = failure;
                if (e != null && queue.isEmpty()) {
                    item = e;
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the trace");
        }
        if (item instanceof Chunk c) {
            if (current.length == CHUNK) {
                free.offer(current);
            }
            current = c.bytes;
            position = 0;
            limit = c.length;
            return true;
        }
        finished = true;
        if (item instanceof IOException e) {
            throw e;
        }
        if (item instanceof Error e) {
            throw e;
        }
        return false;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !nextChunk()) {
            return -1;
        }
        return current[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == limit && !nextChunk()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        queue.clear();
        worker.interrupt();
    }

    private record Chunk(byte[] bytes, int length) {
    }
}
