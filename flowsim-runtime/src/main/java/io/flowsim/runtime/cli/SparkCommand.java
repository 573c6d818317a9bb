package io.flowsim.runtime.cli;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.Pipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code flowsim spark}: runs the flowsim-spark job on this machine ({@code --master local[*]}) in a
 * child JVM. The job lives in its own assembly ({@code flowsim-spark/target/flowsim-spark}: {@code lib/}
 * for the job, {@code spark-lib/} for Spark, {@code plugins/}), outside the distribution, so nothing
 * else in FlowSim needs Spark's jars; {@code $SPARK_HOME/jars} is used instead of {@code spark-lib/}
 * when {@code SPARK_HOME} is set.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        header = "Parse and simulate many traces on Apache Spark into Parquet tables (kernels, traces).",
        description = {"Run the flowsim-spark job on this machine: one trace per task, distinct simulation requests"
            + " simulated once for the whole fleet, Parquet tables OUTPUT/kernels and OUTPUT/traces partitioned by run.",
            "Traces already complete in OUTPUT are skipped; a broken trace is a failed row, not a failed job.",
            "Needs the Spark assembly (built once: mvn -B -pl flowsim-spark -am package -DskipTests).",
            "For a cluster, use spark-submit (docs/scale-out.md)."})
final class SparkCommand implements Callable<Integer> {

    /** The job's main class in the assembly. */
    static final String JOB_CLASS = "io.flowsim.spark.FlowsimSparkJob";

    /** The command that builds the assembly, for the message when it is missing. */
    static final String BUILD_COMMAND = "mvn -B -pl flowsim-spark -am package -DskipTests";

