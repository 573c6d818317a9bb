package io.flowsim.plugin.pytorch;

import io.flowsim.api.TraceSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which JSON files are PyTorch-profiler traces at all ({@link PyTorchTraceSource#whyNotATrace}, the rule a
 * {@code --trace-dir} listing asks for), on hand-made files (tiny documents written here, named for what
 * they stand for): only a complete JSON document without {@code "traceEvents"} that is not an array is
 * not one; a damaged file is, so that reading it fails with this source's message naming the file.
 */
class TraceTopLevelTest {

    private final TraceSource source = new PyTorchTraceSource();

    @TempDir
    Path dir;

    @Test
    void aCompleteDocumentWithoutTraceEventsIsNotATraceAndTheReasonNamesItsKeys() throws IOException {
        Path sidecar = Files.writeString(dir.resolve("a.meta.json"),
                "{\"description\": \"x\", \"trace_file\": \"a.trace.json.gz\", \"nested\": {\"traceEvents\": []}}");
        Path gzSidecar = gzip(dir.resolve("e.meta.json.gz"), "{\"model\": \"m\"}");
        Path manyKeys = Files.writeString(dir.resolve("config.json"),
                "{\"a\": 1, \"b\": [1, {\"c\": 2}], \"d\": null, \"e\": \"x\", \"f\": true, \"g\": {}, \"h\": 0}");
        Path emptyObject = Files.writeString(dir.resolve("empty-object.json"), "{ }");

        assertThat(why(sidecar)).contains("not a profiler trace (a JSON document with no"
                + " \"traceEvents\"; top-level keys: description, trace_file, nested)");
        assertThat(why(gzSidecar)).contains("not a profiler trace (a JSON document with no"
                + " \"traceEvents\"; top-level keys: model)");
        assertThat(why(manyKeys)).contains("not a profiler trace (a JSON document with no"
                + " \"traceEvents\"; top-level keys: a, b, d, e, f and 2 more)");
        assertThat(why(emptyObject)).contains("not a profiler trace (a JSON document with no"
                + " \"traceEvents\"; an empty object)");
    }

    /** A key's control characters are escaped as the runtime prints them, not lost as '?'. */
    @Test
    void controlCharactersInAKeyAreEscapedNotReplaced() throws IOException {
        // JSON escapes in the file: a newline, a tab, ESC, a C1 control (NEL) and a line separator in the keys
        Path odd = Files.writeString(dir.resolve("odd.json"),
                "{\"a\\nb\": 1, \"c\\td\": 2, \"\\u001b[31mred\": 3, \"e\\u0085f\": 4, \"g\\u2028h\": 5}");

        assertThat(why(odd)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("top-level keys: a\\nb, c\\td, \\u001b[31mred, e\\u0085f, g\\u2028h)")
                .doesNotContain("?")
                .doesNotContainPattern("[\\p{Cc}\u2028\u2029]"));
    }

    @Test
    void aLoneValueIsNotATrace() throws IOException {
        assertThat(why(Files.writeString(dir.resolve("count.json"), "42")))
                .contains("not a profiler trace (a JSON number, not an object with \"traceEvents\")");
        assertThat(why(Files.writeString(dir.resolve("name.json"), "\"x\"")))
                .contains("not a profiler trace (a JSON string, not an object with \"traceEvents\")");
        assertThat(why(Files.writeString(dir.resolve("null.json"), "null")))
                .contains("not a profiler trace (a JSON null, not an object with \"traceEvents\")");
    }

    @Test
    void bothFormsOfATraceAreTraces() throws IOException {
        assertThat(why(Files.writeString(dir.resolve("b-rank0.json"), "{\"schemaVersion\": 1, \"traceEvents\": []}")))
                .isEmpty();
        assertThat(why(Files.writeString(dir.resolve("c-array.json"), "[{\"ph\": \"X\"}]"))).isEmpty();
        // judged at "traceEvents": what follows (here cut off) is the reader's to check
        assertThat(why(gzip(dir.resolve("d-rank1.json.gz"), "{\"traceEvents\": [{\"ph\": \"X\""))).isEmpty();
    }

    /** Empty, truncated, not JSON, not gzip: the reader names what broke, so these count as traces. */
    @Test
    void aDamagedFileIsATraceForTheReaderToReport() throws IOException {
        assertThat(why(Files.writeString(dir.resolve("a-empty.json"), ""))).isEmpty();
        assertThat(why(Files.writeString(dir.resolve("b-truncated.json"), "{\"schemaVersion\": 1, \"device")))
                .isEmpty();
        assertThat(why(Files.writeString(dir.resolve("c-junk.json"), "this is not JSON"))).isEmpty();
        assertThat(why(Files.write(dir.resolve("d-bad.json.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}))).isEmpty();
    }

    /** The caller closes the stream (a Hadoop file system's, in the Spark job): judging it leaves it open. */
    @Test
    void theStreamIsLeftForTheCallerToClose() {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new ByteArrayInputStream("{\"model\": \"m\"}".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                closed.set(true);
            }
        };

        assertThat(source.whyNotATrace("m.json", in)).isPresent();
        assertThat(closed).isFalse();
    }

    private Optional<String> why(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return source.whyNotATrace(file.getFileName().toString(), in);
        }
    }

    private static Path gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
