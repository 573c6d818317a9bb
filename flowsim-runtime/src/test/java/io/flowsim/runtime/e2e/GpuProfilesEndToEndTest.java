package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GPUs the twelfth session added profiles for, as users reach them: {@code --gpu} with each new profile on
 * a demo trace, and measured tables in each measurement-collection folder simulated on the profile that folder
 * stands for. Skipped when the plugin zips are not built.
 */
class GpuProfilesEndToEndTest {

    /** The profiles added in the twelfth session. */
    static final List<String> NEW_PROFILES = List.of("h800-sxm", "h20", "gb200", "l4", "a10", "a40",
            "v100-sxm2-16gb", "v100-sxm2-32gb", "v100-pcie-16gb", "v100-pcie-32gb", "t4");

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    Path dir;

    @Test
    void theDemoTraceRunsOnEveryNewGpu() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = BundledPluginRun.repoDir()
                .resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.exists(trace), "demo trace absent");
        for (String id : NEW_PROFILES) {
            CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                    dir.resolve(id).toString(), "--gpu", id, "--exporter", "summary");
            assertThat(r.exitCode()).as(id + ": " + r.err()).isZero();
            assertThat(r.out()).as(id).contains("Simulated " + id + " with backend analytical")
                    .contains("analytical profile " + id).contains("End to end");
            if (id.startsWith("v100") || id.equals("t4")) {
                // the demo's bf16 GEMMs have no BF16 tensor cores to run on: unsupported, with the reason
                assertThat(r.out()).as(id).contains(id + " has no bf16 tensor-core peak");
            } else {
                assertThat(r.out()).as(id).doesNotContain("tensor-core peak");
            }
        }
    }

    /**
     * A hand-made table (aiconfigurator's GEMM header without a device column, two rows written here) under
     * each system folder predicts exactly what the same table predicts with {@code --gpu} naming the profile the
     * folder stands for; a folder of a GPU without a profile is refused in one line.
     */
    @Test
    void aTableInEachSystemFolderIsSimulatedOnItsProfile() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Map<String, String> profileOfFolder = new LinkedHashMap<>();
        profileOfFolder.put("h800_sxm", "h800-sxm");
        profileOfFolder.put("h20_sxm", "h20");
        profileOfFolder.put("gb200", "gb200");
        profileOfFolder.put("l4", "l4");
        profileOfFolder.put("a10", "a10");
        profileOfFolder.put("a40", "a40");
        profileOfFolder.put("v100", "v100-sxm2-16gb");
        profileOfFolder.put("t4", "t4");
        profileOfFolder.put("l40s", "l40s");
        profileOfFolder.put("a100_pcie", "a100-pcie-80gb");
        profileOfFolder.put("h100_pcie", "h100-pcie");
        profileOfFolder.put("h200_sxm", "h200-sxm");
        profileOfFolder.put("b200_sxm", "b200");
        String table = "framework,version,op_name,kernel_source,gemm_dtype,m,n,k,latency\n"
                + "SGLang,0.0.0,gemm,handwritten,float16,1024,4096,4096,0.200\n"
                + "SGLang,0.0.0,gemm,handwritten,bfloat16,128,4096,4096,0.050\n";
        Path neutral = Files.createDirectories(dir.resolve("tables/any/gemm")).resolve("gemm_perf.csv");
        Files.writeString(neutral, table);
        Set<String> distinct = new HashSet<>();
        for (Map.Entry<String, String> e : profileOfFolder.entrySet()) {
            Path folder = dir.resolve("tables").resolve(e.getKey());
            Files.writeString(Files.createDirectories(folder.resolve("gemm")).resolve("gemm_perf.csv"), table);
            List<String> byFolder = predictions(plugins, folder.toString());
            List<String> byGpu = predictions(plugins, neutral.toString(), "--gpu", e.getValue());
            assertThat(byFolder).as(e.getKey()).isEqualTo(byGpu);
            distinct.add(byFolder.get(0));
        }
        // the folders do reach different GPUs
        assertThat(distinct).hasSizeGreaterThan(profileOfFolder.size() - 2);

        Path b300 = dir.resolve("tables/b300_sxm");
        Files.writeString(Files.createDirectories(b300.resolve("gemm")).resolve("gemm_perf.csv"), table);
        CliRun refused = BundledPluginRun.run(plugins, "validate", b300.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("no hardware profile for 'B300'").contains("--hardware")
                .doesNotContain("\tat ");
    }

    /** The predicted_ns and reason of each row of {@code flowsim validate}'s CSV, in row order. */
    private List<String> predictions(Path plugins, String... args) throws IOException {
        Path csv = Files.createTempFile(dir, "validate", ".csv");
        List<String> all = new ArrayList<>(List.of("validate", "--csv", csv.toString()));
        all.addAll(List.of(args));
        CliRun r = BundledPluginRun.run(plugins, all.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
        List<String> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(csv)) {
            for (CSVRecord rec : CSV.parse(reader)) {
                rows.add(rec.get("predicted_ns") + " " + rec.get("reason"));
            }
        }
        assertThat(rows).hasSize(2);
        return rows;
    }
}
