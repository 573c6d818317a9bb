package io.flowsim.runtime.pipeline;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which files of a {@code --trace-dir} are traces, on hand-made files (tiny documents written here, named
 * for what they stand for): only a complete JSON document without {@code "traceEvents"} is skipped; a
 * damaged file stays a trace so that reading it fails with the trace source's message.
 */
class TraceDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aCompleteDocumentWithoutTraceEventsIsSkippedWithItsKeysAndEveryTraceIsKept() throws IOException {
        Path trace = Files.writeString(dir.resolve("b-rank0.json"), "{\"schemaVersion\": 1, \"traceEvents\": []}");
        Path arrayForm = Files.writeString(dir.resolve("c-array.json"), "[{\"ph\": \"X\"}]");
        Path gzTrace = gzip(dir.resolve("d-rank1.json.gz"), "{\"traceEvents\": [{\"ph\": \"X\"");
        Path sidecar = Files.writeString(dir.resolve("a.meta.json"),
                "{\"description\": \"x\", \"trace_file\": \"a.trace.json.gz\", \"nested\": {\"traceEvents\": []}}");
        Path gzSidecar = gzip(dir.resolve("e.meta.json.gz"), "{\"model\": \"m\"}");
        Files.writeString(dir.resolve("notes.txt"), "{\"traceEvents\": []}");

        TraceDirectory.Listing listing = TraceDirectory.list(dir);

        assertThat(listing.traces()).containsExactly(trace, arrayForm, gzTrace);
        assertThat(listing.skipped()).extracting(TraceDirectory.Skipped::file).containsExactly(sidecar, gzSidecar);
        assertThat(listing.skipped().get(0).reason()).isEqualTo("not a profiler trace (a JSON document with no"
                + " \"traceEvents\"; top-level keys: description, trace_file, nested)");
        assertThat(listing.skipped().get(1).reason()).contains("top-level keys: model");
    }

    /** Empty, truncated, not JSON, not gzip: the trace source names what broke, so these stay traces. */
    @Test
    void aDamagedFileIsKeptAsATraceForTheTraceSourceToReport() throws IOException {
        Path empty = Files.writeString(dir.resolve("a-empty.json"), "");
        Path truncated = Files.writeString(dir.resolve("b-truncated.json"), "{\"schemaVersion\": 1, \"device");
        Path notJson = Files.writeString(dir.resolve("c-junk.json"), "this is not JSON");
        Path badGzip = Files.write(dir.resolve("d-bad.json.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});

        assertThat(TraceDirectory.list(dir).traces()).containsExactly(empty, truncated, notJson, badGzip);
        assertThat(TraceDirectory.list(dir).skipped()).isEmpty();
    }

    @Test
    void aFolderWithNoTraceIsAnErrorNamingWhatWasSkipped() throws IOException {
        Files.writeString(dir.resolve("model.meta.json"), "{\"model\": \"llama\"}");
        Files.writeString(dir.resolve("count.json"), "42");

        assertThatThrownBy(() -> TraceDirectory.list(dir)).isInstanceOf(FlowsimException.class)
                .hasMessage("no traces (*.json, *.json.gz) in " + dir + "; skipped 2 JSON files that are not profiler"
                        + " traces, e.g. count.json: not a profiler trace (a JSON number, not an object with"
                        + " \"traceEvents\")")
                .extracting(e -> ((FlowsimException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThatThrownBy(() -> TraceDirectory.list(dir.resolve("absent")))
                .hasMessage("trace directory not found: " + dir.resolve("absent"));
    }

    /** A newline is legal in a file name; the line that lists the file as skipped stays one line. */
    @Test
    void aSkippedFileWhoseNameHoldsANewlineIsListedOnOneLine() throws IOException {
        Files.writeString(dir.resolve("rank0.json"), "{\"traceEvents\": []}");
        Path sidecar;
        try {
            sidecar = Files.writeString(dir.resolve("side\ncar.meta.json"), "{\"model\": \"m\"}");
        } catch (InvalidPathException | IOException e) {
            Assumptions.abort("this file system refuses a newline in a file name: " + e);
            return;
        }

        TraceDirectory.Skipped skipped = TraceDirectory.list(dir).skipped().get(0);

        assertThat(skipped.file()).isEqualTo(sidecar);
        assertThat(skipped.line()).isEqualTo("skipped " + dir.resolve("side?car.meta.json")
                + ": not a profiler trace (a JSON document with no \"traceEvents\"; top-level keys: model)");
    }

    /** The Spark job lists folders of any Hadoop file system by the same rule, from an open stream. */
    @Test
    void aStreamIsJudgedAsAFileIs() throws IOException {
        Path sidecar = gzip(dir.resolve("a.meta.json.gz"), "{\"model\": \"m\"}");
        Path trace = gzip(dir.resolve("b.json.gz"), "{\"traceEvents\": [");

        assertThat(TraceDirectory.notATrace(Files.newInputStream(sidecar))).contains("not a profiler trace (a JSON"
                + " document with no \"traceEvents\"; top-level keys: model)");
        assertThat(TraceDirectory.notATrace(Files.newInputStream(trace))).isEmpty();
    }

    private static Path gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
