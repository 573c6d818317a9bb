package io.flowsim.plugin.pytorch;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A trace file opened for streaming: gzip is recognised by its magic bytes (not by the name) and
 * decompressed on a background thread ({@link PipelinedInflater}) when the trace may use two threads
 * or more ({@link io.flowsim.api.RunContext#threadsPerTrace()}), else on the reading thread, so that
 * traces read in parallel (Spark tasks, {@code --jobs}) use one core each; the bytes read from the
 * file itself are counted for progress and error messages.
 */
final class TraceInput implements AutoCloseable {

    private static final int BUFFER = 1 << 16;
    private static final int INLINE_CHUNK = 1 << 18;

    private final CountingInputStream raw;
    private final InputStream json;
    private final boolean gzip;
    private final long size;

    private TraceInput(CountingInputStream raw, InputStream json, boolean gzip, long size) {
        this.raw = raw;
        this.json = json;
        this.gzip = gzip;
        this.size = size;
    }

    /** Opens {@code file} to be read with the pipelined inflater (merging, which reads one file at a time). */
    static TraceInput open(Path file) throws IOException {
        return open(file, 2);
    }

    /** Opens {@code file}; gzip is inflated on a thread of its own only when {@code threads >= 2}. */
    static TraceInput open(Path file, int threads) throws IOException {
        long size = Files.size(file);
        CountingInputStream raw = new CountingInputStream(Files.newInputStream(file));
        try {
            BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream json = !gzip ? buffered
                    : threads >= 2 ? new PipelinedInflater(new GZIPInputStream(buffered, BUFFER),
                            file.getFileName().toString())
                    // inflated into a large buffer in few long inflate calls, as the pipelined inflater's
                    // 256 KiB chunks are, rather than in one call per read of the parser (8000 bytes)
                    : new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), INLINE_CHUNK);
            return new TraceInput(raw, json, gzip, size);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The JSON text, decompressed when the file is gzip. */
    InputStream json() {
        return json;
    }

    boolean isGzip() {
        return gzip;
    }

    /** The file's size in bytes. */
    long size() {
        return size;
    }

    /** Bytes read from the file so far (compressed bytes for a gzip file). */
    long fileBytesRead() {
        return raw.count;
    }

    @Override
    public void close() throws IOException {
        json.close();
    }

    private static final class CountingInputStream extends FilterInputStream {
        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
