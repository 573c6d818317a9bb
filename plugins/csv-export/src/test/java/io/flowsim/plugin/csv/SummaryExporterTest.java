package io.flowsim.plugin.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.api.ExportSession;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.ConcurrencySummary;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.DistributedInfo;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.ProcessGroup;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** summary.json writes the runtime's RunSummary faithfully, times in exact microseconds. */
class SummaryExporterTest {

    @TempDir
    Path dir;

    private static final DeviceInfo H200 = new DeviceInfo(0, "NVIDIA H200", 132, 150_000_000_000L, 9, 0,
            Map.of("clockRate", "1980000"));
    private static final TraceMetadata META = new TraceMetadata("run.trace", "/t/run.trace.json.gz", List.of(H200),
            Optional.of(new DistributedInfo("nccl", OptionalInt.of(0), OptionalInt.of(4),
                    List.of(new ProcessGroup("3", "undefined", "cuda:nccl", 4, List.of(0, 1, 2, 3))), Optional.of("2.26.2"))),
            OptionalInt.of(0), Map.of(TraceMetadata.DIALECT, "kineto-new-external-id"));

    private static RunSummary summary(boolean simulated) {
        Optional<SimulationSummary> sim = simulated ? Optional.of(new SimulationSummary("analytical",
                new HardwareTarget("NVIDIA H200", Optional.of(H200)), 34, 99, 560, 5, 17_000_500,
                List.of(new AccuracyRow("gemm", 99, 12.5, 40.25, 9.75, 18_546_816, 17_000_500),
                        new AccuracyRow("all", 99, 12.5, 40.25, 9.75, 18_546_816, 17_000_500)),
                List.of("times exclude launch overhead"))) : Optional.empty();
        return new RunSummary(META, 664, 77_591_032, 77_335_700, 508_684_500, 77_000_000, 500_000, 3, 4,
                List.of(new GroupTotals("moe", 40, 32_330_100, simulated ? 1_000 : 0, simulated ? 2 : 0),
                        new GroupTotals("gemm", 99, 18_546_816, simulated ? 17_000_500 : 0, simulated ? 99 : 0)),
                List.of(new GroupTotals("matmul", 87, 18_000_000, 0, 0), new GroupTotals("(none)", 3, 91_032, 0, 0)),
                sim, 189, 364_300, Map.of("events", 202_941L, "kernels.linked.external_id", 641L));
    }

    private JsonNode export(RunSummary s) throws Exception {
        try (ExportSession session = new SummaryExporter().open(TestData.context(dir, s.simulation().isPresent()))) {
            assertThat(session.finish(s)).containsExactly(dir.resolve("summary.json"));
        }
        return new JsonMapper().readTree(dir.resolve("summary.json").toFile());
    }

    @Test
    void writesTheTotalsInExactMicroseconds() throws Exception {
        JsonNode j = export(summary(false));
        assertThat(j.get("format_version").asInt()).isEqualTo(1);
        assertThat(j.get("kernel_count").asLong()).isEqualTo(664);
        assertThat(j.get("kernel_time_us").toString()).isEqualTo("77591.032");
        assertThat(j.get("busy_time_us").toString()).isEqualTo("77335.7");
        assertThat(j.get("wall_time_us").toString()).isEqualTo("508684.5");
        assertThat(j.get("resolved_kernel_time_us").toString()).isEqualTo("77000");
        assertThat(j.get("resolved_fraction").asDouble()).isEqualTo(77_000_000 / 77_591_032.0);
        assertThat(j.get("heuristic_kernel_time_us").toString()).isEqualTo("500");
        assertThat(j.get("unresolved_kernel_count").asLong()).isEqualTo(3);
        assertThat(j.get("unknown_kernel_count").asLong()).isEqualTo(4);
        assertThat(j.get("memory_operations").toString()).isEqualTo("{\"count\":189,\"time_us\":364.3}");
        assertThat(j.get("per_family").get(0).toString()).isEqualTo("{\"family\":\"moe\",\"count\":40,\"kernel_time_us\":32330.1}");
        assertThat(j.get("per_op_mapping").get(1).toString())
                .isEqualTo("{\"op_mapping\":\"(none)\",\"count\":3,\"kernel_time_us\":91.032}");
        assertThat(j.get("trace_statistics").toString()).isEqualTo("{\"events\":202941,\"kernels.linked.external_id\":641}");
        assertThat(j.has("simulation")).isFalse();
        assertThat(j.has("predicted_kernel_time_us")).isFalse();
    }

    @Test
    void writesTheTraceMetadata() throws Exception {
        JsonNode t = export(summary(false)).get("trace");
        assertThat(t.get("name").asText()).isEqualTo("run.trace");
        assertThat(t.get("rank").asInt()).isZero();
        assertThat(t.get("devices").get(0).get("name").asText()).isEqualTo("NVIDIA H200");
        assertThat(t.get("devices").get(0).get("compute_capability").asText()).isEqualTo("9.0");
        assertThat(t.get("distributed").get("world_size").asInt()).isEqualTo(4);
        assertThat(t.get("distributed").get("process_groups").get(0).get("ranks").toString()).isEqualTo("[0,1,2,3]");
        assertThat(t.get("properties").get("dialect").asText()).isEqualTo("kineto-new-external-id");
    }

