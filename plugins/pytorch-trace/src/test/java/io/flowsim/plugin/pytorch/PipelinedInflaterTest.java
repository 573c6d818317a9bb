package io.flowsim.plugin.pytorch;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The decompressing thread hands what it read, and how it failed, to the reader: an error on that
 * thread (out of memory, typically) reaches the reader instead of leaving it waiting forever.
 */
class PipelinedInflaterTest {

    /** A stream that gives {@code bytes}, then fails with {@code error} (a stand-in for an exhausted heap). */
    private static InputStream failingAfter(byte[] bytes, Error error) {
        return new InputStream() {
            private final InputStream first = new ByteArrayInputStream(bytes);

            @Override
            public int read() throws IOException {
                int b = first.read();
                if (b < 0) {
                    throw error;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = first.read(b, off, len);
                if (n <= 0) {
                    throw error;
                }
                return n;
            }
        };
    }

    @Test
    void anErrorOnTheInflatingThreadReachesTheReader() {
        OutOfMemoryError error = new OutOfMemoryError("Java heap space (stand-in)");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (InputStream in = new PipelinedInflater(failingAfter("{\"traceEvents\": [".getBytes(), error), "t")) {
                assertThatThrownBy(in::readAllBytes).isSameAs(error);
            }
        });
    }

    @Test
    void theBytesComeThroughUnchanged() throws IOException {
        byte[] bytes = new byte[300_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + i / 7);
        }
        try (InputStream in = new PipelinedInflater(new ByteArrayInputStream(bytes), "t")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }
}
