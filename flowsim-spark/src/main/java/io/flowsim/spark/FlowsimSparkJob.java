package io.flowsim.spark;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The Spark job's entry point, for {@code spark-submit --class io.flowsim.spark.FlowsimSparkJob} on
 * a cluster and for {@code flowsim spark} on one machine (which starts it in a child JVM with
 * {@code --master local[*]}).
 */
@Command(name = "flowsim-spark", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = FlowsimSparkJob.Version.class,
        description = {"Parse and simulate a fleet of traces on Apache Spark, one trace per task, into Parquet tables",
            "OUTPUT/kernels and OUTPUT/traces, partitioned by run. Traces already complete in OUTPUT are skipped."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success: every trace of this job is complete in OUTPUT",
            "1:internal failure", "2:usage error or bad input (nothing written)", "3:an external service is unavailable",
            "4:some traces failed: the tables are published, failed traces are rows with status 'failed'"
                    + " (a rerun retries them)"})
public final class FlowsimSparkJob implements Callable<Integer> {

    @Option(names = "--traces", required = true, paramLabel = "PATH",
            description = "Trace files, directories or globs on any Hadoop file system (file:, hdfs:, s3a:); "
                    + "quote globs; repeatable.")
    List<String> traces = new ArrayList<>();

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "The output directory of the kernels and traces tables (any Hadoop file system).")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "The Spark master, e.g. local[*] (default: the one spark-submit sets).")
    String master;

    @Option(names = "--run", paramLabel = "NAME",
            description = "The run every trace belongs to (default: the name of each trace's directory).")
    String run;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "analytical",
            description = "The simulator backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU to simulate (default: the GPU each trace was recorded on).")
    String gpu;

    @Option(names = "--bundled-plugins", paramLabel = "DIR",
            description = "The bundled plugins' directory, present on every executor (default: plugins/ beside "
                    + "the assembly's lib/).")
    Path bundledPlugins;

    @Option(names = "--no-bundled-plugins", description = "Do not load the bundled plugins.")
    boolean noBundledPlugins;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "A directory of extra plugins, present at this path on every executor; repeatable.")
    List<Path> pluginDirectories = new ArrayList<>();

    @Option(names = {"-O", "--option"}, paramLabel = "KEY=VALUE",
            description = "An option for plugins, as for flowsim; repeatable.")
    List<String> options = new ArrayList<>();

    @Option(names = "--ignore-broken-plugins", description = "Run without plugins that fail to load.")
    boolean ignoreBrokenPlugins;

    @Option(names = {"-q", "--quiet"}, description = "No progress messages.")
    boolean quiet;

    @Option(names = "--verbose", description = "Spark's INFO log, and stack traces with errors.")
    boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    FlowsimSparkJob(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the job with these arguments; returns the exit code. */
    static int run(PrintStream out, PrintStream err, String... args) {
        FlowsimSparkJob job = new FlowsimSparkJob(out, err);
        CommandLine cl = new CommandLine(job);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> job.handle(ex));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("flowsim-spark: " + ex.getMessage());
            err.println("Try 'flowsim-spark --help' for more information.");
            return ErrorCode.USAGE.exitCode();
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (output.isEmpty()) {
            throw FlowsimException.usage("--output is empty, which would write into the current directory;"
                    + " name the output directory (use '.' for the current one)");
        }
        for (String kv : options) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw FlowsimException.usage("-O expects KEY=VALUE but got '" + kv + "'");
            }
        }
        List<String> dirs = new ArrayList<>();
        if (!noBundledPlugins) {
            Optional<Path> bundled = bundledPlugins != null ? Optional.of(bundledPlugins) : defaultBundledPlugins();
            // as given: a relative directory is looked up in each executor's working directory (spark-submit --archives)
            bundled.ifPresent(p -> dirs.add(p.toString()));
            if (bundled.isEmpty() && !quiet) {
                err.println("flowsim-spark: no bundled plugins directory found; name one with --bundled-plugins");
            }
        }
        pluginDirectories.forEach(p -> dirs.add(p.toString()));
        JobSettings settings = new JobSettings(dirs, options, backend, Optional.ofNullable(gpu), ignoreBrokenPlugins);
        FleetRun.Spec spec = new FleetRun.Spec(traces, output, Optional.ofNullable(run), settings);

        // the kernels table has a column per CSV column: keep Spark from warning about the plan's width
        SparkSession.Builder builder = SparkSession.builder().appName("flowsim")
                .config("spark.sql.debug.maxToStringFields", "1000");
        if (master != null) {
            builder.master(master);
        }
        long started = System.nanoTime();
        SparkSession spark = builder.getOrCreate();
        double sessionSeconds = (System.nanoTime() - started) / 1e9;
        long cpuStarted = processCpuNanos();
        try {
            if (!verbose) {
                spark.sparkContext().setLogLevel("WARN");
            }
            FleetRun.Result result = FleetRun.run(spark, spec, line -> {
                if (!quiet) {
                    err.println("flowsim-spark: " + line);
                }
            });
            result.failures().forEach(f -> err.println("flowsim-spark: trace failed: " + f));
            double seconds = (System.nanoTime() - started) / 1e9 - sessionSeconds;
            double cpuSeconds = (processCpuNanos() - cpuStarted) / 1e9;
            out.printf(Locale.ROOT, "%d traces processed (%d failed, %d skipped as complete), %d kernel rows, "
                            + "%d distinct simulation requests for %d kernels, in %.1f s (after %.1f s of Spark start),"
                            + " %.1f s of CPU in the driver JVM -> %s%n",
                    result.processed(), result.failures().size(), result.skipped(), result.kernelRows(),
                    result.distinctRequests(), result.kernelRequests(), seconds, sessionSeconds, cpuSeconds, output);
            int status = exitCode(result);
            if (status != 0) {
                err.println("flowsim-spark: " + result.failures().size() + " of the " + result.processed()
                        + " traces of this job failed (rows with status 'failed' in " + output
                        + "/traces; a rerun retries them)");
            }
            return status;
        } finally {
            spark.stop();
        }
    }

    /**
     * The CPU time of this JVM, all threads, in nanoseconds (0 where the JVM does not say). In local
     * mode the driver JVM runs the tasks too, so the job's share of it is the whole job's CPU time,
     * which load on the machine hardly changes (unlike wall time); on a cluster it is the driver's only.
     */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Exit code when some traces failed; the tables are published and give each failure's reason. */
    static final int EXIT_SOME_TRACES_FAILED = 4;

    /**
     * The job's status, as for {@code flowsim simulate}: 0 when every trace of this job ended complete
     * (or was complete already), 4 when some failed. A script can so tell a job with broken traces
     * from a clean one without reading the traces table.
     */
    static int exitCode(FleetRun.Result result) {
        return result.failures().isEmpty() ? 0 : EXIT_SOME_TRACES_FAILED;
    }

    private int handle(Exception ex) {
        if (ex instanceof FlowsimException fe) {
            err.println("flowsim-spark: " + oneLine(fe.getMessage()));
            if (verbose) {
                fe.printStackTrace(err);
            }
            return fe.code().exitCode();
        }
        if (ex instanceof UncheckedIOException io) {
            err.println("flowsim-spark: " + oneLine(io.getMessage() + ": " + io.getCause().getMessage()));
            return ErrorCode.BAD_INPUT.exitCode();
        }
        err.println("flowsim-spark: internal error: " + oneLine(String.valueOf(ex))
                + (verbose ? "" : " (rerun with --verbose for the stack trace, and please report it)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        return ErrorCode.INTERNAL.exitCode();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace("\r", " ").replace("\n", " ");
    }

    /** {@code plugins/} beside the {@code lib/} directory this class was loaded from (the assembly's layout). */
    static Optional<Path> defaultBundledPlugins() {
        try {
            Path jar = Path.of(FlowsimSparkJob.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path plugins = jar.getParent() == null || jar.getParent().getParent() == null ? null
                    : jar.getParent().getParent().resolve("plugins");
            return plugins != null && Files.isDirectory(plugins) ? Optional.of(plugins) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FlowsimSparkJob.class.getPackage().getImplementationVersion();
            return new String[] {"flowsim-spark " + (v == null ? "(development build)" : v)
                    + ", Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
        }
    }
}
