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
 * The GPUs the twelfth and thirteenth sessions added profiles for, as users reach them: {@code --gpu} with each
 * new profile on a demo trace, and measured tables in each measurement-collection folder simulated on the profile
 * that folder stands for. Skipped when the plugin zips are not built.
 */
class GpuProfilesEndToEndTest {

    /** The profiles added in the twelfth session. */
    static final List<String> NEW_PROFILES = List.of("h800-sxm", "h20", "gb200", "l4", "a10", "a40",
            "v100-sxm2-16gb", "v100-sxm2-32gb", "v100-pcie-16gb", "v100-pcie-32gb", "t4");

    /** The profiles added in the thirteenth session, each with the name its aiconfigurator folders give. */
    static final Map<String, String> THIRTEENTH_PROFILES = Map.of("b300", "B300", "gb300", "GB300", "a30", "A30",
            "h20-3e", "H20E");

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    Path dir;

    @Test
    void theDemoTraceRunsOnEveryNewGpu() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = BundledPluginRun.repoDir()
                .resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.exists(trace), "demo trace absent");
        List<String> all = new ArrayList<>(NEW_PROFILES);
        all.addAll(List.of("b300", "gb300", "a30", "h20-3e"));
        for (String id : all) {
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
     * folder stands for; a table whose device column names a GPU without a profile is refused in one line.
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
        Path neutral = Files.createDirectories(dir.resolve("tables/any/gemm")).resolve("gemm_perf.csv");
        Files.writeString(neutral, TABLE);
        Set<String> distinct = new HashSet<>();
        for (Map.Entry<String, String> e : profileOfFolder.entrySet()) {
            Path folder = folderWithTable(e.getKey());
            List<String> byFolder = predictions(plugins, folder.toString());
            List<String> byGpu = predictions(plugins, neutral.toString(), "--gpu", e.getValue());
            assertThat(byFolder).as(e.getKey()).isEqualTo(byGpu);
            distinct.add(byFolder.get(0));
        }
        // the folders do reach different GPUs
        assertThat(distinct).hasSizeGreaterThan(profileOfFolder.size() - 2);

        Path unknown = Files.createDirectories(dir.resolve("tables/g5/gemm")).resolve("gemm_perf.csv");
        Files.writeString(unknown, "device," + TABLE.lines().findFirst().orElseThrow() + "\n"
                + "NVIDIA A10G,SGLang,0.0.0,gemm,handwritten,float16,1024,4096,4096,0.200\n");
        CliRun refused = BundledPluginRun.run(plugins, "validate", unknown.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("no hardware profile for 'NVIDIA A10G'").contains("--hardware")
                .doesNotContain("\tat ");
    }

    /**
     * The folders of the GPUs that got their profile in the thirteenth session (B300 and GB300 share their
     * GEMM peaks with B200 and GB200, the two H20E folders are one GPU): the table in each predicts what it
     * predicts with {@code --gpu} naming the profile, and a user profile replacing that profile id (a hand-made
     * one with other peaks, answering to the folder's name) changes the folder's predictions, so the folder
     * reaches that id and no other profile with the same peaks.
     */
    @Test
    void theThirteenthSessionsFoldersReachTheirOwnProfiles() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Map<String, String> profileOfFolder = new LinkedHashMap<>();
        profileOfFolder.put("b300_sxm", "b300");
        profileOfFolder.put("gb300", "gb300");
        profileOfFolder.put("a30", "a30");
        profileOfFolder.put("h20e_sxm", "h20-3e");
        profileOfFolder.put("h20_3e", "h20-3e");
        Path neutral = Files.createDirectories(dir.resolve("tables/any/gemm")).resolve("gemm_perf.csv");
        Files.writeString(neutral, TABLE);
        for (Map.Entry<String, String> e : profileOfFolder.entrySet()) {
            String id = e.getValue();
            Path folder = folderWithTable(e.getKey());
            List<String> byFolder = predictions(plugins, folder.toString());
            assertThat(byFolder).as(e.getKey()).isEqualTo(predictions(plugins, neutral.toString(), "--gpu", id));
            Path replacement = dir.resolve(e.getKey() + "-replacement.json");
            Files.writeString(replacement, """
                    {"id": "%s", "name": "hand-made replacement of %s", "aliases": ["%s"], "sm_count": 100,
                     "peak_tflops": {"bf16": 50}, "hbm_bandwidth_gbps": 500, "efficiency_from": "%s"}"""
                    .formatted(id, id, THIRTEENTH_PROFILES.get(id), id));
            List<String> replaced = predictions(plugins, "--hardware", replacement.toString(), folder.toString());
            assertThat(replaced).as(e.getKey()).isNotEqualTo(byFolder);
        }
    }

    /** aiconfigurator's GEMM header without its device column, two rows written here (hand-made). */
    private static final String TABLE = "framework,version,op_name,kernel_source,gemm_dtype,m,n,k,latency\n"
            + "SGLang,0.0.0,gemm,handwritten,float16,1024,4096,4096,0.200\n"
            + "SGLang,0.0.0,gemm,handwritten,bfloat16,128,4096,4096,0.050\n";

    private Path folderWithTable(String name) throws IOException {
        Path folder = dir.resolve("tables").resolve(name);
        Files.writeString(Files.createDirectories(folder.resolve("gemm")).resolve("gemm_perf.csv"), TABLE);
        return folder;
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