    @Test
    void writesTheSimulationOutcomeAndAccuracy() throws Exception {
        JsonNode j = export(summary(true));
        assertThat(j.get("predicted_kernel_time_us").toString()).isEqualTo("17000.5");
        JsonNode sim = j.get("simulation");
        assertThat(sim.get("backend").asText()).isEqualTo("analytical");
        assertThat(sim.get("target").get("is_trace_device").asBoolean()).isTrue();
        assertThat(sim.get("target").get("what_if").asBoolean(true)).isFalse();
        assertThat(sim.get("distinct_requests").asLong()).isEqualTo(34);
        assertThat(sim.get("ok").asLong()).isEqualTo(99);
        JsonNode gemm = sim.get("accuracy").get(0);
        assertThat(gemm.get("group").asText()).isEqualTo("gemm");
        assertThat(gemm.get("median_abs_error_percent").asDouble()).isEqualTo(12.5);
        assertThat(gemm.get("p90_abs_error_percent").asDouble()).isEqualTo(40.25);
        assertThat(gemm.get("time_weighted_abs_error_percent").asDouble()).isEqualTo(9.75);
        assertThat(gemm.get("total_error_percent").asDouble())
                .isEqualTo(100.0 * (17_000_500 - 18_546_816) / 18_546_816);
        assertThat(gemm.get("predicted_to_measured").asDouble()).isEqualTo(17_000_500.0 / 18_546_816);
        assertThat(sim.get("notes").get(0).asText()).isEqualTo("times exclude launch overhead");
        assertThat(j.get("per_family").get(1).get("predicted_time_us").toString()).isEqualTo("17000.5");
    }

    @Test
    void aRunSimulatedOnAnotherGpuIsFlaggedAsAWhatIf() throws Exception {
        RunSummary s = summary(true);
        SimulationSummary h200 = s.simulation().orElseThrow();
        SimulationSummary b200 = new SimulationSummary(h200.backend(), new HardwareTarget("B200", Optional.of(H200)),
                h200.distinctRequests(), h200.ok(), h200.unsupported(), h200.failed(), h200.predictedKernelTimeNs(),
                h200.accuracy(), h200.notes());
        JsonNode target = export(new RunSummary(s.metadata(), s.kernelCount(), s.kernelTimeNs(), s.busyTimeNs(),
                s.wallTimeNs(), s.resolvedKernelTimeNs(), s.heuristicKernelTimeNs(), s.unresolvedKernelCount(),
                s.unknownKernelNames(), s.perFamily(), s.perOpMapping(), Optional.of(b200), s.memoryOperationCount(),
                s.memoryOperationTimeNs(), s.traceStatistics())).get("simulation").get("target");
        assertThat(target.get("name").asText()).isEqualTo("B200");
        assertThat(target.get("is_trace_device").asBoolean(true)).isFalse();
        assertThat(target.get("what_if").asBoolean(false)).isTrue();
        assertThat(target.get("trace_device").asText()).isEqualTo("NVIDIA H200");
    }

    @Test
    void theConcurrencyBlockAppearsOnlyWhenSomeKernelSharedItsDevice() throws Exception {
        assertThat(export(summary(true)).has("concurrency")).as("not computed").isFalse();
        RunSummary alone = withConcurrency(summary(true), new ConcurrencySummary(664, 77_591_032, 0, 0, 0,
                List.of(new GroupTotals("gemm", 99, 18_546_816, 17_000_500, 99)), List.of()));
        assertThat(export(alone).has("concurrency")).as("every kernel ran alone").isFalse();

        RunSummary shared = withConcurrency(summary(true), new ConcurrencySummary(600, 60_000_000, 64, 17_591_032,
                2_500_500, List.of(new GroupTotals("gemm", 80, 15_000_000, 14_000_000, 80)),
                List.of(new AccuracyRow("gemm", 80, 7.5, 20, 6.25, 15_000_000, 14_000_000),
                        new AccuracyRow("all", 80, 7.5, 20, 6.25, 15_000_000, 14_000_000))));
        JsonNode c = export(shared).get("concurrency");
        assertThat(c.get("isolated_kernel_count").asLong()).isEqualTo(600);
        assertThat(c.get("isolated_kernel_time_us").toString()).isEqualTo("60000");
        assertThat(c.get("isolated_fraction").asDouble()).isEqualTo(60_000_000 / 77_591_032.0);
        assertThat(c.get("concurrent_kernel_count").asLong()).isEqualTo(64);
        assertThat(c.get("concurrent_kernel_time_us").toString()).isEqualTo("17591.032");
        assertThat(c.get("overlap_time_us").toString()).isEqualTo("2500.5");
        assertThat(c.get("isolated_per_family").get(0).toString()).isEqualTo(
                "{\"family\":\"gemm\",\"count\":80,\"kernel_time_us\":15000,\"predicted_count\":80,"
                        + "\"predicted_time_us\":14000}");
        JsonNode gemm = c.get("isolated_accuracy").get(0);
        assertThat(gemm.get("group").asText()).isEqualTo("gemm");
        assertThat(gemm.get("median_abs_error_percent").asDouble()).isEqualTo(7.5);
        assertThat(gemm.get("measured_time_us").toString()).isEqualTo("15000");
        assertThat(c.get("isolated_accuracy").get(1).get("group").asText()).isEqualTo("all");
    }

    private static RunSummary withConcurrency(RunSummary s, ConcurrencySummary c) {
        return new RunSummary(s.metadata(), s.kernelCount(), s.kernelTimeNs(), s.busyTimeNs(), s.wallTimeNs(),
                s.resolvedKernelTimeNs(), s.heuristicKernelTimeNs(), s.unresolvedKernelCount(), s.unknownKernelNames(),
                s.perFamily(), s.perOpMapping(), s.simulation(), s.memoryOperationCount(), s.memoryOperationTimeNs(),
                s.traceStatistics(), s.analysis(), c);
    }

    @Test
    void nothingIsWrittenWhenTheRunFails() throws Exception {
        try (ExportSession session = new SummaryExporter().open(TestData.context(dir, false))) {
            session.accept(null);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
