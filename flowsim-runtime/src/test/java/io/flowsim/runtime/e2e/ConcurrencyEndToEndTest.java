package io.flowsim.runtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.runtime.CliRun;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each kernel's overlap with kernels of other streams of its device, from a trace to the CSV, summary.json
 * and the simulate table: on the hand-made trace {@code handmade/concurrency} (see its README: invented
 * times laid out for the edge cases), on the single-stream demo trace, and on the real HTA training trace
 * whose NCCL and side streams run beside the compute stream.
 */
class ConcurrencyEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    private static final Path FIXTURE = BundledPluginRun.repoDir()
            .resolve("flowsim-runtime/src/test/resources/handmade/concurrency/handmade-concurrency.trace.json");

    @TempDir
    Path dir;

    @Test
    void everyEdgeCaseOfTheHandMadeTraceGetsItsOverlapWhenParsed() throws IOException {
        Path plugins = BundledPluginRun.pluginDirectory(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file", FIXTURE.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        // device/stream/start -> overlap us, overlap %
        Map<String, String> overlap = new LinkedHashMap<>();
        for (CSVRecord row : rows(out.resolve("handmade-concurrency.trace.csv"))) {
            overlap.put(row.get("Device") + "/" + row.get("Stream") + "@" + row.get("Start (us)"),
                    row.get("Overlap (us)") + " " + row.get("Overlap (%)"));
        }
        assertThat(overlap).containsExactly(
                Map.entry("0/7@1000.0", "50.0 50.00"),      // half under the NCCL kernel
                Map.entry("1/7@1000.0", "10.0 10.00"),      // same times on device 1: only its own stream 8 counts
                Map.entry("0/20@1050.0", "50.0 33.33"),     // the NCCL kernel (collectives count)
                Map.entry("1/8@1090.0", "10.0 50.00"),
                Map.entry("0/7@1200.0", "0.0 0.00"),        // starts where the NCCL kernel ends: touching
                Map.entry("0/7@1400.0", "30.0 30.00"),      // two other streams inside it, their union once
                Map.entry("0/20@1420.0", "10.0 100.00"),    // nested
                Map.entry("0/21@1425.0", "25.0 100.00"),    // a third stream
                Map.entry("0/20@1460.0", "0.0 "),           // zero length: no share
                Map.entry("0/7@1600.0", "0.0 0.00"));       // beside a device-to-device copy only
        List<CSVRecord> memory = rows(out.resolve("handmade-concurrency.trace.memory.csv"));
        assertThat(memory).hasSize(1);
        assertThat(memory.get(0).isMapped("Overlap (us)")).as("copies have no overlap column").isFalse();

        JsonNode c = json(out.resolve("summary.json")).get("concurrency");
        assertThat(c.get("concurrent_kernel_count").asLong()).isEqualTo(7);
        assertThat(c.get("concurrent_kernel_time_us").decimalValue()).isEqualByComparingTo("505");
        assertThat(c.get("overlap_time_us").decimalValue()).isEqualByComparingTo("185");
        assertThat(c.get("isolated_kernel_count").asLong()).isEqualTo(2);
        assertThat(c.get("isolated_kernel_time_us").decimalValue()).isEqualByComparingTo("200");
        assertThat(c.get("isolated_per_family").toString())
                .isEqualTo("[{\"family\":\"gemm\",\"count\":2,\"kernel_time_us\":200}]");
        assertThat(c.has("isolated_accuracy")).as("parse predicts nothing").isFalse();
    }

    @Test
    void simulateReportsTheIsolatedKernelsBesideAllWithTheirShare() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", FIXTURE.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("isolated  share  iso median |err|  iso total err")
                .contains("7 of 10 kernels overlapped another stream (505.0 us of kernel time, 185.0 us of it shared)");
        // five GEMMs predicted, two of them isolated: 200 of their 500 us
        String all = r.out().lines().filter(l -> l.startsWith("all ")).findFirst().orElseThrow();
        assertThat(all.trim().split("\\s+")).startsWith("all", "5", "500.0").contains("2", "40.0%");

        JsonNode j = json(out.resolve("summary.json"));
        JsonNode isolatedAll = last(j.get("concurrency").get("isolated_accuracy"));
        JsonNode everyAll = last(j.get("simulation").get("accuracy"));
        assertThat(isolatedAll.get("group").asText()).isEqualTo("all");
        assertThat(isolatedAll.get("count").asLong()).isEqualTo(2);
        assertThat(isolatedAll.get("measured_time_us").decimalValue()).isEqualByComparingTo("200");
        assertThat(everyAll.get("count").asLong()).as("the headline stays over every prediction").isEqualTo(5);
    }

    @Test
    void theSingleStreamDemoTraceHasNoOverlapAndNoConcurrencyFigures() throws IOException {
        Path trace = BundledPluginRun.repoDir().resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.isRegularFile(trace), "demo trace absent");
        Path plugins = BundledPluginRun.pluginDirectory(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file", trace.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<CSVRecord> rows = rows(out.resolve("h200_llama3-8b-4layer_prefill4x1024_decode8.trace.csv"));
        assertThat(rows).hasSize(1294);
        assertThat(rows).allSatisfy(row -> assertThat(row.get("Overlap (us)")).isEqualTo("0.0"));
        assertThat(json(out.resolve("summary.json")).has("concurrency")).isFalse();
    }

    @Test
    void theHtaTrainingTraceRunsKernelsOfSeveralStreamsAtOnce() throws IOException {
        Path trace = BundledPluginRun.sharedDir().resolve("data/traces/HolisticTraceAnalysis/trace_filter__sampled_rank-0.json.gz");
        assumeTrue(Files.isRegularFile(trace), "HTA trace absent");
        Path plugins = BundledPluginRun.pluginDirectory(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file", trace.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<CSVRecord> rows = rows(out.resolve("trace_filter__sampled_rank-0.csv"));
        List<CSVRecord> sharedOnSeven = new ArrayList<>();
        BigDecimal overlapSum = BigDecimal.ZERO;
        for (CSVRecord row : rows) {
            BigDecimal overlap = new BigDecimal(row.get("Overlap (us)"));
            assertThat(overlap).isLessThanOrEqualTo(new BigDecimal(row.get("Duration (us)")));
            overlapSum = overlapSum.add(overlap);
            if (row.get("Stream").equals("7") && overlap.signum() > 0) {
                sharedOnSeven.add(row);
            }
        }
        // the compute stream 7 runs beside the NCCL stream: a fifth of its kernels share the GPU (253 of 1,036)
        assertThat(sharedOnSeven).hasSizeBetween(200, 300);
        JsonNode c = json(out.resolve("summary.json")).get("concurrency");
        assertThat(c.get("overlap_time_us").decimalValue()).isEqualByComparingTo(overlapSum);
        assertThat(c.get("concurrent_kernel_count").asLong() + c.get("isolated_kernel_count").asLong())
                .isLessThanOrEqualTo(rows.size()).isGreaterThan(rows.size() - 5);
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static JsonNode json(Path file) throws IOException {
        return new JsonMapper().readTree(file.toFile());
    }

    private static List<CSVRecord> rows(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file); CSVParser csv = CSVParser.parse(reader, CSV)) {
            return csv.getRecords();
        }
    }
}
