package io.flowsim.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.Stage;
import io.flowsim.runtime.cli.Main;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the job with {@code local[2]} on the demo traces, the shared traces (when present) and a
 * truncated trace made here, and compares the Parquet tables with what the command line's pipeline
 * writes for each trace: the same kernel rows, measured and predicted times. One Spark session for
 * the class (Spark's start is slow), no UI, two shuffle partitions.
 */
class FleetRunTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static JobSettings settings;
    private static Path fleet;
    private static Path damaged;
    private static Path broken;
    private static Path output;
    private static Path plugins;
    private static FleetRun.Result first;

    @BeforeAll
    static void runJob() throws IOException {
        plugins = BundledPlugins.copyTo(dir);
        fleet = Files.createDirectories(dir.resolve("fleet"));
        for (Path trace : BundledPlugins.traces()) {
            Files.createSymbolicLink(fleet.resolve(trace.getFileName()), trace);
        }
        // hand-made broken input: the first half of a real gzip trace (a truncated download), in a run of
        // its own so that the fleet run is exactly what `flowsim parse --trace-dir fleet` reads
        damaged = Files.createDirectories(dir.resolve("damaged"));
        byte[] whole = Files.readAllBytes(BundledPlugins.traces().get(0));
        broken = Files.write(damaged.resolve("truncated_rank9.trace.json.gz"),
                java.util.Arrays.copyOf(whole, whole.length / 2));
        settings = new JobSettings(List.of(plugins.toString()), List.of(), "analytical", Optional.empty(), false);
        spark = SparkSession.builder().master("local[2]").appName("flowsim-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .getOrCreate();
        output = dir.resolve("out");
        first = FleetRun.run(spark, new FleetRun.Spec(List.of(fleet + "/*.json.gz", damaged + "/*.gz"), output.toString(),
                Optional.empty(),
                settings), line -> { });
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void everyTraceHasTheCommandLinesKernelRowsWithEqualMeasuredAndPredictedTimes() throws IOException {
        Dataset<Row> kernels = spark.read().parquet(output.resolve("kernels").toString());
        // one read of the table, grouped by file name here: a Spark job per trace costs more than the comparison
        Map<String, List<Row>> rowsByFile = new HashMap<>();
        for (Row r : kernels.orderBy("trace_path", "kernel_index")
                .select("name", "duration_us", "predicted_us", "status", "simulation_note", "run", "trace_path")
                .collectAsList()) {
            String path = r.getString(6);
            rowsByFile.computeIfAbsent(path.substring(path.lastIndexOf('/') + 1), k -> new ArrayList<>()).add(r);
        }
        List<Path> traces = BundledPlugins.traces();
        for (Path trace : traces) {
            // the path the job read, so that messages naming the file are equal
            Expected expected = expected(fleet.resolve(trace.getFileName()));
            List<Row> rows = rowsByFile.getOrDefault(trace.getFileName().toString(), List.of());
            assertThat(rows).as(trace.getFileName().toString()).hasSize(expected.rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                CSVRecord csv = expected.rows.get(i);
                assertThat(row.getString(0)).isEqualTo(csv.get("Name"));
                assertThat(BigDecimal.valueOf(row.getDouble(1))).isEqualByComparingTo(csv.get("Duration (us)"));
                if (expected.simulationFailure.isPresent()) {
                    assertThat(row.isNullAt(2)).isTrue();
                    assertThat(row.getString(3)).isEqualTo("failed");
                    assertThat(row.getString(4)).isEqualTo(expected.simulationFailure.get());
                } else if (csv.get("Predicted (us)").isEmpty()) {
                    assertThat(row.isNullAt(2)).as("prediction of row %d of %s", i, trace).isTrue();
                    assertThat(row.getString(3)).isEqualTo(csv.get("Status"));
                } else {
                    assertThat(BigDecimal.valueOf(row.getDouble(2)))
                            .as("prediction of row %d of %s", i, trace).isEqualByComparingTo(csv.get("Predicted (us)"));
                    assertThat(row.getString(3)).isEqualTo("ok");
                }
                assertThat(row.getString(5)).isEqualTo("fleet");
            }
        }
        assertThat(first.kernelRows()).isEqualTo(kernels.count());
    }

    @Test
    void rankStageAndEveryColumnEqualWhatFlowsimParseWritesForTheSameRun() throws IOException {
        Path cli = dir.resolve("cli-parse");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--quiet", "--no-bundled-plugins", "--plugins-dir", plugins.toString(),
                "parse", "--trace-dir", fleet.toString(), "--output-dir", cli.toString(), "--no-report", "--jobs", "2"},
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode run = new ObjectMapper().readTree(cli.resolve("run.json").toFile());
        // one read of each table, grouped here: a Spark job per trace would cost more than the comparison
        Map<String, List<Row>> kernelsByTrace = new HashMap<>();
        for (Row r : spark.read().parquet(output.resolve("kernels").toString()).filter(col("run").equalTo("fleet"))
                .orderBy("trace", "kernel_index").collectAsList()) {
            kernelsByTrace.computeIfAbsent(r.getAs("trace"), k -> new ArrayList<>()).add(r);
        }
        Map<String, Row> traceRows = new HashMap<>();
        for (Row r : spark.read().parquet(output.resolve("traces").toString()).filter(col("run").equalTo("fleet"))
                .collectAsList()) {
            traceRows.put(r.getAs("trace"), r);
        }
        Set<String> stagesSeen = new TreeSet<>();
        assertThat(run.get("traces")).hasSize(BundledPlugins.traces().size());
        for (JsonNode t : run.get("traces")) {
            String name = t.get("name").asText();
            Row traceRow = traceRows.get(name);
            assertThat(traceRow).as(name).isNotNull();
            assertThat((Integer) traceRow.getAs("rank")).as("rank of %s", name).isEqualTo(t.get("rank").asInt());
            assertThat((String) traceRow.getAs("rank_source")).isEqualTo(t.get("rank_source").asText());
            List<Row> rows = kernelsByTrace.getOrDefault(name, List.of());
            Map<String, long[]> perStage = new HashMap<>();
            try (Reader reader = Files.newBufferedReader(cli.resolve(name).resolve(name + ".csv"), StandardCharsets.UTF_8);
                 CSVParser parser = CSV.parse(reader)) {
                List<String> header = parser.getHeaderNames();
                assertThat(header).contains("Stage", "FLOPs", "% of Peak", "Bound");
                List<CSVRecord> records = parser.getRecords();
                assertThat(rows).as(name).hasSize(records.size());
                for (int i = 0; i < rows.size(); i++) {
                    Row row = rows.get(i);
                    CSVRecord csv = records.get(i);
                    assertThat((Integer) row.getAs("rank")).isEqualTo(t.get("rank").asInt());
                    for (String h : header) {
                        assertCell(row.getAs(ColumnNames.of(h)), csv.get(h), name + " row " + i + " column " + h);
                    }
                    stagesSeen.add(csv.get("Stage"));
                    long[] sums = perStage.computeIfAbsent(csv.get("Stage"), s -> new long[2]);
                    sums[0]++;
                    sums[1] += (Long) row.getAs("duration_ns");
                }
            }
            for (Stage stage : Stage.values()) {
                long[] sums = perStage.getOrDefault(stage.id(), new long[2]);
                assertThat((Long) traceRow.getAs(stage.id() + "_kernels")).as("%s %s kernels", name, stage)
                        .isEqualTo(sums[0]);
                assertThat((Long) traceRow.getAs(stage.id() + "_kernel_time_ns")).as("%s %s time", name, stage)
                        .isEqualTo(sums[1]);
            }
        }
        // the demo traces were captured with prefill and decode annotations
        assertThat(stagesSeen).contains("prefill", "decode");
    }

    /** A table cell equals the CSV's: empty is null, numbers compare as numbers, the rest as text. */
    private static void assertCell(Object value, String csv, String where) {
        if (value == null) {
            assertThat(csv).as(where).isEmpty();
        } else if (value instanceof Double d) {
            assertThat(d).as(where).isEqualTo(Double.parseDouble(csv));
        } else {
            assertThat(String.valueOf(value)).as(where).isEqualTo(csv);
        }
    }

    @Test
    void aBrokenTraceIsAFailedRowWithItsReasonAndTheOthersAreOk() {
        List<Row> traces = spark.read().parquet(output.resolve("traces").toString())
                .select("path", "status", "reason", "kernels").collectAsList();
        assertThat(traces).hasSize(BundledPluginsCount.all());
        for (Row r : traces) {
            if (r.getString(0).endsWith(broken.getFileName().toString())) {
                assertThat(r.getString(1)).isEqualTo("failed");
                assertThat(r.getString(2)).contains(broken.getFileName().toString()).doesNotContain("\n");
                assertThat(r.getLong(3)).isZero();
            } else {
                assertThat(r.getString(1)).as(r.getString(0)).isEqualTo("ok");
                assertThat(r.getString(2)).isEmpty();
                assertThat(r.getLong(3)).isPositive();
            }
        }
        assertThat(first.failures()).singleElement().asString().contains(broken.getFileName().toString());
    }

    @Test
    void eachTaskReadsItsTraceWithTheCoresSparkReservedForIt() {
        // spark.task.cpus is not set here: one core per task, so the trace source inflates on the task's thread
        List<Integer> cpus = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(1, 2), 2).map(i -> TraceTask.taskCpus()).collect();
        assertThat(cpus).containsExactly(1, 1);
        assertThat(spark.sparkContext().getConf().getInt("spark.task.cpus", 1)).isEqualTo(1);
    }

    @Test
    void identicalRequestsAreSimulatedOnceAcrossTheFleet() {
        Dataset<Row> kernels = spark.read().parquet(output.resolve("kernels").toString());
        long distinctKeys = kernels.filter(col("request_key").notEqual("")).select("request_key").distinct().count();
        assertThat(first.distinctRequests()).isEqualTo(distinctKeys);
        assertThat(first.distinctRequests()).isLessThan(first.kernelRequests());
    }

    @Test
    void aRerunSkipsCompleteTracesAndRetriesOnlyTheFailedOne() {
        long rowsBefore = spark.read().parquet(output.resolve("kernels").toString()).count();
        FleetRun.Result again = FleetRun.run(spark, new FleetRun.Spec(List.of(fleet.toString(), damaged.toString()),
                output.toString(),
                Optional.empty(), settings), line -> { });
        assertThat(again.skipped()).isEqualTo(BundledPluginsCount.all() - 1);
        assertThat(again.processed()).isEqualTo(1);
        assertThat(again.failures()).hasSize(1);
        assertThat(spark.read().parquet(output.resolve("kernels").toString()).count()).isEqualTo(rowsBefore);
        List<Row> traces = spark.read().parquet(output.resolve("traces").toString()).select("path").collectAsList();
        assertThat(traces).hasSize(BundledPluginsCount.all());
        assertThat(output.resolve("_staging")).doesNotExist();
    }

    /** The kernel CSV of {@code flowsim simulate} (or of parse, with the reason simulate gives, when it cannot). */
    private static Expected expected(Path trace) throws IOException {
        Path out = Files.createTempDirectory(dir, "cli");
        RunContext context = RunContext.of(Options.builder().add("backend", "analytical").build(), Reporter.silent(),
                out);
        Pipeline pipeline = new Pipeline(ExecutorPlugins.registry(settings), context);
        Optional<String> failure = Optional.empty();
        try {
            pipeline.run(new PipelineSpec(trace, out, Optional.empty(), List.of(), List.of("csv"),
                    Optional.of("analytical"), Optional.empty()));
        } catch (FlowsimException e) {
            failure = Optional.of(e.getMessage());
            pipeline.run(new PipelineSpec(trace, out, Optional.empty(), List.of(), List.of("csv"), Optional.empty(),
                    Optional.empty()));
        }
        String name = trace.getFileName().toString().replaceAll("\\.json(\\.gz)?$", "");
        try (Reader reader = Files.newBufferedReader(out.resolve(name + ".csv"), StandardCharsets.UTF_8);
             CSVParser parser = CSV.parse(reader)) {
            return new Expected(new ArrayList<>(parser.getRecords()), failure);
        }
    }

    private record Expected(List<CSVRecord> rows, Optional<String> simulationFailure) {
    }

    /** The traces given to the job: the demo and shared ones, and the truncated one. */
    private static final class BundledPluginsCount {
        static int all() {
            try {
                return BundledPlugins.traces().size() + 1;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

}
