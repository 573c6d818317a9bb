package io.flowsim.plugin.sglang;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The settings of one profiling run, read and checked from the run's {@link Options}.
 *
 * @param python           the interpreter that has sglang
 * @param profileDirectory where sglang writes the traces (absolute)
 * @param logDirectory     where the server's and the benchmark's output go (absolute)
 * @param serverArguments  the arguments after {@code -m sglang.launch_server}
 * @param benchArguments   the arguments after {@code -m sglang.bench_serving}
 * @param address          where the server listens
 * @param tensorParallel   the server's {@code --tp-size}, when given
 * @param serverTimeout    how long the server may take to answer {@code /health}
 * @param benchTimeout     how long the benchmark may run
 * @param traceTimeout     how long to wait for the traces after the benchmark
 * @param stopGrace        how long processes get between SIGTERM and SIGKILL
 * @param keepServer       leave the server running after a successful run
 */
record ProfileSettings(String python, Path profileDirectory, Path logDirectory, List<String> serverArguments,
                       List<String> benchArguments, ServerAddress address, OptionalInt tensorParallel,
                       Duration serverTimeout, Duration benchTimeout, Duration traceTimeout, Duration stopGrace,
                       boolean keepServer) {

    static final String DEFAULT_PYTHON = "python3";
    static final Duration DEFAULT_SERVER_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEFAULT_BENCH_TIMEOUT = Duration.ofMinutes(20);
    static final Duration DEFAULT_TRACE_TIMEOUT = Duration.ofMinutes(5);
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(15);

    private static final String NS = "sglang-profiler.";
    private static final String COMMAND = "profile";
    static final ExtensionOption<Path> PROFILE_DIR = ExtensionOption.path(NS + "profile-dir",
                    "Where the profiler writes traces (created if missing; existing files are kept)")
            .required().paramLabel("DIR").alias("--profile-dir").onlyFor(COMMAND);
    static final ExtensionOption<Path> LOG_DIR = ExtensionOption.path(NS + "log-dir",
                    "Where the server's and the benchmark's output go")
            .required().paramLabel("DIR").alias("--log-dir").onlyFor(COMMAND);
    static final ExtensionOption<String> SERVER_OPTS = ExtensionOption.string(NS + "server-opts",
                    "Arguments for 'python -m sglang.launch_server', as one string")
            .required().paramLabel("ARGS").alias("--server-opts").onlyFor(COMMAND);
    static final ExtensionOption<String> BENCH_OPTS = ExtensionOption.string(NS + "bench-opts",
                    "Arguments for 'python -m sglang.bench_serving', as one string (include --profile)")
            .required().paramLabel("ARGS").alias("--bench-opts").onlyFor(COMMAND);
    static final ExtensionOption<String> PYTHON = ExtensionOption.string(NS + "python",
                    "The Python interpreter that has sglang (default: python3 on the PATH)")
            .paramLabel("PATH").alias("--python").onlyFor(COMMAND);
    static final ExtensionOption<Duration> SERVER_TIMEOUT = ExtensionOption.duration(NS + "server-timeout",
                    "How long the server may take to become ready")
            .withDefault(DEFAULT_SERVER_TIMEOUT).alias("--server-timeout").onlyFor(COMMAND);
    static final ExtensionOption<Duration> BENCH_TIMEOUT = ExtensionOption.duration(NS + "bench-timeout",
                    "How long the benchmark may run")
            .withDefault(DEFAULT_BENCH_TIMEOUT).alias("--bench-timeout").onlyFor(COMMAND);
    static final ExtensionOption<Duration> TRACE_TIMEOUT = ExtensionOption.duration(NS + "trace-timeout",
                    "How long to wait for the traces after the benchmark")
            .withDefault(DEFAULT_TRACE_TIMEOUT).alias("--trace-timeout").onlyFor(COMMAND);
    static final ExtensionOption<Duration> STOP_GRACE = ExtensionOption.duration(NS + "stop-grace",
                    "SIGTERM to SIGKILL when stopping processes")
            .withDefault(DEFAULT_STOP_GRACE).alias("--stop-grace").onlyFor(COMMAND);
    static final ExtensionOption<Boolean> KEEP_SERVER = ExtensionOption.bool(NS + "keep-server",
                    "Leave the server running after the benchmark")
            .withDefault(false).alias("--keep-server").onlyFor(COMMAND);

    /** Every option the source reads, for {@code flowsim profile}. */
    static final List<ExtensionOption<?>> OPTIONS = List.of(PROFILE_DIR, LOG_DIR, SERVER_OPTS, BENCH_OPTS, PYTHON,
            SERVER_TIMEOUT, BENCH_TIMEOUT, TRACE_TIMEOUT, STOP_GRACE, KEEP_SERVER);

    ProfileSettings {
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(profileDirectory, "profileDirectory");
        Objects.requireNonNull(logDirectory, "logDirectory");
        serverArguments = List.copyOf(serverArguments);
        benchArguments = List.copyOf(benchArguments);
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tensorParallel, "tensorParallel");
        Objects.requireNonNull(serverTimeout, "serverTimeout");
        Objects.requireNonNull(benchTimeout, "benchTimeout");
        Objects.requireNonNull(traceTimeout, "traceTimeout");
        Objects.requireNonNull(stopGrace, "stopGrace");
    }

    /**
     * Reads the settings.
     *
     * @throws FlowsimException a usage error naming the option that is missing or wrong
     */
    static ProfileSettings from(Options options) {
        Path profileDirectory = path(options, PROFILE_DIR);
        Path logDirectory = path(options, LOG_DIR);
        List<String> serverArguments = words(options, SERVER_OPTS);
        List<String> benchArguments = words(options, BENCH_OPTS);
        String python = options.find(PYTHON).map(String::strip).orElse(DEFAULT_PYTHON);
        if (python.isEmpty()) {
            throw FlowsimException.usage("option --python is empty");
        }
        ServerAddress address;
        OptionalInt tensorParallel;
        try {
            address = ServerAddress.fromArguments(serverArguments);
            tensorParallel = tensorParallel(serverArguments);
        } catch (FlowsimException e) {
            throw FlowsimException.usage("option --server-opts: " + e.getMessage());
        }
        return new ProfileSettings(python, profileDirectory, logDirectory, serverArguments, benchArguments,
                address, tensorParallel,
                positive(options, SERVER_TIMEOUT),
                positive(options, BENCH_TIMEOUT),
                positive(options, TRACE_TIMEOUT),
                options.get(STOP_GRACE),
                options.get(KEEP_SERVER));
    }

    /** Whether the benchmark will ask the server to profile ({@code --profile} in its arguments). */
    boolean benchProfiles() {
        return benchArguments.contains("--profile");
    }

    /** The spelling users know ({@code --profile-dir}). */
    private static String spelling(ExtensionOption<?> option) {
        return option.aliases().get(0);
    }

    private static String required(Options options, ExtensionOption<?> option) {
        if (!options.has(option)) {
            throw FlowsimException.usage("option " + spelling(option) + " is required");
        }
        return options.getAll(option).get(options.getAll(option).size() - 1).toString();
    }

    private static Path path(Options options, ExtensionOption<Path> option) {
        String value = required(options, option).strip();
        if (value.isEmpty()) {
            throw FlowsimException.usage("option " + spelling(option) + " is empty");
        }
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw FlowsimException.usage("option " + spelling(option) + ": '" + value + "' is not a valid path");
        }
    }

    private static List<String> words(Options options, ExtensionOption<String> option) {
        String value = required(options, option);
        try {
            return ShellWords.split(value);
        } catch (IllegalArgumentException e) {
            throw FlowsimException.usage("option " + spelling(option) + ": " + e.getMessage() + " in '" + value + "'");
        }
    }

    private static Duration positive(Options options, ExtensionOption<Duration> option) {
        Duration d = options.get(option);
        if (d.isZero()) {
            throw FlowsimException.usage("option " + spelling(option) + " must be longer than 0");
        }
        return d;
    }

    /** sglang's {@code --tp-size} (alias {@code --tp}); empty when absent or not a positive number. */
    private static OptionalInt tensorParallel(List<String> serverArguments) {
        String raw = ServerAddress.lastValue(serverArguments, "--tp-size", "--tp").orElse(null);
        if (raw == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(raw.trim());
            return n > 0 ? OptionalInt.of(n) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
