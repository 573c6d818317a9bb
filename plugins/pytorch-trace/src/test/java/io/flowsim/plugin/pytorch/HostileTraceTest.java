package io.flowsim.plugin.pytorch;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 16, item 10 (the parser's part): junk or a second document after the trace, a GPU activity
 * whose {@code ts} or {@code dur} is null or missing, and a lone UTF-16 surrogate in a kernel name.
 * Hand-made inputs, written inline.
 */
class HostileTraceTest {

    private static final String KERNEL = "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"%s\", \"pid\": 0, \"tid\": 7%s,"
            + " \"args\": {\"device\": 0, \"stream\": 7, \"correlation\": 1}}";

    @TempDir
    Path dir;

    private Path trace(String events, String after) throws IOException {
        return Files.writeString(dir.resolve("t.json"), "{\"traceEvents\": [" + events + "]}" + after,
                StandardCharsets.UTF_8);
    }

    private static FlowsimException failure(Path file) {
        Throwable t = catchThrowable(() -> Traces.parse(file));
        assertThat(t).isInstanceOf(FlowsimException.class);
        FlowsimException e = (FlowsimException) t;
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"traceEvents\": []}", "junk", "[1, 2]", "\"x\"", "42", "}"})
    void anythingAfterTheDocumentIsRejected(String after) throws IOException {
        Path file = trace(KERNEL.formatted("k", ", \"ts\": 1, \"dur\": 2"), "\n" + after);
        FlowsimException e = failure(file);
        assertThat(e.getMessage()).containsAnyOf("after the end of the JSON document", "malformed JSON");
    }

    @Test
    void trailingWhitespaceIsFine() throws IOException {
        Path file = trace(KERNEL.formatted("k", ", \"ts\": 1, \"dur\": 2"), " \n\t\r\n ");
        assertThat(Traces.parse(file).kernels()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ", \"ts\": 5", ", \"dur\": 5", ", \"ts\": null, \"dur\": 5", ", \"ts\": 5, \"dur\": null"})
    void aGpuActivityWithoutTsOrDurIsReportedNotSilentlyZero(String timing) throws IOException {
        Path file = trace(KERNEL.formatted("my_kernel", timing), "");
        FlowsimException e = failure(file);
        assertThat(e.getMessage()).contains("my_kernel").containsPattern("\"(ts|dur)\" is (missing|null)");
    }

    /**
     * Found by hand (session 14): a kernel with {@code "dur": -5} was clamped to 0 and the run exited 0, with
     * a kernel counted as measured in 0 us, a 0% error and no word of it. A GPU activity's duration is what
     * every output is about, so a negative one is refused like a missing one; a CPU event's is still clamped.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-5", "-0.001", "\"-5\"", "-1e3"})
    void aGpuActivityWithANegativeDurationIsReportedNotSilentlyZero(String dur) throws IOException {
        Path file = trace(KERNEL.formatted("my_kernel", ", \"ts\": 5, \"dur\": " + dur), "");
        FlowsimException e = failure(file);
        assertThat(e.getMessage()).contains("my_kernel").contains("\"dur\" is negative");
    }

    @Test
    void aCpuOperatorWithANegativeDurationIsStillClamped() throws IOException {
        Path file = trace(KERNEL.formatted("k", ", \"ts\": 10, \"dur\": 2") + ","
                + "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"op\", \"pid\": 1, \"tid\": 1, \"ts\": 1,"
                + " \"dur\": -3}", "");
        assertThat(Traces.parse(file).kernels()).extracting(KernelRecord::durationNs).containsExactly(2_000L);
    }

    /** Found by the fuzzer: a damaged exponent made one value cost minutes of BigDecimal arithmetic. */
    @ParameterizedTest
    @ValueSource(strings = {"1e999999999", "-1e999999999", "1e-999999999", "\"1e999999999\"", "\"-1E+999999999\"",
            "0.5e-999999999", "123456789e999999990"})
    void aHugeExponentIsDecidedAtOnce(String value) throws IOException {
        Path file = trace(KERNEL.formatted("k", ", \"ts\": " + value + ", \"dur\": 2") + ","
                + "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"op\", \"pid\": 1, \"tid\": 1, \"ts\": 1,"
                + " \"dur\": 1, \"args\": {\"External id\": " + value.replace("\"", "") + "}}", "");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            Throwable t = catchThrowable(() -> Traces.parse(file));
            if (t != null) {
                assertThat(t).isInstanceOf(FlowsimException.class);
                assertThat(t.getMessage()).hasSizeLessThan(2000);
            }
        });
    }

    @Test
    void aLoneSurrogateInAKernelNameBecomesTheReplacementCharacter() throws IOException {
        Path file = trace(KERNEL.formatted("gemm_\\ud800_tail", ", \"ts\": 1, \"dur\": 2") + ","
                + KERNEL.formatted("pair_\\ud83d\\ude00_ok", ", \"ts\": 5, \"dur\": 2"), "");
        var kernels = Traces.parse(file).kernels();
        assertThat(kernels).extracting(KernelRecord::name).containsExactly("gemm_\uFFFD_tail", "pair_\uD83D\uDE00_ok");
    }
}
