package io.flowsim.spark;

import io.flowsim.api.Exporter;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.Stage;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.TraceDirectory;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The job on the driver: find the traces, skip those already complete in the output, give each
 * remaining trace to one task ({@link TraceTask}), simulate the fleet's distinct requests once
 * ({@link RequestSimulator}), join the predictions back, and publish the {@code kernels} and
 * {@code traces} tables ({@link OutputTables}).
 */
final class FleetRun {

    private static final StructType RAW_KERNELS = new StructType()
            .add("run", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("trace", DataTypes.StringType, false)
            .add("trace_path", DataTypes.StringType, false)
            .add("kernel_index", DataTypes.LongType, false)
            .add("duration_ns", DataTypes.LongType, false)
            .add("request_key", DataTypes.StringType, false)
            .add("pending_note", DataTypes.StringType, false)
            .add("cells", DataTypes.createArrayType(DataTypes.StringType, false), false);

    private static final StructType TRACE_ROWS = traceRows();

    private static StructType traceRows() {
        StructType t = new StructType()
            .add("run", DataTypes.StringType, false)
            .add("rank", DataTypes.IntegerType, false)
            .add("rank_source", DataTypes.StringType, false)
            .add("trace", DataTypes.StringType, false)
            .add("path", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("gpu", DataTypes.StringType, false)
            .add("kernel_time_ns", DataTypes.LongType, false)
            .add("busy_time_ns", DataTypes.LongType, false)
            .add("wall_time_ns", DataTypes.LongType, false)
            .add("resolved_fraction", DataTypes.DoubleType, false)
            .add("unresolved_kernels", DataTypes.LongType, false)
            .add("memory_operations", DataTypes.LongType, false);
        for (Stage stage : Stage.values()) {
            t = t.add(stage.id() + "_kernels", DataTypes.LongType, false)
                    .add(stage.id() + "_kernel_time_ns", DataTypes.LongType, false)
                    .add(stage.id() + "_pct_of_peak", DataTypes.DoubleType, true);
        }
        return t.add("flops", DataTypes.DoubleType, false)
            .add("bytes", DataTypes.DoubleType, false)
            .add("pct_of_peak", DataTypes.DoubleType, true)
            .add("bound", DataTypes.StringType, false)
            .add("size_bytes", DataTypes.LongType, false)
            .add("modified_ms", DataTypes.LongType, false)
            .add("parse_ms", DataTypes.LongType, false)
            .add("job_id", DataTypes.StringType, false);
    }

    /** The kernels table's stage column: the CSV's {@code Stage}. */
    private static final String STAGE = "stage";

    /** Our columns of the kernels table; a CSV column of the same name gets a {@code csv_} prefix. */
    private static final Set<String> OWN_COLUMNS = Set.of("run", "rank", "stage", "trace", "trace_path",
            "kernel_index", "duration_ns", "backend", "predicted_ns", "predicted_us", "status", "error_pct",
            "simulation_note", "request_key", "job_id");

    /**
     * What to run.
     *
     * @param traces    trace paths, directories or globs
     * @param output    the output directory (any Hadoop file system)
     * @param run       the run of every trace; empty for each trace's directory name
     * @param settings  plugins, options, backend and GPU
     */
    record Spec(List<String> traces, String output, Optional<String> run, JobSettings settings) {
        Spec {
            traces = List.copyOf(traces);
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(settings, "settings");
        }
    }

    /**
     * What a job did.
     *
     * @param found             trace files found
     * @param skipped           of those, already complete in the output
     * @param failures          one line per trace that failed in this job
     * @param kernelRows        kernel rows written
     * @param kernelRequests    kernel rows with a simulation request
     * @param distinctRequests  distinct requests simulated
     */
    record Result(int found, int skipped, List<String> failures, long kernelRows, long kernelRequests,
                  long distinctRequests) {
        int processed() {
            return found - skipped;
        }
    }

    private FleetRun() {
    }

    static Result run(SparkSession spark, Spec spec, Consumer<String> log) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<TraceInput> inputs = TraceFiles.expand(spec.traces(), spec.run(), conf,
                TraceDirectory.sources(ExecutorPlugins.registry(spec.settings())), log);
        OutputTables out = OutputTables.open(spec.output(), conf);
        out.refuseInputsInside(inputs.stream().map(TraceInput::path).toList());
        out.recover();
        // run names such as "1" stay strings when the tables are read back
        spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");

        Dataset<Row> previous = out.hasTraces() ? spark.read().parquet(out.traces().toString()) : null;
        Set<String> complete = new HashSet<>();
        if (previous != null) {
            for (Row r : previous.filter(col("status").equalTo("ok")).select("path").collectAsList()) {
                complete.add(r.getString(0));
            }
        }
        List<TraceInput> pending = inputs.stream().filter(i -> !complete.contains(i.path())).toList();
        int skipped = inputs.size() - pending.size();
        if (pending.isEmpty()) {
            log.accept("all " + inputs.size() + " traces are already complete in " + spec.output() + "; nothing to do");
            return new Result(inputs.size(), skipped, List.of(), 0, 0, 0);
        }
        log.accept(pending.size() + " traces to process" + (skipped > 0 ? " (" + skipped
                + " already complete in the output, skipped)" : ""));

        JobSettings settings = spec.settings();
        checkExtensions(settings);
        String jobId = jobId();
        HadoopConfiguration hadoop = new HadoopConfiguration(conf);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());

        // one trace per task: gzip is not splittable, and a trace is parsed as one stream. Largest first:
        // tasks start in partition order, so the last tasks to start are the short ones, and the cores
        // do not idle at the end behind one big trace started last (ranks were fixed by name before)
        List<TraceInput> largestFirst = pending.stream()
                .sorted(Comparator.comparingLong(TraceInput::sizeBytes).reversed().thenComparing(TraceInput::path))
                .toList();
        JavaRDD<TraceOutcome> outcomes = jsc.parallelize(largestFirst, largestFirst.size())
                .map(input -> TraceTask.process(input, settings, hadoop))
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<List<String>> headers = outcomes.filter(TraceOutcome::ok).map(TraceOutcome::header).distinct().collect();
        if (headers.size() > 1) {
            throw new IllegalStateException("the csv exporter wrote different columns for different traces: "
                    + headers);
        }
        List<String> failures = outcomes.filter(o -> !o.ok())
                .map(o -> o.failureReason().contains(o.input().fileName()) ? o.failureReason()
                        : o.input().path() + ": " + o.failureReason()).collect();

        Dataset<Row> requests = spark.createDataFrame(outcomes.flatMap(o -> o.requests().stream()
                .map(r -> RowFactory.create(r.key(), r.targetJson(), r.requestJson())).iterator()),
                RequestSimulator.REQUESTS);
        Dataset<Row> distinct = requests.dropDuplicates("key").repartition(jsc.defaultParallelism());
        Dataset<Row> results = spark.createDataFrame(distinct.javaRDD()
                .mapPartitions(rows -> RequestSimulator.simulate(rows, settings)), RequestSimulator.RESULTS)
                .persist(StorageLevel.MEMORY_AND_DISK());
        long distinctRequests = results.count();

        Dataset<Row> raw = spark.createDataFrame(outcomes.filter(TraceOutcome::ok).flatMap(o -> o.kernels().stream()
                .map(k -> RowFactory.create(o.input().run(), o.rank(), o.traceName(), o.input().path(),
                        k.index(), k.durationNs(), k.requestKey(), k.note(), k.cells().toArray(String[]::new)))
                .iterator()), RAW_KERNELS);
        List<String> header = headers.isEmpty() ? List.of() : headers.get(0);
        Dataset<Row> kernels = raw.join(results, raw.col("request_key").equalTo(results.col("key")), "left")
                .select(kernelColumns(header, settings.backend(), jobId).toArray(Column[]::new))
                .persist(StorageLevel.MEMORY_AND_DISK());

        Dataset<Row> perTrace = kernels.groupBy("trace_path").agg(
                count(lit(1)).as("kernels"),
                count("predicted_ns").as("simulated_kernels"),
                sum("predicted_ns").as("predicted_time_ns"),
                sum(when(col("predicted_ns").isNotNull(), col("duration_ns"))).as("covered_time_ns"));
        Dataset<Row> traceRows = spark.createDataFrame(outcomes.map(o -> traceRow(o, jobId)), TRACE_ROWS);
        Dataset<Row> traces = traceRows.join(perTrace, traceRows.col("path").equalTo(perTrace.col("trace_path")), "left")
                .drop("trace_path")
                .withColumn("kernels", coalesce(col("kernels"), lit(0L)))
                .withColumn("simulated_kernels", coalesce(col("simulated_kernels"), lit(0L)))
                .withColumn("coverage", when(col("kernel_time_ns").gt(0),
                        coalesce(col("covered_time_ns"), lit(0L)).divide(col("kernel_time_ns"))))
                .withColumn("error_pct", when(col("covered_time_ns").gt(0),
                        col("predicted_time_ns").minus(col("covered_time_ns")).multiply(100.0)
                                .divide(col("covered_time_ns"))));
        if (previous != null) {
            Set<String> redone = new HashSet<>();
            pending.forEach(p -> redone.add(p.path()));
            Dataset<Row> kept = previous.filter(col("path").isin(redone.toArray()).unary_$bang());
            traces = kept.unionByName(traces, true);
        }

        String staging = out.staging(jobId).toString();
        kernels.write().mode(SaveMode.ErrorIfExists).partitionBy("run").parquet(staging + "/" + OutputTables.KERNELS);
        long kernelRows = kernels.count();
        long kernelRequests = kernels.filter(col("request_key").notEqual("")).count();
        traces.write().mode(SaveMode.ErrorIfExists).partitionBy("run").parquet(staging + "/" + OutputTables.TRACES);
        out.commit(jobId);

        kernels.unpersist();
        results.unpersist();
        outcomes.unpersist();
        return new Result(inputs.size(), skipped, failures, kernelRows, kernelRequests, distinctRequests);
    }

