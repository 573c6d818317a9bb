package io.flowsim.runtime.e2e;

import io.flowsim.api.MeasurementTableReader;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.MeasuredTable;
import io.flowsim.api.model.Measurement;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.PluginDiscovery;
import io.flowsim.runtime.measurements.HoldOutSplit;
import io.flowsim.runtime.measurements.MeasurementScorer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The accuracy targets of the embedded analytical backend with its shipped profiles, on the measured
 * tables of shared/data/groundtruth. The A100 and H100 default parameters were fitted on the 70 % of
 * each table's configurations that the deterministic split keeps for fitting (docs/simulator.md); the
 * targets are asserted on the other 30 %, which the fit never saw. Skipped without the shared data or
 * the built plugin zips.
 */
class GroundTruthTargetsTest {

    private static final String AIC = "data/groundtruth/aiconfigurator/";
    private static final HoldOutSplit SPLIT = new HoldOutSplit(0.3);

    @TempDir
    static Path dir;
    private static ExtensionRegistry registry;
    private static SimulatorBackend backend;

    @BeforeAll
    static void loadTheBundledBackend() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        registry = PluginDiscovery.discover(new PluginDiscovery.Settings(List.of(plugins),
                GroundTruthTargetsTest.class.getClassLoader(), false));
        backend = registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, "analytical")
                .orElseThrow().extension();
    }

    @AfterAll
    static void close() {
        if (registry != null) {
            registry.close();
        }
    }

    @ParameterizedTest(name = "{0} [{1}]: median |error| <= {2} %")
    @CsvSource(delimiter = '|', value = {
        "a100_sxm/gemm/sglang/0.5.10/gemm_perf.csv.gz | ^gemm bf16$ | 10",
        "h100_sxm/gemm/sglang/0.5.14/gemm_perf.csv.gz | ^gemm bf16$ | 10",
        "a100_sxm/attention/sglang/0.5.10/context_attention_perf.csv.gz | ^context attention bf16/bf16$ | 15",
        "a100_sxm/attention/sglang/0.5.10/generation_attention_perf.csv.gz | ^generation attention bf16/bf16$ | 15",
        "h100_sxm/attention/sglang/0.5.14/context_attention_perf.csv.gz | ^context attention bf16/bf16$ | 15",
        "h100_sxm/attention/sglang/0.5.14/generation_attention_perf.csv.gz | ^generation attention bf16/bf16$ | 15",
        "a100_sxm/moe/sglang/0.5.10/moe_perf.csv.gz | ^moe bfloat16 | 15",
        "h100_sxm/moe/sglang/0.5.10/moe_perf.csv.gz | ^moe bfloat16 | 15",
        "h100_sxm/moe/sglang/0.5.10/moe_perf.csv.gz | ^moe fp8_block | 15",
        "h100_sxm/mla_bmm/sglang/0.5.14/mla_bmm_perf.csv.gz | ^mla_bmm fp8 | 8",
        "h100_sxm/mla_bmm/sglang/0.5.14/mla_bmm_perf.csv.gz | ^mla_bmm bf16 | 8",
        "a100_sxm/mla_bmm/sglang/0.5.10/mla_bmm_perf.csv.gz | ^mla_bmm bf16 | 8",
        "a100_sxm/comm/nccl/2.27.3/nccl_perf.csv.gz | >= 1 MiB | 15",
        "h100_sxm/comm/nccl/2.29.2/nccl_perf.csv.gz | >= 1 MiB | 15"})
    void heldOutMedianErrorMeetsTheTarget(String table, String groups, double target) {
        Path file = BundledPluginRun.sharedDir().resolve(AIC + table.trim());
        assumeTrue(Files.exists(file), file + " absent");
        // the bundled reader, found as the runtime finds it (ServiceLoader; on the test class path)
        MeasurementTableReader reader = java.util.ServiceLoader.load(MeasurementTableReader.class).findFirst()
                .orElseThrow();
        MeasuredTable t = reader.read(file, Optional.empty(), RunContext.of(Options.empty(), Reporter.silent(), null));
        Pattern selected = Pattern.compile(groups.trim());
        List<Measurement> heldOut = SPLIT.heldOut(t.measurements()).stream()
                .filter(m -> selected.matcher(m.group()).find()).toList();
        assertThat(heldOut).as("held-out rows of " + groups).hasSizeGreaterThan(20);
        RunContext context = RunContext.of(Options.empty(), Reporter.silent(), null);
        List<MeasurementScorer.Scored> scored = MeasurementScorer.score(backend,
                new HardwareTarget(t.gpu(), Optional.empty()), context, heldOut);
        MeasurementScorer.GroupScore score = MeasurementScorer.groupScore(table, groups, scored);
        assertThat(score.unsupported()).as("every held-out row is predicted: " + score.reasons()).isZero();
        assertThat(score.accuracy().medianAbsErrorPercent()).as("median |error| of %,d held-out rows",
                score.accuracy().count()).isLessThanOrEqualTo(target);
    }
}
