package io.flowsim.plugin.pytorch;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Broken inputs, made in the test from the real traces (truncated bytes) or written inline: each
 * gives a {@link ErrorCode#BAD_INPUT} naming the file and where it broke, and leaves no temporary
 * file behind.
 */
class BadInputTest {

    @TempDir
    Path dir;

    private FlowsimException failure(Path file) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Traces.parse(file));
        assertThat(t).isInstanceOf(FlowsimException.class);
        FlowsimException e = (FlowsimException) t;
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(e.code().exitCode()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
        return e;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    /** Cut inside the 10-byte gzip header: the JDK's EOFException has no message at all. */
    @Test
    void gzipCutInsideItsHeader() throws IOException {
        for (byte[] bytes : new byte[][] {{0x1f, (byte) 0x8b}, {0x1f, (byte) 0x8b, 8, 0, 0}}) {
            Path cut = Files.write(dir.resolve("header-" + bytes.length + ".json.gz"), bytes);
            assertThat(failure(cut).getMessage()).isEqualTo(cut + ": the gzip header is truncated or corrupt;"
                    + " the trace is incomplete or not a PyTorch-profiler trace; re-export or re-copy it");
        }
    }

    @Test
    void gzipWithACorruptHeader() throws IOException {
        Path bad = Files.write(dir.resolve("bad.json.gz"), new byte[] {0x1f, (byte) 0x8b, 'g', 'a', 'r', 'b', 'a',
            'g', 'e', '!', '!', '!'});
        assertThat(failure(bad).getMessage()).startsWith(bad + ": the gzip header is truncated or corrupt (")
                .doesNotContain("null");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] real = Files.readAllBytes(SharedData.require(SharedData.H200));
        Path cut = Files.write(dir.resolve("cut.trace.json.gz"), Arrays.copyOf(real, real.length * 3 / 5));
        FlowsimException e = failure(cut);
        assertThat(e.getMessage()).contains("gzip data is truncated or corrupt").contains("compressed bytes")
                .containsPattern("at JSON byte \\d+, line \\d+").containsPattern("; \\d+ events were read before the error");
        long eventsBefore = Long.parseLong(e.getMessage().replaceAll(".*; (\\d+) events were read.*", "$1"));
        assertThat(eventsBefore).isGreaterThan(1000).isLessThan(202_941);
    }

    @Test
    void corruptGzip() throws IOException {
        byte[] real = Files.readAllBytes(SharedData.require(SharedData.SAMPLED_RANK0));
        for (int i = real.length / 2; i < real.length / 2 + 64; i++) {
            real[i] ^= 0x5a;
        }
        Path bad = Files.write(dir.resolve("corrupt.json.gz"), real);
        FlowsimException e = failure(bad);
        assertThat(e.getMessage()).containsAnyOf("gzip data is truncated or corrupt", "malformed JSON");
    }

    @Test
    void truncatedJson() throws IOException {
        byte[] json = gunzip(SharedData.require(SharedData.TRITON_EXAMPLE));
        Path cut = Files.write(dir.resolve("cut.json"), Arrays.copyOf(json, json.length * 7 / 10));
        FlowsimException e = failure(cut);
        assertThat(e.getMessage()).contains("ends early").containsPattern("JSON byte \\d+")
                .contains("events were read before the error");
    }

    @Test
    void truncatedJsonInsideGzipThatIsItselfComplete() throws IOException {
        byte[] json = gunzip(SharedData.require(SharedData.SAMPLED_RANK1));
        Path cut = dir.resolve("cut-but-valid-gzip.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(cut))) {
            out.write(json, 0, json.length / 2);
        }
        assertThat(failure(cut).getMessage()).contains("ends early");
    }

    @Test
    void notJson() throws IOException {
        FlowsimException e = failure(write("hello.json", "hello, I am not a trace"));
        assertThat(e.getMessage()).contains("malformed JSON").contains("JSON byte");
    }

    @Test
    void emptyFile() throws IOException {
        assertThat(failure(write("empty.json", "")).getMessage()).contains("empty");
    }

    @Test
    void topLevelNeitherAnObjectNorAnArray() throws IOException {
        assertThat(failure(write("number.json", "42")).getMessage()).contains("top-level JSON object")
                .contains("found a number");
    }

    @Test
    void theChromeArrayFormatIsAccepted() throws IOException {
        Path file = write("array.json", """
                [{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5, "args": {"correlation": 1}},
                 {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 10, "dur": 2,
                  "args": {"correlation": 1}}]""");
        Traces.Parsed p = Traces.parse(file);
        assertThat(p.kernels()).hasSize(1);
        assertThat(p.kernels().get(0).linkage().launchApi()).hasValue("cudaLaunchKernel");
    }

    @Test
    void noTraceEvents() throws IOException {
        assertThat(failure(write("no-events.json", "{\"schemaVersion\": 1, \"deviceProperties\": []}")).getMessage())
                .contains("no \"traceEvents\" array").contains("schemaVersion");
    }

    @Test
    void aTopLevelKeyWithANewlineStaysOnOneLine() throws IOException {
        // found by ParserPropertiesTest: a changed byte turned "schemaVersion" into a key with a newline
        String message = failure(write("newline-key.json", "{\"\\nchemaVersion\": 1}")).getMessage();
        assertThat(message).contains("no \"traceEvents\" array").contains("\\nchemaVersion").doesNotContain("\n");
    }

    @Test
    void aTopLevelKeyWithAC1ControlOrALineSeparatorIsEscapedToo() throws IOException {
        String message = failure(write("separator-key.json", "{\"a\\u0085b\\u2028c\": 1}")).getMessage();
        assertThat(message).contains("no \"traceEvents\" array").contains("a\\u0085b\\u2028c")
                .doesNotContain("\u0085").doesNotContain("\u2028");
    }

    @Test
    void aNullBaseTimeMeansNoBaseAndANonIntegerOneIsAnError() throws IOException {
        String kernel = "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k\", \"pid\": 0, \"tid\": 7, "
                + "\"ts\": 10, \"dur\": 1, \"args\": {\"correlation\": 1}}";
        Path nullBase = write("null-base.json", "{\"traceEvents\": [" + kernel + "], \"baseTimeNanoseconds\": null}");
        assertThat(Traces.parse(nullBase).kernels()).singleElement()
                .satisfies(k -> assertThat(k.startNs()).isEqualTo(10_000L));
        assertThat(failure(write("text-base.json", "{\"traceEvents\": [" + kernel + "], "
                + "\"baseTimeNanoseconds\": \"soon\"}")).getMessage())
                .contains("baseTimeNanoseconds is not a 64-bit integer");
    }

    @Test
    void traceEventsNotAnArray() throws IOException {
        assertThat(failure(write("events-object.json", "{\"traceEvents\": {\"a\": 1}}")).getMessage())
                .contains("\"traceEvents\" must be an array");
    }

    @Test
    void wrongTypeOfALinkingArgument() throws IOException {
        Path file = write("wrong-correlation.json", """
                {"traceEvents": [
                  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 5, "args": {"External id": 3}},
                  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 20, "dur": 5,
                   "args": {"correlation": "not-a-number", "device": 0, "stream": 7}}
                ]}""");
        FlowsimException e = failure(file);
        assertThat(e.getMessage()).contains("event #1").contains("kernel 'k'")
                .contains("args.correlation must be an integer, found string \"not-a-number\"").contains("line 4");
    }

    @Test
    void wrongTypeOfShapes() throws IOException {
        Path file = write("wrong-dims.json", """
                {"traceEvents": [
                  {"ph": "X", "cat": "cpu_op", "name": "aten::mm", "pid": 1, "tid": 1, "ts": 10, "dur": 50,
                   "args": {"External id": 3, "Input Dims": "[[1, 2]]", "Input type": ["float"]}},
                  {"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": 20, "dur": 5,
                   "args": {"External id": 3, "correlation": 9}},
                  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 30, "dur": 5,
                   "args": {"External id": 3, "correlation": 9, "device": 0, "stream": 7}}
                ]}""");
        FlowsimException e = failure(file);
        assertThat(e.getMessage()).contains("event #0").contains("cpu_op 'aten::mm'")
                .contains("args.Input Dims must be a list").contains("line 3");
    }

    @Test
    void wrongTypeOfGrid() throws IOException {
        Path file = write("wrong-grid.json", """
                {"traceEvents": [
                  {"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 30, "dur": 5,
                   "args": {"correlation": 9, "grid": [1, "two", 3], "block": [1, 1, 1]}}
                ]}""");
        assertThat(failure(file).getMessage()).contains("args.grid must be a list of 3 non-negative integers");
    }

    @Test
    void timestampThatIsNotANumber() throws IOException {
        Path file = write("wrong-ts.json", """
                {"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": "soon", "dur": 5}]}""");
        assertThat(failure(file).getMessage()).contains("\"ts\" must be a number of microseconds").contains("'soon'");
    }

    @Test
    void argsThatAreNotAnObject() throws IOException {
        Path file = write("wrong-args.json", """
                {"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "pid": 0, "tid": 7, "ts": 1, "args": [1]}]}""");
        assertThat(failure(file).getMessage()).contains("args must be a JSON object");
    }

    /**
     * Every parse writes a spill file into {@code java.io.tmpdir} and must delete it, whether the parse
     * fails or succeeds. The parses run in a child JVM whose {@code java.io.tmpdir} (and {@code TMPDIR})
     * is a private directory of this test, so nothing another process does in the shared {@code /tmp}
     * can hide a leftover or invent one.
     */
    @Test
    void noTemporaryFilesAreLeftBehind() throws IOException, InterruptedException {
        Path tmp = Files.createDirectories(dir.resolve("private-tmp"));
        Path broken = write("hello2.json", "{\"traceEvents\": [ {\"ph\": \"X\", ");
        Path good = HandwrittenTracesTest.fixture("legacy-pytorch-1.8.json");
        Path log = dir.resolve("child.log");
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                ParseInChildJvm.class.getName(), broken.toString(), good.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        child.environment().put("TMPDIR", tmp.toString());
        Process p = child.start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(output).isZero();
        // the child saw the private directory, so its spill files were made there
        assertThat(output).contains("tmpdir=" + tmp).contains(broken + ": failed").contains(good + ": parsed");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("files left in java.io.tmpdir").isEmpty();
        }
    }

    /** The child JVM of {@link #noTemporaryFilesAreLeftBehind()}: parses each file, reporting how it ended. */
    static final class ParseInChildJvm {
        public static void main(String[] args) {
            System.out.println("tmpdir=" + System.getProperty("java.io.tmpdir"));
            for (String file : args) {
                try {
                    Traces.parse(Path.of(file));
                    System.out.println(file + ": parsed");
                } catch (FlowsimException e) {
                    System.out.println(file + ": failed: " + e.getMessage());
                }
            }
        }
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> Traces.open(dir.resolve("nope.json.gz")))
                .isInstanceOf(FlowsimException.class).hasMessageContaining("not found");
    }
}