    private static List<Column> kernelColumns(List<String> header, String backend, String jobId) {
        // the stage is the CSV's own column (run analysis), placed beside the rank
        int stage = header.stream().map(ColumnNames::of).toList().indexOf(STAGE);
        List<Column> columns = new ArrayList<>(List.of(col("run"), col("rank"),
                stage < 0 ? lit(null).cast(DataTypes.StringType).as(STAGE) : col("cells").getItem(stage).as(STAGE),
                col("trace"), col("trace_path"), col("kernel_index")));
        for (int i = 0; i < header.size(); i++) {
            String name = ColumnNames.of(header.get(i));
            if (i == stage) {
                continue;
            }
            if (OWN_COLUMNS.contains(name)) {
                name = "csv_" + name;
            }
            DataType type = ColumnNames.typeOf(name);
            Column cell = col("cells").getItem(i);
            columns.add((type == DataTypes.StringType ? cell : cell.try_cast(type)).as(name));
        }
        columns.add(col("duration_ns"));
        columns.add(coalesce(col("backend"), lit(backend)).as("backend"));
        columns.add(col("predicted_ns"));
        columns.add(col("predicted_ns").divide(1000.0).as("predicted_us"));
        columns.add(coalesce(col("result_status"), lit("failed")).as("status"));
        columns.add(when(col("duration_ns").gt(0).and(col("predicted_ns").isNotNull()),
                col("predicted_ns").minus(col("duration_ns")).multiply(100.0).divide(col("duration_ns")))
                .as("error_pct"));
        columns.add(coalesce(col("result_reason"), col("pending_note")).as("simulation_note"));
        columns.add(col("request_key"));
        columns.add(lit(jobId).as("job_id"));
        return columns;
    }