    /** What Spark 4 needs opened on Java 17+ (spark-submit adds the same). */
    static final List<String> JVM_OPENS = Stream.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io",
                    "java.net", "java.nio", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
                    "jdk.internal.ref", "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar")
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();

    /**
     * The job JVM's options besides {@link #JVM_OPENS}: on Java 23 and newer, Spark's use of
     * {@code sun.misc.Unsafe} memory access prints a warning on standard error for every job (JEP 471/498)
     * unless it is allowed explicitly; older JVMs do not know the option and would refuse to start.
     */
    static List<String> jvmOptions(int javaFeatureVersion) {
        List<String> options = new ArrayList<>(JVM_OPENS);
        if (javaFeatureVersion >= 23) {
            options.add("--sun-misc-unsafe-memory-access=allow");
        }
        return options;
    }

    @ParentCommand
    FlowsimCommand root;

    @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
            description = "The Spark master (default: ${DEFAULT-VALUE}, every core of this machine).")
    String master;

    @Option(names = "--traces", required = true, paramLabel = "PATH",
            description = "Trace files, directories or globs (quote globs: 'dir/*.json.gz'); repeatable.")
    List<String> traces = new ArrayList<>();

    @Option(names = "--output", required = true, paramLabel = "DIR", converter = NonEmptyOutput.ToText.class,
            description = "Where to write the Parquet tables kernels/ and traces/.")
    String output;

    @Option(names = "--run", paramLabel = "NAME",
            description = "The run of every trace (default: the name of each trace's directory).")
    String run;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "The simulator backend (default: the one simulate uses by default).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU to simulate (default: the GPU each trace was recorded on).")
    String gpu;

    @Override
    public Integer call() throws IOException, InterruptedException {
        checkGpu();
        Path assembly = assembly(System.getenv(), System.getProperty("flowsim.home"))
                .orElseThrow(() -> new FlowsimException(ErrorCode.UNAVAILABLE, "the Spark job is not built; build it"
                        + " once with '" + BUILD_COMMAND + "' in the FlowSim checkout (it downloads Spark), or set"
                        + " FLOWSIM_SPARK_HOME to a flowsim-spark assembly directory"));
        Path sparkJars = sparkJars(System.getenv(), assembly)
                .orElseThrow(() -> new FlowsimException(ErrorCode.UNAVAILABLE, "no Spark jars: " + assembly
                        + "/spark-lib is missing and SPARK_HOME is not set; rebuild with '" + BUILD_COMMAND + "'"));
        List<String> command = command(assembly, sparkJars);
        root.reporter().debug("starting " + String.join(" ", command));
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            throw e;
        }
    }

    /**
     * A {@code --gpu} the backend does not know fails here, in one line with the nearest profile, as in
     * {@code simulate}, not in every task of the job. The backend is asked on this side, with the plugins this
     * command line names; one not installed here (only in the job's assembly) is left to the job.
     */
    private void checkGpu() {
        if (gpu == null) {
            return;
        }
        String name = backend == null ? SimulateCommand.DEFAULT_BACKEND : backend;
        try (ExtensionRegistry registry = root.discover()) {
            if (registry.find(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, name).isEmpty()) {
                root.reporter().debug("--gpu " + gpu + " not checked: no backend '" + name + "' installed here");
                return;
            }
            RunContext context = RunContext.of(root.options().build(), root.reporter(), null);
            new Pipeline(registry, context).checkBackend(Optional.of(name), Optional.of(gpu));
        }
    }

    List<String> command(Path assembly, Path sparkJars) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String extra = System.getenv("FLOWSIM_SPARK_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(jvmOptions(Runtime.version().feature()));
        Path logging = assembly.resolve("conf").resolve("log4j2.properties");
        if (Files.isRegularFile(logging) && !root.verbose) {
            command.add("-Dlog4j2.configurationFile=" + logging.toUri());
        }
        command.add("-cp");
        command.add(assembly.resolve("lib") + File.separator + "*" + File.pathSeparator + sparkJars + File.separator
                + "*");
        command.add(JOB_CLASS);
        command.addAll(List.of("--master", master, "--output", output));
        traces.forEach(t -> command.addAll(List.of("--traces", t)));
        add(command, "--run", run);
        add(command, "--backend", backend);
        add(command, "--gpu", gpu);
        root.pluginDirectories.forEach(d -> command.addAll(List.of("--plugins-dir", d.toAbsolutePath().toString())));
        root.pluginOptions.forEach(kv -> command.addAll(List.of("-O", kv[0] + "=" + kv[1])));
        if (root.noBundledPlugins) {
            command.add("--no-bundled-plugins");
        }
        if (root.ignoreBrokenPlugins) {
            command.add("--ignore-broken-plugins");
        }
        if (root.quiet) {
            command.add("--quiet");
        }
        if (root.verbose) {
            command.add("--verbose");
        }
        return command;
    }

    private static void add(List<String> command, String option, String value) {
        if (value != null) {
            command.add(option);
            command.add(value);
        }
    }

    /**
     * The assembly: {@code $FLOWSIM_SPARK_HOME}, else {@code flowsim-spark/target/flowsim-spark} of the
     * source checkout this distribution was built in, else {@code spark/} inside the distribution.
     */
    static Optional<Path> assembly(Map<String, String> env, String flowsimHome) {
        List<Path> candidates = new ArrayList<>();
        String configured = env.get("FLOWSIM_SPARK_HOME");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        if (flowsimHome != null && !flowsimHome.isBlank()) {
            Path home = Path.of(flowsimHome).toAbsolutePath().normalize();
            // <checkout>/flowsim-runtime/target/flowsim
            if (home.getParent() != null && home.getParent().getParent() != null
                    && home.getParent().getParent().getParent() != null) {
                candidates.add(home.getParent().getParent().getParent()
                        .resolve("flowsim-spark").resolve("target").resolve("flowsim-spark"));
            }
            candidates.add(home.resolve("spark"));
        }
        return candidates.stream().filter(SparkCommand::isAssembly).findFirst();
    }

    static Optional<Path> sparkJars(Map<String, String> env, Path assembly) {
        String sparkHome = env.get("SPARK_HOME");
        if (sparkHome != null && !sparkHome.isBlank() && Files.isDirectory(Path.of(sparkHome, "jars"))) {
            return Optional.of(Path.of(sparkHome, "jars"));
        }
        Path bundled = assembly.resolve("spark-lib");
        return Files.isDirectory(bundled) ? Optional.of(bundled) : Optional.empty();
    }

    private static boolean isAssembly(Path dir) {
        Path lib = dir.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("flowsim-spark"));
        } catch (IOException e) {
            return false;
        }
    }
}
