package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.ShapeSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's own H200 traces (plain-PyTorch Llama / Qwen-MoE, torch 2.11) in
 * {@code <repo>/demo/traces}, when present: every kernel is linked to its launch and, through its
 * External id, to an operator with recorded shapes (every cpu_op of those traces has Input Dims).
 */
class DemoTracesTest {

    static Stream<Path> demoTraces() throws IOException {
        String repo = System.getProperty("flowsim.repo.dir");
        Path dir = repo == null ? null : Path.of(repo, "demo", "traces");
        if (dir == null || !Files.isDirectory(dir)) {
            return Stream.of((Path) null);
        }
        List<Path> traces;
        try (Stream<Path> files = Files.list(dir)) {
            traces = files.filter(f -> f.getFileName().toString().endsWith(".trace.json.gz")).sorted().toList();
        }
        return traces.isEmpty() ? Stream.of((Path) null) : traces.stream();
    }

    @ParameterizedTest
    @MethodSource("demoTraces")
    void everyKernelLinkedToAnOperatorWithShapes(Path trace) {
        Assumptions.assumeTrue(trace != null, "no demo traces in <repo>/demo/traces");
        Traces.Parsed p = Traces.parse(trace);
        List<KernelRecord> kernels = p.kernels();
        assertThat(kernels).isNotEmpty();
        assertThat(p.stat("kernels.launch.by_correlation")).isEqualTo(kernels.size());
        for (KernelRecord k : kernels) {
            assertThat(k.linkage().launchLink()).as(k.name()).isEqualTo(Linkage.LaunchLink.CORRELATION);
            assertThat(k.linkage().operatorLink()).as(k.name()).isEqualTo(Linkage.OperatorLink.EXTERNAL_ID);
            assertThat(k.operator()).as(k.name()).isPresent();
            assertThat(k.operator().get().shapeSource()).as(k.name()).isEqualTo(ShapeSource.PROFILER);
            assertThat(k.callStack()).as(k.name()).hasSizeGreaterThan(1);
        }
        assertThat(p.trace().metadata().devices()).isNotEmpty();
        assertThat(p.trace().metadata().devices().get(0).smCount()).isEqualTo(132);
    }
}
