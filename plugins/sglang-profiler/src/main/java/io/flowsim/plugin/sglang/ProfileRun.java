package io.flowsim.plugin.sglang;

import io.flowsim.api.CapturedTrace;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One profiling run: start {@code python -m sglang.launch_server} with the profiler enabled, wait
 * until it answers over HTTP, run {@code python -m sglang.bench_serving} (which calls
 * {@code /start_profile} and {@code /stop_profile}), wait for the new trace files, and stop every
 * process it started, whatever happens: on success (unless asked to keep the server), on every
 * failure, on an interrupt of the capturing thread and, through a JVM shutdown hook, on Ctrl-C or
 * SIGTERM. Single use; {@link #run} is called by one thread, the hook may run concurrently.
 */
final class ProfileRun {

    static final String PROFILER_DIR_VARIABLE = "SGLANG_TORCH_PROFILER_DIR";
    static final String PROFILE_KERNELS_VARIABLE = "SGLANG_PROFILE_KERNELS";

    private static final Duration READY_POLL = Duration.ofMillis(500);
    private static final Duration BENCH_POLL = Duration.ofMillis(500);
    /** How long the new trace files must stay unchanged before they count as written. */
    private static final Duration TRACE_QUIET = Duration.ofSeconds(2);
    private static final Duration INTERPRETER_CHECK_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_LINES = 6;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final ProfileSettings settings;
    private final Reporter reporter;
    private final String runId = UUID.randomUUID().toString();
    private final Object lock = new Object();
    private ChildProcess server;
    private ChildProcess bench;
    private boolean stopped;

    ProfileRun(ProfileSettings settings, Reporter reporter) {
        this.settings = settings;
        this.reporter = reporter;
    }

    /**
     * Runs the server and the benchmark and returns the traces this run created, sorted by rank.
     *
     * @throws FlowsimException {@link ErrorCode#USAGE} for unusable options or directories,
     *                          {@link ErrorCode#UNAVAILABLE} when the interpreter is missing, the
     *                          server dies or never gets ready, the benchmark fails or no trace
     *                          appears, {@link ErrorCode#TIMEOUT} when the benchmark runs too long,
     *                          {@link ErrorCode#INTERRUPTED} when interrupted
     */
    List<CapturedTrace> run() {
        Thread hook = new Thread(() -> stopAll(false), "flowsim-sglang-profiler-cleanup");
        boolean hookAdded = false;
        boolean success = false;
        try {
            prepareDirectories();
            warnAboutOptions();
            checkInterpreter();
            checkPortFree();
            TraceCollector collector = TraceCollector.snapshot(settings.profileDirectory());
            String stamp = LocalDateTime.now().format(STAMP);
            Path serverLog = claimLog("server", stamp);
            Path benchLog = claimLog("bench", stamp);
            try {
                Runtime.getRuntime().addShutdownHook(hook);
            } catch (IllegalStateException e) {
                throw interrupted(e); // the JVM is already shutting down
            }
            hookAdded = true;

            reporter.info("starting the sglang server (log: " + serverLog + ")");
            start(Role.SERVER, "sglang.launch_server", settings.serverArguments(), serverLog);
            awaitReady();
            reporter.info("running sglang.bench_serving (log: " + benchLog + ")");
            start(Role.BENCHMARK, "sglang.bench_serving", settings.benchArguments(), benchLog);
            awaitBenchmark(collector);
            List<CapturedTrace> traces = collectTraces(collector);
            success = true;
            return traces;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        } catch (IOException e) {
            // Files.* name the path in the message and the problem in the type (AccessDeniedException ...).
            throw FlowsimException.badInput("profiling: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            stopAll(success && settings.keepServer());
            if (hookAdded) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down: the hook runs and finds everything stopped already.
                }
            }
        }
    }

    private enum Role {
        SERVER("sglang server"),
        BENCHMARK("benchmark");

        final String label;

        Role(String label) {
            this.label = label;
        }
    }

    private void prepareDirectories() {
        prepareDirectory("profile-dir", settings.profileDirectory());
        prepareDirectory("log-dir", settings.logDirectory());
    }

    private static void prepareDirectory(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw FlowsimException.usage("option --" + option + ": " + dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw FlowsimException.usage("option --" + option + ": cannot create " + dir + ": " + e);
        }
        if (!Files.isWritable(dir)) {
            throw FlowsimException.usage("option --" + option + ": " + dir + " is not writable");
        }
    }

    private void warnAboutOptions() {
        if (!settings.benchProfiles()) {
            reporter.warn("--bench-opts has no --profile: sglang.bench_serving will not start the profiler,"
                    + " so no trace will be written");
        }
        List<String> benchArgs = settings.benchArguments();
        int serverPort = settings.address().port();
        Optional<String> benchPort = ServerAddress.lastValue(benchArgs, "--port");
        boolean hasBaseUrl = ServerAddress.lastValue(benchArgs, "--base-url").isPresent();
        if (benchPort.isPresent() && !benchPort.get().strip().equals(Integer.toString(serverPort))) {
            reporter.warn("--bench-opts has --port " + benchPort.get() + " but the server listens on port "
                    + serverPort + " (--server-opts)");
        } else if (benchPort.isEmpty() && !hasBaseUrl && serverPort != ServerAddress.DEFAULT_PORT) {
            reporter.warn("--bench-opts has no --port: sglang.bench_serving will use port "
                    + ServerAddress.DEFAULT_PORT + ", but the server listens on port " + serverPort);
        }
    }

    /** Fails early, with a clear message, when the interpreter is missing or has no sglang. */
    private void checkInterpreter() throws IOException, InterruptedException {
        Path output = Files.createTempFile("flowsim-python-check", ".log");
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder(settings.python(), "-c",
                    "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('sglang') else 42)")
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put(ProcessTree.TAG_VARIABLE, runId + "-check");
            try {
                process = builder.start();
            } catch (IOException e) {
                throw FlowsimException.unavailable("cannot run the Python interpreter '" + settings.python()
                        + "' (--python): " + e.getMessage()
                        + "; pass --python with the interpreter that has sglang installed", e);
            }
            process.getOutputStream().close();
            if (!process.waitFor(INTERPRETER_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw FlowsimException.unavailable("the Python interpreter '" + settings.python()
                        + "' (--python) did not answer within " + describe(INTERPRETER_CHECK_TIMEOUT), null);
            }
            int code = process.exitValue();
            if (code == 42) {
                throw FlowsimException.unavailable("the Python interpreter '" + settings.python()
                        + "' (--python) cannot import sglang; pass --python with the interpreter of the"
                        + " environment where sglang is installed", null);
            }
            if (code != 0) {
                throw FlowsimException.unavailable("the Python interpreter '" + settings.python()
                        + "' (--python) failed with exit code " + code + ": " + LogTail.summary(output, LOG_LINES), null);
            }
        } finally {
            if (process != null && process.isAlive()) {
                ProcessTree.stop(process.toHandle(), runId + "-check", settings.stopGrace());
            }
            Files.deleteIfExists(output);
        }
    }

    /** Fails when something already answers on the server's port: its /health would fool the readiness wait. */
    private void checkPortFree() {
        ServerAddress address = settings.address();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.connectHost(), address.port()), 1000);
        } catch (IOException e) {
            return; // nothing listens: the port is free (or the host is wrong, which the server will report)
        }
        throw FlowsimException.unavailable("something already listens on " + address
                + " (another sglang server?): stop it, or choose another --port in --server-opts", null);
    }

    /** Creates a new, empty log file; never reuses an existing one. */
    private Path claimLog(String prefix, String stamp) throws IOException {
        for (int i = 0; ; i++) {
            Path log = settings.logDirectory().resolve(prefix + "-" + stamp + (i == 0 ? "" : "-" + i) + ".log");
            try {
                return Files.createFile(log);
            } catch (FileAlreadyExistsException e) {
                // Another run in the same second: try the next suffix.
            }
        }
    }

    private void start(Role role, String module, List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(settings.python());
        command.add("-m");
        command.add(module);
        command.addAll(arguments);
        Map<String, String> added = new LinkedHashMap<>();
        added.put(PROFILER_DIR_VARIABLE, settings.profileDirectory().toString());
        added.put(PROFILE_KERNELS_VARIABLE, "1");
        String tag = runId + "-" + role.name().toLowerCase(Locale.ROOT);

        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.putAll(added);
        // Python buffers output written to a file; unbuffered, the log is current when we show its end.
        environment.putIfAbsent("PYTHONUNBUFFERED", "1");
        environment.put(ProcessTree.TAG_VARIABLE, tag);

        String header = "# flowsim profile, " + LocalDateTime.now() + "\n# "
                + added.entrySet().stream().map(e -> e.getKey() + "=" + ShellWords.quote(e.getValue()))
                .collect(Collectors.joining(" ")) + " " + ShellWords.join(command) + "\n";
        Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        long outputStart = Files.size(log);

        synchronized (lock) {
            if (stopped) {
                throw interrupted(null);
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw FlowsimException.unavailable("cannot start the " + role.label + " with '" + settings.python()
                        + "' (--python): " + e.getMessage(), e);
            }
            ChildProcess child = new ChildProcess(role.label, process, log, tag, outputStart);
            if (role == Role.SERVER) {
                server = child;
            } else {
                bench = child;
            }
            try {
                process.getOutputStream().close(); // no input: reading stdin sees end of file
            } catch (IOException e) {
                // The child exited already; the next check reports it.
            }
        }
    }

    private void awaitReady() throws InterruptedException {
        ReadinessProbe probe = new ReadinessProbe(settings.address());
        long start = System.nanoTime();
        long deadline = start + settings.serverTimeout().toNanos();
        try (Progress progress = reporter.startProgress("waiting for the sglang server", 0, "s")) {
            while (true) {
                if (!server.isAlive()) {
                    throwIfStopped();
                    throw FlowsimException.unavailable("the sglang server exited with code " + server.exitCode()
                            + " before it was ready; " + server.tail(LOG_LINES), null);
                }
                ReadinessProbe.Answer answer = probe.probe(Duration.ofNanos(deadline - System.nanoTime()));
                if (answer.ready()) {
                    reporter.info("the sglang server is ready at " + settings.address() + " ("
                            + answer.description() + " after " + seconds(start) + " s)");
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throwIfStopped();
                    throw FlowsimException.unavailable("the sglang server did not become ready within "
                            + describe(settings.serverTimeout()) + " (--server-timeout): at " + settings.address()
                            + " " + answer.description() + "; it was stopped; " + server.tail(LOG_LINES), null);
                }
                progress.update(seconds(start), server.lastLine());
                server.waitFor(READY_POLL);
            }
        }
    }

    private void awaitBenchmark(TraceCollector collector) throws InterruptedException, IOException {
        long start = System.nanoTime();
        long deadline = start + settings.benchTimeout().toNanos();
        try (Progress progress = reporter.startProgress("running sglang.bench_serving", 0, "s")) {
            while (!bench.waitFor(BENCH_POLL)) {
                if (!server.isAlive()) {
                    throw serverDiedDuringBenchmark();
                }
                if (System.nanoTime() - deadline >= 0) {
                    throwIfStopped();
                    throw new FlowsimException(ErrorCode.TIMEOUT, "the benchmark did not finish within "
                            + describe(settings.benchTimeout()) + " (--bench-timeout); it and the server were"
                            + " stopped; " + bench.tail(LOG_LINES));
                }
                progress.update(seconds(start), bench.lastLine());
            }
        }
        int code = bench.exitCode();
        if (code != 0) {
            if (!server.isAlive()) {
                throw serverDiedDuringBenchmark(); // the cause, rather than the benchmark's connection errors
            }
            throwIfStopped();
            int written = collector.newTraces().size();
            throw FlowsimException.unavailable("sglang.bench_serving failed with exit code " + code
                    + (written > 0 ? " (" + written + " new trace file(s) in " + settings.profileDirectory()
                    + " are kept)" : "") + "; " + bench.tail(LOG_LINES), null);
        }
        reporter.info("the benchmark finished after " + seconds(start) + " s");
    }

    private FlowsimException serverDiedDuringBenchmark() {
        throwIfStopped();
        return FlowsimException.unavailable("the sglang server exited with code " + server.exitCode()
                + " during the benchmark; " + server.tail(LOG_LINES), null);
    }

    private List<CapturedTrace> collectTraces(TraceCollector collector) throws IOException, InterruptedException {
        Path dir = settings.profileDirectory();
        // Without --profile no trace is coming: look once, after the quiet period.
        Duration timeout = settings.benchProfiles() ? settings.traceTimeout() : TRACE_QUIET;
        long start = System.nanoTime();
        TraceCollector.Collected collected;
        try (Progress progress = reporter.startProgress("waiting for the trace files", 0, "s")) {
            collected = collector.await(timeout, TRACE_QUIET, settings.tensorParallel(),
                    status -> progress.update(seconds(start), status));
            progress.update(seconds(start), collected.complete().size() + " complete");
        }
        for (Path p : collected.incomplete()) {
            reporter.warn("left out " + p + ": still not a complete gzip file " + describe(timeout)
                    + " after the benchmark (-O trace-timeout)");
        }
        if (collected.complete().isEmpty()) {
            if (!collected.incomplete().isEmpty()) {
                throw FlowsimException.unavailable("no complete trace file: " + collected.incomplete().size()
                        + " new trace file(s) in " + dir + " were still being written after "
                        + describe(timeout) + " (raise -O trace-timeout=DURATION for very large traces)", null);
            }
            if (!settings.benchProfiles()) {
                throw FlowsimException.usage("no new *" + TraceFileName.SUFFIX + " in " + dir
                        + ": --bench-opts has no --profile, so the benchmark never started the profiler");
            }
            throw FlowsimException.unavailable("no new *" + TraceFileName.SUFFIX + " appeared in " + dir
                    + " (searched recursively) within " + describe(timeout) + " after the benchmark; "
                    + "is the profiler enabled in this sglang? See " + bench.log() + "; " + server.tail(LOG_LINES), null);
        }
        if (!collected.missingRanks().isEmpty()) {
            reporter.warn("no trace from rank(s) " + collected.missingRanks().stream().sorted()
                    .map(String::valueOf).collect(Collectors.joining(", ")) + " of " + settings.tensorParallel()
                    .getAsInt() + " (--tp-size) within " + describe(timeout) + " after the benchmark");
        }
        List<CapturedTrace> traces = new ArrayList<>();
        for (Path file : collected.complete()) {
            OptionalInt rank = TraceFileName.tensorParallelRank(file);
            traces.add(new CapturedTrace(file, rank));
            String parts = TraceFileName.describe(file);
            reporter.debug("trace " + file + (parts.isEmpty() ? "" : " (" + parts + ")"));
        }
        String ranks = traces.stream().filter(t -> t.rank().isPresent()).map(t -> t.rank().getAsInt())
                .distinct().sorted().map(String::valueOf).collect(Collectors.joining(", "));
        reporter.info(traces.size() + " new trace file(s) in " + dir + (ranks.isEmpty() ? "" : " (rank " + ranks + ")")
                + (collector.existingCount() > 0 ? "; " + collector.existingCount() + " earlier one(s) left as they were"
                : ""));
        return List.copyOf(traces);
    }

    /**
     * Stops the benchmark and the server (unless {@code keepServer}) with their descendants.
     * Idempotent; called by the capturing thread and by the shutdown hook.
     */
    private void stopAll(boolean keepServer) {
        synchronized (lock) {
            stopped = true;
            stopChild(bench);
            if (server != null && keepServer && server.isAlive()) {
                reporter.info("the sglang server keeps running (--keep-server): pid " + server.pid() + " at "
                        + settings.address() + ", log " + server.log() + "; stop it with: kill " + server.pid());
            } else {
                stopChild(server);
            }
        }
    }

    private void stopChild(ChildProcess child) {
        if (child == null || !child.anyRunning()) {
            return;
        }
        reporter.info("stopping the " + child.role() + " (pid " + child.pid() + ")");
        if (!child.stop(settings.stopGrace())) {
            reporter.warn("the " + child.role() + " did not stop within " + describe(settings.stopGrace())
                    + " of SIGTERM and was killed (SIGKILL)");
        }
    }

    /** When the shutdown hook has stopped the processes, their exit is not the failure to report. */
    private void throwIfStopped() {
        synchronized (lock) {
            if (stopped) {
                throw interrupted(null);
            }
        }
    }

    private FlowsimException interrupted(Throwable cause) {
        return new FlowsimException(ErrorCode.INTERRUPTED, "profiling was interrupted; the sglang server and"
                + " the benchmark were stopped (logs in " + settings.logDirectory() + ")", cause);
    }

    private static long seconds(long startNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    /** A duration the way users write it: {@code 10m}, {@code 90s}, {@code 1.5s}, {@code 200ms}. */
    static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
