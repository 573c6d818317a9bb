package io.flowsim.plugin.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Options;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static io.flowsim.plugin.report.HandMadeKernels.gemm;
import static io.flowsim.plugin.report.HandMadeKernels.parsed;
import static io.flowsim.plugin.report.HandMadeKernels.predicted;
import static io.flowsim.plugin.report.HandMadeKernels.unsupported;
import static org.assertj.core.api.Assertions.assertThat;

/** The timeline's tracks, with hand-made kernels whose predicted layout is worked out by hand below. */
class TimelineExporterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    /**
     * Stream 7: k0 at 1000 ns for 100 (predicted 50), k1 at 1300 after a 200 ns gap (predicted 300), k2
     * right after k1 at 1400 (unsupported). Predicted track: k0 1000..1050; k1 keeps its 200 ns gap,
     * 1250..1550; k2 follows at once and keeps its measured 100 ns, 1550..1650. Stream 9: k3 at 1200
     * starts at its measured start. Times are written relative to the earliest start, 1000 ns.
     */
    @Test
    void predictedTracksKeepTheMeasuredGaps() throws IOException {
        List<KernelResult> kernels = List.of(
                predicted(gemm(0, "k0", 7, 1000, 100, 64), 50),
                predicted(gemm(1, "k1", 7, 1300, 100, 64), 300),
                predicted(gemm(3, "k3", 9, 1200, 40, 64), 80),
                unsupported(gemm(2, "k2", 7, 1400, 100, 64)));
        JsonNode trace = export(kernels, true);
        assertThat(trace.path("baseTimeNanoseconds").asLong()).isEqualTo(1000);
        assertThat(slices(trace, "flowsim_predicted")).containsExactly(
                "k0 0.000 0.050", "k1 0.250 0.300", "k2 0.550 0.100", "k3 0.200 0.080");
        assertThat(slices(trace, "kernel")).containsExactly(
                "k0 0.000 0.100", "k1 0.300 0.100", "k2 0.400 0.100", "k3 0.200 0.040");
        JsonNode k2 = predictedSlice(trace, "k2");
        assertThat(k2.path("tid").asLong()).isEqualTo(TimelineWriter.PREDICTED_TID_OFFSET + 7);
        assertThat(k2.path("args").path("predicted_us").isNull()).isTrue();
        assertThat(k2.path("args").path("simulation").asText()).isEqualTo("unsupported: not modelled");
        JsonNode k1 = predictedSlice(trace, "k1");
        assertThat(k1.path("args").path("family").asText()).isEqualTo("gemm");
        assertThat(k1.path("args").path("op").asText()).isEqualTo("matmul");
        assertThat(k1.path("args").path("operands").asText()).isEqualTo("A [64, 4096] bf16; B [4096, 4096] bf16");
        assertThat(k1.path("args").path("error_percent").asDouble()).isEqualTo(200.0);
        assertThat(k1.path("args").path("measured_us").decimalValue()).isEqualByComparingTo("0.1");
    }

    /**
     * Predicted on another GPU than the trace's: the difference is between two GPUs, so the slices carry
     * {@code predicted_to_measured} (300 / 100 ns: 3.000) and no {@code error_percent}, and the predicted
     * tracks name the GPU.
     */
    @Test
    void aWhatIfCallsNoDifferenceAnError() throws IOException {
        List<KernelResult> kernels = List.of(predicted(gemm(1, "k1", 7, 1300, 100, 64), 300));
        JsonNode trace = export(kernels, HandMadeKernels.whatIf(
                HandMadeKernels.summary(1, 100, 300, 100, 1, true), "V100"), true);
        assertThat(trace.path("flowsimTimeline").path("what_if").asBoolean()).isTrue();
        JsonNode args = predictedSlice(trace, "k1").path("args");
        assertThat(args.has("error_percent")).isFalse();
        assertThat(args.path("predicted_to_measured").decimalValue()).isEqualByComparingTo("3.000");
        assertThat(trace.toString()).doesNotContain("error").contains("\"stream 7 predicted on V100\"");

        JsonNode same = export(kernels, true);
        assertThat(same.path("flowsimTimeline").path("what_if").asBoolean(true)).isFalse();
        assertThat(predictedSlice(same, "k1").path("args").has("predicted_to_measured")).isFalse();
        assertThat(same.toString()).contains("\"stream 7 predicted\"");
    }

    @Test
    void aParseHasNoPredictedTrack() throws IOException {
        JsonNode trace = export(List.of(parsed(gemm(0, "k0", 7, 1000, 100, 64))), false);
        assertThat(slices(trace, "flowsim_predicted")).isEmpty();
        assertThat(slices(trace, "kernel")).containsExactly("k0 0.000 0.100");
        assertThat(trace.path("deviceProperties").get(0).path("name").asText()).isEqualTo("NVIDIA H200");
    }

    @Test
    void noReportWritesNothing() {
        ExportSession session = new TimelineExporter().open(HandMadeKernels.context(dir, false,
                Options.builder().add("report", "false").build()));
        session.accept(parsed(gemm(0, "k0", 7, 1000, 100, 64)));
        assertThat(session.finish(HandMadeKernels.summary(1, 100, 0, 0, 0, false))).isEmpty();
        session.close();
        assertThat(dir.toFile().list()).isEmpty();
    }

    private JsonNode export(List<KernelResult> kernels, boolean simulated) throws IOException {
        return export(kernels, HandMadeKernels.summary(kernels.size(), 340, 430, 340, 3, simulated), simulated);
    }

    private JsonNode export(List<KernelResult> kernels, RunSummary summary, boolean simulated) throws IOException {
        try (ExportSession session = new TimelineExporter().open(HandMadeKernels.context(dir, simulated,
                Options.empty()))) {
            kernels.forEach(session::accept);
            List<Path> files = session.finish(summary);
            assertThat(files).containsExactly(dir.resolve("run.trace.timeline.json.gz"));
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("run.trace.timeline.json.gz")))) {
            return JSON.readTree(in);
        }
    }

    private static List<String> slices(JsonNode trace, String category) {
        List<String> list = new ArrayList<>();
        for (JsonNode e : trace.path("traceEvents")) {
            if (e.path("cat").asText().equals(category)) {
                list.add(e.path("name").asText() + " " + e.path("ts").decimalValue().setScale(3).toPlainString() + " "
                        + e.path("dur").decimalValue().setScale(3).toPlainString());
            }
        }
        return list;
    }

    private static JsonNode predictedSlice(JsonNode trace, String name) {
        for (JsonNode e : trace.path("traceEvents")) {
            if (e.path("cat").asText().equals("flowsim_predicted") && e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no predicted slice " + name);
    }
}