    private static Row traceRow(TraceOutcome o, String jobId) {
        TraceInput in = o.input();
        List<Object> cells = new ArrayList<>(List.of(in.run(), o.rank(), o.rankSource(), o.traceName(), in.path(),
                o.ok() ? "ok" : "failed", o.failureReason(), o.gpu(), o.kernelTimeNs(), o.busyTimeNs(), o.wallTimeNs(),
                o.resolvedFraction(), o.unresolvedKernels(), o.memoryOperations()));
        TraceOutcome.Analysis a = o.analysis();
        for (TraceOutcome.StageFigures s : a.stages()) {
            cells.add(s.kernels());
            cells.add(s.kernelTimeNs());
            cells.add(s.pctOfPeak());
        }
        cells.addAll(Arrays.asList(a.flops(), a.bytes(), a.pctOfPeak(), a.bound(), in.sizeBytes(), in.modifiedMillis(),
                o.parseMillis(), jobId));
        return RowFactory.create(cells.toArray());
    }

    /** Fails the job at once, on the driver, when the backend or the CSV exporter is not installed. */
    private static void checkExtensions(JobSettings settings) {
        ExtensionRegistry registry = ExecutorPlugins.registry(settings);
        registry.require(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, settings.backend());
        registry.require(ExtensionPoint.EXPORTER, Exporter.class, "csv");
    }

    private static String jobId() {
        return "job" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }
}
