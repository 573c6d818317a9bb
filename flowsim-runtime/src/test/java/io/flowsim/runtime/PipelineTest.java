package io.flowsim.runtime;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.RunSummary;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.PluginDiscovery;
import io.flowsim.runtime.fakes.CountingBackend;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineResult;
import io.flowsim.runtime.pipeline.PipelineSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline with the class-path test fakes (see the fakes package). */
class PipelineTest {

    @TempDir
    Path dir;

    private ExtensionRegistry registry;

    @BeforeEach
    void discover() {
        registry = PluginDiscovery.discover(new PluginDiscovery.Settings(List.of(), getClass().getClassLoader(), false));
    }

    @AfterEach
    void close() {
        registry.close();
    }

    private Path trace(String... lines) throws IOException {
        Path file = dir.resolve("t.fake-trace");
        Files.write(file, List.of(lines));
        return file;
    }

    private PipelineResult run(Path trace, Optional<String> backend) {
        RunContext context = RunContext.of(Options.empty(), Reporter.silent(), dir.resolve("out"));
        return new Pipeline(registry, context).run(new PipelineSpec(trace, dir.resolve("out"), Optional.empty(),
                List.of(), List.of(), backend, Optional.empty()));
    }

    @Test
    void parseStreamsEveryKernelThroughTheResolverChainIntoTheExporters() throws IOException {
        Path trace = trace("gemm_64x128x256|0|1000|0", "guess_add|500|1000|0", "mystery|3000|500|0",
                "Memcpy HtoD|4000|100|0|MEMCPY");
        PipelineResult result = run(trace, Optional.empty());

        List<String> lines = Files.readAllLines(dir.resolve("out/t.fake.txt"));
        assertThat(lines).containsExactly(
                "gemm_64x128x256|gemm|EXACT_NAME|-|-",
                "guess_add|elementwise|HEURISTIC|-|-",
                "mystery|other|UNRESOLVED|-|-",
                "Memcpy HtoD|copy|UNRESOLVED|-|-",
                "kernels=3");
        RunSummary s = result.summary();
        assertThat(s.kernelCount()).isEqualTo(3);
        assertThat(s.kernelTimeNs()).isEqualTo(2500);
        // [0,1000) and [500,1500) overlap into [0,1500); [3000,3500) is apart: 1500 + 500
        assertThat(s.busyTimeNs()).isEqualTo(2000);
        assertThat(s.wallTimeNs()).isEqualTo(3500);
        assertThat(s.resolvedKernelTimeNs()).isEqualTo(1000);
        assertThat(s.heuristicKernelTimeNs()).isEqualTo(1000);
        assertThat(s.unresolvedKernelCount()).isEqualTo(1);
        assertThat(s.unknownKernelNames()).isEqualTo(2);
        assertThat(s.memoryOperationCount()).isEqualTo(1);
        assertThat(s.memoryOperationTimeNs()).isEqualTo(100);
        assertThat(s.traceStatistics()).containsEntry("lines", 4L);
        assertThat(s.simulation()).isEmpty();
        assertThat(result.files()).containsExactly(dir.resolve("out/t.fake.txt"));
    }

    @Test
    void simulationDeduplicatesIdenticalRequestsAndComputesAccuracy() throws IOException {
        // three identical GEMMs, one other GEMM, one unsupported kernel
        Path trace = trace("gemm_1000x1000x1000|0|2000|0", "gemm_1000x1000x1000|3000|2000|0",
                "gemm_1000x1000x1000|6000|2500|0", "gemm_100x100x100|9000|4|0", "mystery|9500|10|0");
        PipelineResult result = run(trace, Optional.of("counting-backend"));

        CountingBackend backend = (CountingBackend) registry.backends().stream()
                .filter(d -> d.name().equals("counting-backend")).findFirst().orElseThrow().extension();
        assertThat(backend.lastBatch()).hasSize(3);

        var sim = result.summary().simulation().orElseThrow();
        assertThat(sim.distinctRequests()).isEqualTo(3);
        assertThat(sim.ok()).isEqualTo(4);
        assertThat(sim.unsupported()).isEqualTo(1);
        assertThat(sim.target().name()).isEqualTo("NVIDIA H200");
        // the backend's note, then once per trace what keeps kernels from a prediction (the 10 ns mystery kernel)
        assertThat(sim.notes()).containsExactly("test backend: predictions are arithmetic, not physics",
                "no prediction for 1 kernels, 0.0 us (0.2% of the kernel time): only GEMMs are modelled");
        // predictions: 2000 ns for the big GEMM (x3), 2 ns for the small one
        assertThat(sim.predictedKernelTimeNs()).isEqualTo(3 * 2000 + 2);
        AccuracyRow gemm = sim.accuracy().stream().filter(r -> r.group().equals("gemm")).findFirst().orElseThrow();
        // absolute errors: 0%, 0%, 20% (2000 vs 2500), 50% (2 vs 4)
        assertThat(gemm.count()).isEqualTo(4);
        assertThat(gemm.medianAbsErrorPercent()).isEqualTo(10.0);
        assertThat(gemm.timeWeightedAbsErrorPercent()).isEqualTo(100.0 * (500 + 2) / (2000 + 2000 + 2500 + 4));
        assertThat(sim.accuracy().get(sim.accuracy().size() - 1).group()).isEqualTo("all");
        assertThat(Files.readAllLines(dir.resolve("out/t.fake.txt")))
                .contains("gemm_100x100x100|gemm|EXACT_NAME|OK|2", "mystery|other|UNRESOLVED|UNSUPPORTED|-1");
    }

    @Test
    void aFailureMidStreamLeavesNoOutputBehind() throws IOException {
        Path trace = trace("gemm_8x8x8|0|10|0", "FAIL", "gemm_8x8x8|20|10|0");
        assertThatThrownBy(() -> run(trace, Optional.empty()))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("broken at line 2");
        try (Stream<Path> files = Files.list(dir.resolve("out"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aTraceWithoutOneGpuActivityIsBadInputAndWritesNothing() throws IOException {
        Path trace = trace();
        for (Optional<String> backend : List.of(Optional.<String>empty(), Optional.of("counting-backend"))) {
            assertThatThrownBy(() -> run(trace, backend))
                    .isInstanceOfSatisfying(FlowsimException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                    .hasMessageStartingWith(trace + ": no GPU kernel, memcpy or memset in the trace");
            try (Stream<Path> files = Files.list(dir.resolve("out"))) {
                assertThat(files).as("outputs of %s", backend).isEmpty();
            }
        }
    }

    @Test
    void aMissingTraceIsBadInputNamingTheFile() {
        assertThatThrownBy(() -> run(dir.resolve("nope.fake-trace"), Optional.empty()))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("nope.fake-trace");
    }

    @Test
    void unknownBackendIsAUsageErrorListingTheInstalledOnes() throws IOException {
        Path trace = trace("gemm_8x8x8|0|10|0");
        assertThatThrownBy(() -> run(trace, Optional.of("warp-drive")))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("warp-drive").hasMessageContaining("counting-backend");
    }

    @Test
    void aFileNoSourceCanReadIsBadInput() throws IOException {
        Path file = Files.writeString(dir.resolve("trace.txt"), "hello");
        assertThatThrownBy(() -> run(file, Optional.empty()))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("no installed trace source can read");
    }
}
