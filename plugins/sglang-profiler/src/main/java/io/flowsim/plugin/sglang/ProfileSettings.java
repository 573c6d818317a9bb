package io.flowsim.plugin.sglang;

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
        Path profileDirectory = path(options, "profile-dir");
        Path logDirectory = path(options, "log-dir");
        List<String> serverArguments = words(options, "server-opts");
        List<String> benchArguments = words(options, "bench-opts");
        String python = options.get("python").map(String::strip).orElse(DEFAULT_PYTHON);
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
                positive(options, "server-timeout", DEFAULT_SERVER_TIMEOUT),
                positive(options, "bench-timeout", DEFAULT_BENCH_TIMEOUT),
                positive(options, "trace-timeout", DEFAULT_TRACE_TIMEOUT),
                options.getDuration("stop-grace", DEFAULT_STOP_GRACE),
                options.getBoolean("keep-server", false));
    }

    /** Whether the benchmark will ask the server to profile ({@code --profile} in its arguments). */
    boolean benchProfiles() {
        return benchArguments.contains("--profile");
    }

    private static Path path(Options options, String key) {
        String value = options.get(key).map(String::strip)
                .orElseThrow(() -> FlowsimException.usage("option --" + key + " is required"));
        if (value.isEmpty()) {
            throw FlowsimException.usage("option --" + key + " is empty");
        }
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw FlowsimException.usage("option --" + key + ": '" + value + "' is not a valid path");
        }
    }

    private static List<String> words(Options options, String key) {
        String value = options.get(key)
                .orElseThrow(() -> FlowsimException.usage("option --" + key + " is required"));
        try {
            return ShellWords.split(value);
        } catch (IllegalArgumentException e) {
            throw FlowsimException.usage("option --" + key + ": " + e.getMessage() + " in '" + value + "'");
        }
    }

    private static Duration positive(Options options, String key, Duration defaultValue) {
        Duration d = options.getDuration(key, defaultValue);
        if (d.isZero()) {
            throw FlowsimException.usage("option --" + key + " must be longer than 0");
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
