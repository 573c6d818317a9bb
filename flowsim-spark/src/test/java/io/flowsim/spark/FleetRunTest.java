package io.flowsim.spark;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineSpec;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    private static Path broken;
    private static Path output;
    private static FleetRun.Result first;

    @BeforeAll
    static void runJob() throws IOException {
        Path plugins = BundledPlugins.copyTo(dir);
        fleet = Files.createDirectories(dir.resolve("fleet"));
        for (Path trace : BundledPlugins.traces()) {
            Files.createSymbolicLink(fleet.resolve(trace.getFileName()), trace);
        }
        // hand-made broken input: the first half of a real gzip trace (a truncated download)
        byte[] whole = Files.readAllBytes(BundledPlugins.traces().get(0));
        broken = Files.write(fleet.resolve("truncated_rank9.trace.json.gz"),
                java.util.Arrays.copyOf(whole, whole.length / 2));
        settings = new JobSettings(List.of(plugins.toString()), List.of(), "analytical", Optional.empty(), false);
        spark = SparkSession.builder().master("local[2]").appName("flowsim-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.default.parallelism", "2")
                .getOrCreate();
        output = dir.resolve("out");
        first = FleetRun.run(spark, new FleetRun.Spec(List.of(fleet + "/*.json.gz"), output.toString(), Optional.empty(),
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
        List<Path> traces = BundledPlugins.traces();
        for (Path trace : traces) {
            // the path the job read, so that messages naming the file are equal
            Expected expected = expected(fleet.resolve(trace.getFileName()));
            List<Row> rows = kernels.filter(col("trace_path").endsWith("/" + trace.getFileName()))
                    .orderBy("kernel_index").select("name", "duration_us", "predicted_us", "status", "simulation_note",
                            "run", "stage").collectAsList();
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
    void identicalRequestsAreSimulatedOnceAcrossTheFleet() {
        Dataset<Row> kernels = spark.read().parquet(output.resolve("kernels").toString());
        long distinctKeys = kernels.filter(col("request_key").notEqual("")).select("request_key").distinct().count();
        assertThat(first.distinctRequests()).isEqualTo(distinctKeys);
        assertThat(first.distinctRequests()).isLessThan(first.kernelRequests());
    }

    @Test
    void aRerunSkipsCompleteTracesAndRetriesOnlyTheFailedOne() {
        long rowsBefore = spark.read().parquet(output.resolve("kernels").toString()).count();
        FleetRun.Result again = FleetRun.run(spark, new FleetRun.Spec(List.of(fleet.toString()), output.toString(),
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
