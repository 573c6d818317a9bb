package io.flowsim.plugin.sglang;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class TraceCollectorTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private Path trace(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.write(file, gzip(text));
    }

    @Test
    void onlyFilesCreatedOrChangedAfterTheSnapshotAreNew() throws Exception {
        Path kept = trace("1-TP-0.trace.json.gz", "{}");
        Path rewritten = trace("sub/2-TP-1.trace.json.gz", "{}");
        Path touched = trace("3-TP-2.trace.json.gz", "{}");
        Files.setLastModifiedTime(touched, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.writeString(dir.resolve("notes.txt"), "not a trace");
        TraceCollector collector = TraceCollector.snapshot(dir);
        assertThat(collector.existingCount()).isEqualTo(3);
        assertThat(collector.newTraces()).isEmpty();

        Path created = trace("deep/er/4-TP-3.trace.json.gz", "{\"a\":1}");
        Files.write(rewritten, gzip("{\"longer\": \"content\"}"));
        Files.setLastModifiedTime(touched, FileTime.from(Instant.parse("2021-01-01T00:00:00Z")));
        Files.writeString(dir.resolve("5-TP-0.trace.json"), "{}");

        assertThat(collector.newTraces().keySet()).containsExactlyInAnyOrder(created, rewritten, touched);
        assertThat(collector.newTraces()).doesNotContainKey(kept);
    }

    @Test
    void returnsCompleteFilesSortedByRankAfterTheQuietPeriod() throws Exception {
        TraceCollector collector = TraceCollector.snapshot(dir);
        Path r10 = trace("x-TP-10.trace.json.gz", "{}");
        Path r2 = trace("x-TP-2.trace.json.gz", "{}");
        Path unnamed = trace("other.trace.json.gz", "{}");
        long start = System.nanoTime();

        TraceCollector.Collected c = collector.await(Duration.ofSeconds(30), QUIET, OptionalInt.empty(), s -> { });

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(QUIET);
        assertThat(c.complete()).containsExactly(r2, r10, unnamed);
        assertThat(c.incomplete()).isEmpty();
        assertThat(c.missingRanks()).isEmpty();
    }

    @Test
    void aTruncatedGzipIsIncompleteAndLeftOutAtTheDeadline() throws Exception {
        TraceCollector collector = TraceCollector.snapshot(dir);
        Path good = trace("t-TP-0.trace.json.gz", "{\"traceEvents\": []}");
        byte[] whole = gzip("{\"traceEvents\": [" + "{},".repeat(10_000) + "{}]}");
        Path truncated = Files.write(dir.resolve("t-TP-1.trace.json.gz"), Arrays.copyOf(whole, whole.length / 2));

        TraceCollector.Collected c = collector.await(Duration.ofSeconds(1), QUIET, OptionalInt.of(2), s -> { });

        assertThat(c.complete()).containsExactly(good);
        assertThat(c.incomplete()).containsExactly(truncated);
        assertThat(TraceCollector.isCompleteGzip(truncated)).isFalse();
    }

    @Test
    void waitsForMissingRanksUntilTheyArriveOrTheDeadline() throws Exception {
        TraceCollector collector = TraceCollector.snapshot(dir);
        trace("t-TP-0.trace.json.gz", "{}");
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(3 * QUIET.toMillis());
                trace("t-TP-1.trace.json.gz", "{}");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();
        TraceCollector.Collected c = collector.await(Duration.ofSeconds(30), QUIET, OptionalInt.of(2), s -> { });
        late.join();
        assertThat(c.complete()).extracting(p -> p.getFileName().toString())
                .containsExactly("t-TP-0.trace.json.gz", "t-TP-1.trace.json.gz");

        TraceCollector next = TraceCollector.snapshot(dir);
        trace("u-TP-0.trace.json.gz", "{}");
        TraceCollector.Collected partial = next.await(Duration.ofSeconds(1), QUIET, OptionalInt.of(4), s -> { });
        assertThat(partial.complete()).hasSize(1);
        assertThat(partial.missingRanks()).isEqualTo(Set.of(1, 2, 3));
    }

    @Test
    void nothingNewReturnsEmptyAtTheDeadline() throws Exception {
        trace("old-TP-0.trace.json.gz", "{}");
        TraceCollector collector = TraceCollector.snapshot(dir);
        TraceCollector.Collected c = collector.await(Duration.ofMillis(500), QUIET, OptionalInt.of(1), s -> { });
        assertThat(c.complete()).isEmpty();
        assertThat(c.incomplete()).isEmpty();
    }

    @Test
    void gzipCheck() throws Exception {
        assertThat(TraceCollector.isCompleteGzip(Files.write(dir.resolve("a.gz"), gzip("{}")))).isTrue();
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.write(gzip("{\"a\":"));
        two.write(gzip("1}"));
        assertThat(TraceCollector.isCompleteGzip(Files.write(dir.resolve("b.gz"), two.toByteArray()))).isTrue();
        assertThat(TraceCollector.isCompleteGzip(Files.writeString(dir.resolve("c.gz"), "{}"))).isFalse();
        assertThat(TraceCollector.isCompleteGzip(Files.write(dir.resolve("d.gz"), new byte[0]))).isFalse();
        assertThat(TraceCollector.isCompleteGzip(dir.resolve("missing.gz"))).isFalse();
    }
}
