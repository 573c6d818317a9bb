package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The embedded analytical backend as users run it: the bundled plugin zips through PF4J, the default
 * backend of {@code flowsim simulate}, a what-if GPU, and {@code validate}/{@code calibrate} on the
 * shared measured tables. Skipped when the plugin zips or the shared data are absent.
 */
class AnalyticalBackendEndToEndTest {

    static final List<String> PLUGINS = List.of("pytorch-trace", "kernels-json", "csv-export", "analytical");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    /** The bundled plugins including the analytical backend; skips when one is not built. */
    static Path plugins(Path dir) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String id : PLUGINS) {
            Optional<Path> zip = Optional.empty();
            Path target = BundledPluginRun.repoDir().resolve("plugins").resolve(id).resolve("target");
            if (Files.isDirectory(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    zip = s.filter(p -> p.getFileName().toString().endsWith("-plugin.zip")).findFirst();
                }
            }
            assumeTrue(zip.isPresent(), "plugin zip of " + id + " not built (run mvn package or verify)");
            Files.copy(zip.get(), plugins.resolve(zip.get().getFileName()));
        }
        return plugins;
    }

    private Path flowsimTrace() {
        Path trace = BundledPluginRun.sharedDir().resolve("data/traces/FlowSim/sglang_deepseek_tp4_rank0_h200.trace.json.gz");
        assumeTrue(Files.exists(trace), "FlowSim H200 trace absent");
        return trace;
    }

    @Test
    void simulateDefaultsToTheAnalyticalBackendAndReportsAccuracy() throws IOException {
        Path plugins = plugins(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", flowsimTrace().toString(),
                "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Simulated NVIDIA H200 with backend analytical")
                .contains("median |err|").containsPattern("(?m)^gemm +\\d+").containsPattern("(?m)^all +\\d+")
                .contains("End to end").contains("analytical profile h200-sxm");
        // the paged MLA kernels count the pages of their batch, not the 33.5 GB pool (215x the peaks before)
        assertThat(r.out() + r.err()).doesNotContain("ran above 10x");
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode sim = summary.path("simulation");
        assertThat(sim.path("backend").asText()).isEqualTo("analytical");
        assertThat(sim.path("ok").asLong()).isGreaterThan(400);
        assertThat(sim.path("predicted_kernel_time_us").asDouble()).isPositive();
        assertThat(sim.path("accuracy")).isNotEmpty();
        String csv = Files.readString(out.resolve("sglang_deepseek_tp4_rank0_h200.trace.csv"));
        assertThat(csv).contains("Predicted (us)").contains(",analytical,");
        // no kernel past the H200's peaks: each fused_moe_kernel launch is one GEMM of its layer (both were counted:
        // up to 276 %), the last-token x[idx] moves the rows its launch covers (the whole [8192, 7168]: up to 900 %)
        try (CSVParser rows = CSVParser.parse(csv, CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<CSVRecord> records = rows.getRecords();
            assertThat(records.stream().filter(k -> !k.get("% of Peak").isEmpty()).count()).isGreaterThan(500);
            assertThat(records.stream().filter(k -> !k.get("% of Peak").isEmpty()
                    && Double.parseDouble(k.get("% of Peak")) > 100).map(k -> k.get("Name"))).isEmpty();
        }
    }

    @Test
    void anotherGpuIsOneOption() throws IOException {
        Path plugins = plugins(dir);
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", flowsimTrace().toString(),
                "--output-dir", dir.resolve("b200").toString(), "--gpu", "B200");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Simulated B200 with backend analytical").contains("analytical profile b200");
        // the measured times are the H200's, the predictions the B200's: a projection, never an error
        assertThat(r.out()).contains("What-if: the trace was recorded on NVIDIA H200; predictions are for B200")
                .contains("measured on NVIDIA H200 us").contains("predicted on B200 us").contains("predicted/measured")
                .containsPattern("(?m)^all +[\\d,]+ +[\\d,.]+ +[\\d,.]+ +\\d+\\.\\d\\dx$")
                .contains("End to end (what-if)").contains("coverage")
                .doesNotContain("|err|").doesNotContain("total err");
        JsonNode target = JSON.readTree(dir.resolve("b200/summary.json").toFile()).path("simulation").path("target");
        assertThat(target.path("what_if").asBoolean(false)).isTrue();
        assertThat(target.path("is_trace_device").asBoolean(true)).isFalse();
        JsonNode run = JSON.readTree(dir.resolve("b200/run.json").toFile()).path("traces").get(0);
        assertThat(run.path("what_if").asBoolean(false)).isTrue();
        CliRun unknown = BundledPluginRun.run(plugins, "simulate", "--trace-file",
                flowsimTrace().toString(), "--output-dir", dir.resolve("x").toString(), "--gpu", "TPU v5");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no hardware profile for 'TPU v5'").contains("--hardware")
                .doesNotContain("\tat ");
    }

    @Test
    void theRecordedGpuNamedShortIsNoWhatIf() throws IOException {
        Path plugins = plugins(dir);
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", flowsimTrace().toString(),
                "--output-dir", dir.resolve("h200").toString(), "--gpu", "H200");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // H200 and NVIDIA H200 are one profile to the backend: the run is judged on accuracy
        assertThat(r.out()).contains("Simulated H200 with backend analytical").contains("median |err|")
                .doesNotContain("What-if");
        JsonNode target = JSON.readTree(dir.resolve("h200/summary.json").toFile()).path("simulation").path("target");
        assertThat(target.path("is_trace_device").asBoolean(false)).isTrue();
        assertThat(target.path("what_if").asBoolean(true)).isFalse();
        JsonNode run = JSON.readTree(dir.resolve("h200/run.json").toFile()).path("traces").get(0);
        assertThat(run.path("target_is_trace_device").asBoolean(false)).isTrue();
        assertThat(run.path("what_if").asBoolean(true)).isFalse();
    }

    @Test
    void validateAndCalibrateOnASharedTable() throws IOException {
        Path plugins = plugins(dir);
        Path table = BundledPluginRun.sharedDir().resolve("data/groundtruth/aiconfigurator/a100_sxm/mla_bmm");
        assumeTrue(Files.isDirectory(table), "groundtruth tables absent");
        CliRun v = BundledPluginRun.run(plugins, "validate", table.toString());
        assertThat(v.exitCode()).as(v.err()).isZero();
        assertThat(v.out()).contains("mla_bmm bf16").contains("[NVIDIA A100-SXM4-80GB]");

        Path profile = dir.resolve("fitted/a100.json");
        CliRun c = BundledPluginRun.run(plugins, "calibrate", table.toString(), "-o", profile.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).contains("held out").contains("compute_efficiency").contains("median before")
                .contains("--hardware " + profile);
        JsonNode written = JSON.readTree(profile.toFile());
        assertThat(written.path("id").asText()).isEqualTo("a100-sxm-80gb");
        assertThat(written.path("calibration").path("fitted_on").asText()).contains("gemm");

        CliRun again = BundledPluginRun.run(plugins, "validate", "--hardware", profile.toString(),
                "--split", "held-out", table.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("held-out part");
    }

    @Test
    void benchReportsKernelsPerSecondOnTheTrace() throws IOException {
        Path plugins = plugins(dir);
        CliRun r = BundledPluginRun.run(plugins, "bench", "--trace-file", flowsimTrace().toString(),
                "--min-seconds", "0.5", "--warmup-seconds", "0.2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Backend analytical on NVIDIA H200").contains("kernels/s")
                .containsPattern("(?m)^all +853 ");
    }
}
