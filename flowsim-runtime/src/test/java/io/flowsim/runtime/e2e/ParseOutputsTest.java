package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code flowsim parse} end to end with the bundled plugins: the files it writes, summary numbers
 * checked against totals computed here straight from the trace, the unknown list rewritten per
 * run, coverage of every real trace by the bundled kernels.json, and {@code flowsim kernels check}.
 */
class ParseOutputsTest {

    private static final String H200 = "data/traces/FlowSim/sglang_deepseek_tp4_rank0_h200.trace.json.gz";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void plugins() throws IOException {
        plugins = BundledPluginRun.pluginDirectory(work);
    }

    static List<CSVRecord> csv(Path file) throws IOException {
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(file))) {
            return new ArrayList<>(p.getRecords());
        }
    }

    private static BigDecimal micros(long ns) {
        return BigDecimal.valueOf(ns, 3);
    }

    @Test
    void parseWritesTheCsvSummaryAndUnknownListWithTrueNumbers() throws IOException {
        Path trace = BundledPluginRun.sharedDir().resolve(H200);
        Path out = work.resolve("h200");
        CliRun r = BundledPluginRun.parse(plugins, trace, out);
        assertThat(r.exitCode()).as(r.err()).isZero();

        Path csv = out.resolve("sglang_deepseek_tp4_rank0_h200.trace.csv");
        List<CSVRecord> rows = csv(csv);
        assertThat(rows).hasSize(664);
        String text = Files.readString(csv);
        assertThat(text).startsWith("Name,Dims,Data Type,Input/Output,Descriptions,Duration (us),op,operation,"
                + "Source Code,Call Stack,").endsWith("\r\n");
        assertThat(out.resolve("sglang_deepseek_tp4_rank0_h200.trace.memory.csv")).exists();

        TraceFacts facts = TraceFacts.of(trace);
        JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
        assertThat(s.get("kernel_count").asLong()).isEqualTo(facts.kernelCount()).isEqualTo(664);
        assertThat(s.get("kernel_time_us").decimalValue()).isEqualByComparingTo(micros(facts.kernelTimeNs()))
                .isEqualByComparingTo("77591.032");
        assertThat(s.get("busy_time_us").decimalValue()).isEqualByComparingTo(micros(facts.busyTimeNs()));
        assertThat(s.get("wall_time_us").decimalValue()).isEqualByComparingTo(micros(facts.wallTimeNs()));
        assertThat(facts.busyTimeNs()).isLessThan(facts.kernelTimeNs()).as("streams overlap");
        assertThat(facts.wallTimeNs()).isGreaterThan(facts.busyTimeNs()).as("the GPU idles");
        BigDecimal resolved = s.get("resolved_kernel_time_us").decimalValue();
        assertThat(resolved.doubleValue() / s.get("kernel_time_us").doubleValue()).isGreaterThanOrEqualTo(0.98);

        BigDecimal csvResolved = BigDecimal.ZERO;
        BigDecimal perFamily = BigDecimal.ZERO;
        for (CSVRecord row : rows) {
            if (List.of("exact_name", "name_pattern", "operator").contains(row.get("Resolved By"))) {
                csvResolved = csvResolved.add(new BigDecimal(row.get("Duration (us)")));
            }
        }
        for (JsonNode f : s.get("per_family")) {
            perFamily = perFamily.add(f.get("kernel_time_us").decimalValue());
        }
        assertThat(resolved).isEqualByComparingTo(csvResolved);
        assertThat(perFamily).isEqualByComparingTo(s.get("kernel_time_us").decimalValue());

        Path unknown = out.resolve("unknown_kernels.json");
        String first = Files.readString(unknown);
        assertThat(BundledPluginRun.parse(plugins, trace, out).exitCode()).isZero();
        assertThat(Files.readString(unknown)).as("rewritten, not appended").isEqualTo(first);
        assertThat(JSON.readTree(first).get("kernels").size()).isEqualTo(s.get("unknown_kernel_count").asInt());
        assertThat(out.resolve(JSON.readTree(first).get("$schema").asText())).as("the schema beside it").isRegularFile();
    }

    @TestFactory
    Stream<DynamicTest> everyRealTraceResolvesThroughTheBundledDatabase() throws IOException {
        List<Path> traces = new ArrayList<>();
        Optional<Path> shared = BundledPluginRun.sharedDirIfPresent();
        if (shared.isPresent() && Files.isDirectory(shared.get().resolve("data/traces"))) {
            try (Stream<Path> s = Files.walk(shared.get().resolve("data/traces"))) {
                s.filter(p -> p.toString().endsWith(".json.gz")).sorted().forEach(traces::add);
            }
        }
        Path demo = BundledPluginRun.repoDir().resolve("demo/traces");
        if (Files.isDirectory(demo)) {
            try (Stream<Path> s = Files.list(demo)) {
                s.filter(p -> p.toString().endsWith(".json.gz")).sorted().forEach(traces::add);
            }
        }
        assumeTrue(!traces.isEmpty(), "no traces available");
        return traces.stream().map(trace -> DynamicTest.dynamicTest(trace.getFileName().toString(), () -> {
            Path out = work.resolve("coverage-" + trace.getFileName());
            CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file", trace.toString(),
                    "--output-dir", out.toString(), "--exporter", "summary");
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode s = JSON.readTree(out.resolve("summary.json").toFile());
            assertThat(s.get("resolved_fraction").asDouble()).isGreaterThanOrEqualTo(0.98);
            assertThat(s.get("kernel_time_us").decimalValue())
                    .isEqualByComparingTo(micros(TraceFacts.of(trace).kernelTimeNs()));
        }));
    }

    @Test
    void kernelsCheckReportsABrokenEntryByIndexAndExitsTwo() throws IOException {
        Path broken = work.resolve("broken-kernels.json");
        Files.writeString(broken, """
                [
                  {"kernel_name": "fine", "op_mapping": "x"},
                  {"name_pattern": "nvjet_(", "family": "gemm"}
                ]
                """);
        CliRun r = BundledPluginRun.run(plugins, "kernels", "check", broken.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains(broken + ": entry #1 (line 3): field 'name_pattern': not a valid regular expression");
        assertThat(r.err()).contains("1 problem found").doesNotContain("\tat ");

        Path original = BundledPluginRun.sharedDir().resolve("data/flowsim/kernels.json");
        CliRun ok = BundledPluginRun.run(plugins, "kernels", "check", original.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains(original + ": OK");
    }

    @Test
    void aBrokenUserDatabaseStopsParseWithExitTwoAndNoOutputs() throws IOException {
        Path broken = work.resolve("broken-for-parse.json");
        Files.writeString(broken, "[{\"kernel_name\": \"a\", \"familly\": \"gemm\"}]");
        Path out = work.resolve("broken-run");
        CliRun r = BundledPluginRun.parse(plugins,
                BundledPluginRun.sharedDir().resolve("data/traces/HolisticTraceAnalysis/triton_example.json.gz"), out,
                "--kernels", broken.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(broken + ": entry #0 (line 1, kernel_name 'a'): field 'familly': unknown field")
                .doesNotContain("\tat ");
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files).isEmpty();
            }
        }
    }
}
