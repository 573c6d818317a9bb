package io.flowsim.plugin.sglang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.api.CapturedTrace;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.TraceSource;
import io.flowsim.testkit.RecordingReporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link SglangProfilerSource} against real child processes: the stand-in sglang (Python standard
 * library only) started through its {@code python} wrapper, real HTTP over loopback, real files.
 * After every run the process table is searched for the test's marker: nothing may be left.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SglangProfilerSourceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    private Standin standin;

    @AfterEach
    void killLeftovers() {
        if (standin != null) {
            standin.killLeftovers();
        }
    }

    private List<CapturedTrace> capture(Options options, RecordingReporter reporter) {
        return new SglangProfilerSource().capture(RunContext.of(options, reporter, null));
    }

    private FlowsimException captureFails(Options options, RecordingReporter reporter) {
        FlowsimException e = catchThrowableOfType(FlowsimException.class, () -> capture(options, reporter));
        assertThat(e).as("capture must fail with a FlowsimException").isNotNull();
        return e;
    }

    private void assertNothingLeft() {
        List<ProcessHandle> left = standin.running();
        assertThat(left).as("processes left behind:\n" + Standin.describe(left)).isEmpty();
    }

    @Test
    void isDiscoveredByNameAndCanCapture() {
        TraceSource source = ServiceLoader.load(TraceSource.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.name().equals("sglang-profiler")).findFirst().orElseThrow();
        assertThat(source).isInstanceOf(SglangProfilerSource.class);
        assertThat(source.canCapture()).isTrue();
        assertThat(source.canOpen(Path.of("x.trace.json.gz"))).isFalse();
    }

    @Test
    void happyPathCollectsOnlyTheNewTracesAndLeavesNothingRunning() throws Exception {
        standin = Standin.install(temp);
        // The user's earlier traces, top level and nested: they must stay untouched and not be reported.
        Path old = write(standin.profileDir.resolve("1700000000.0-TP-0.trace.json.gz"), "{\"traceEvents\":[]}");
        Path nestedOld = write(standin.profileDir.resolve("earlier/run/1700000001.0-TP-1.trace.json.gz"), "{}");
        FileTime oldTime = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));
        Files.setLastModifiedTime(old, oldTime);
        byte[] oldBytes = Files.readAllBytes(old);
        RecordingReporter reporter = new RecordingReporter();

        List<CapturedTrace> traces = capture(standin.options("--tp 2", "").build(), reporter);

        assertThat(traces).hasSize(2);
        assertThat(traces).extracting(t -> t.rank().getAsInt()).containsExactly(0, 1);
        for (CapturedTrace t : traces) {
            assertThat(t.file()).startsWith(standin.profileDir).isNotEqualTo(old).isNotEqualTo(nestedOld);
            assertThat(t.file().getFileName().toString()).endsWith("-TP-" + t.rank().getAsInt() + ".trace.json.gz");
            JsonNode trace = readGzipJson(t.file());
            assertThat(trace.path("distributedInfo").path("rank").asInt(-1)).isEqualTo(t.rank().getAsInt());
            assertThat(trace.path("traceEvents").size()).isGreaterThan(0);
        }
        assertThat(Files.readAllBytes(old)).isEqualTo(oldBytes);
        assertThat(Files.getLastModifiedTime(old)).isEqualTo(oldTime);
        assertThat(nestedOld).exists();

        List<Path> serverLogs = standin.logs("server-");
        List<Path> benchLogs = standin.logs("bench-");
        assertThat(serverLogs).hasSize(1);
        assertThat(benchLogs).hasSize(1);
        String serverLog = Files.readString(serverLogs.get(0));
        // What the stand-in server saw in its environment, and that it was run as a module.
        assertThat(serverLog).contains("environment SGLANG_PROFILE_KERNELS=1")
                .contains("environment SGLANG_TORCH_PROFILER_DIR=" + standin.profileDir)
                .contains("-m sglang.launch_server");
        assertThat(Files.readString(benchLogs.get(0))).contains("/start_profile: 200", "/stop_profile: 200");
        assertThat(reporter.infos()).anyMatch(m -> m.contains("the sglang server is ready at http://127.0.0.1:"
                + standin.port));
        assertThat(reporter.infos()).anyMatch(m -> m.contains("2 new trace file(s)") && m.contains("rank 0, 1")
                && m.contains("2 earlier one(s) left as they were"));
        assertThat(reporter.warnings()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void waitsForEveryRankWhenTheyWriteFarApart() throws Exception {
        standin = Standin.install(temp);
        // 2.5 s between rank 0's last write and rank 1's first, and 2.5 s in the middle of each write:
        // both longer than the quiet period. Only --tp tells that rank 1 is due, and only the gzip
        // check that a half-written file is not complete yet.
        List<CapturedTrace> traces = capture(standin.options("--tp 2 --standin-trace-delay 2.5", "").build(),
                new RecordingReporter());
        assertThat(traces).extracting(t -> t.rank().getAsInt()).containsExactly(0, 1);
        for (CapturedTrace t : traces) {
            assertThat(TraceCollector.isCompleteGzip(t.file())).isTrue();
        }
        assertNothingLeft();
    }

    @Test
    void serverThatNeverGetsReadyIsStoppedAfterTheServerTimeout() throws Exception {
        standin = Standin.install(temp);
        // 8 s leave the stand-in server (a Python process) time to start and answer 503 on a loaded machine.
        Options options = standin.options("--tp 2 --standin-never-ready", "").add("server-timeout", "8s").build();
        long start = System.nanoTime();
        FlowsimException e = captureFails(options, new RecordingReporter());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.code().exitCode()).isEqualTo(3);
        assertThat(e.getMessage()).contains("did not become ready within 8s", "--server-timeout",
                "/health answered 503", "server-", "[stand-in server]").doesNotContain("# flowsim profile");
        assertThat(seconds).isLessThan(30);
        assertThat(standin.logs("bench-").get(0)).isEmptyFile();
        assertNothingLeft();
    }

    @Test
    void serverThatDiesEarlyIsReportedAtOnceWithItsLogAndItsOrphansAreStopped() throws Exception {
        standin = Standin.install(temp);
        // The crash leaves the scheduler processes running, re-parented: only the environment tag finds them.
        Options options = standin.options("--tp 2 --standin-exit-after 1.5 --standin-exit-code 7"
                + " --standin-orphan-workers --standin-startup-delay 100", "").add("server-timeout", "10m").build();
        long start = System.nanoTime();
        FlowsimException e = captureFails(options, new RecordingReporter());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("exited with code 7 before it was ready", "simulated crash");
        assertThat(seconds).isLessThan(30);
        assertNothingLeft();
    }

    @Test
    void serverThatDiesDuringTheBenchmarkIsTheReportedCause() throws Exception {
        standin = Standin.install(temp);
        Options options = standin.options("--tp 2 --standin-startup-delay 0.2 --standin-exit-after 5"
                + " --standin-exit-code 9 --standin-orphan-workers", "--standin-duration 60").build();
        FlowsimException e = captureFails(options, new RecordingReporter());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("the sglang server exited with code 9 during the benchmark",
                "simulated crash");
        assertNothingLeft();
    }

    @Test
    void benchmarkTimeoutStopsBenchmarkAndServer() throws Exception {
        standin = Standin.install(temp);
        // 8 s leave the stand-in benchmark time to start and print its progress line on a loaded machine.
        Options options = standin.options("--tp 2", "--standin-duration 120").add("bench-timeout", "8s").build();
        long start = System.nanoTime();
        FlowsimException e = captureFails(options, new RecordingReporter());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.code().exitCode()).isEqualTo(3);
        assertThat(e.getMessage()).contains("did not finish within 8s (--bench-timeout)", "stand-in benchmark running");
        assertThat(seconds).isLessThan(60);
        assertNothingLeft();
    }

    @Test
    void failingBenchmarkIsReportedWithItsExitCode() throws Exception {
        standin = Standin.install(temp);
        FlowsimException e = captureFails(standin.options("", "--standin-exit-code 5").build(), new RecordingReporter());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("sglang.bench_serving failed with exit code 5", "Serving Benchmark Result");
        assertNothingLeft();
    }

    @Test
    void processesThatIgnoreSigtermAreKilled() throws Exception {
        standin = Standin.install(temp);
        RecordingReporter reporter = new RecordingReporter();
        Options options = standin.options("--tp 2 --standin-ignore-sigterm", "--standin-ignore-sigterm")
                .add("stop-grace", "1s").build();
        List<CapturedTrace> traces = capture(options, reporter);
        assertThat(traces).hasSize(2);
        assertThat(reporter.warnings()).anyMatch(w -> w.contains("sglang server did not stop within 1s of SIGTERM"));
        assertNothingLeft();
    }

    @Test
    void missingInterpreterIsUnavailable() throws Exception {
        standin = Standin.install(temp);
        Options options = standin.options("", "").add("python", temp.resolve("no/such/python").toString()).build();
        FlowsimException e = captureFails(options, new RecordingReporter());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("cannot run the Python interpreter", "no/such/python", "--python");
        assertThat(standin.logs("")).isEmpty();
        assertNothingLeft();
    }

    @Test
    void interpreterWithoutSglangIsUnavailable() throws Exception {
        standin = Standin.install(temp);
        Path noSglang = Files.createDirectories(temp.resolve("bare")).resolve("python");
        Files.writeString(noSglang, "#!/bin/sh\nexec python3 \"$@\"\n");
        assertThat(noSglang.toFile().setExecutable(true)).isTrue();
        Process check = new ProcessBuilder(noSglang.toString(), "-c", "import sglang").start();
        check.waitFor();
        org.junit.jupiter.api.Assumptions.assumeTrue(check.exitValue() != 0, "this python3 has a real sglang");

        FlowsimException e = captureFails(standin.options("", "").add("python", noSglang.toString()).build(),
                new RecordingReporter());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("cannot import sglang");
    }

    @Test
    void interruptingTheCapturingThreadStopsEverything() throws Exception {
        standin = Standin.install(temp);
        Options options = standin.options("--tp 2", "--standin-duration 120").build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptFlag = new AtomicBoolean();
        Thread capturing = new Thread(() -> {
            try {
                capture(options, new RecordingReporter());
            } catch (Throwable t) {
                thrown.set(t);
                interruptFlag.set(Thread.currentThread().isInterrupted());
            }
        }, "capturing");
        capturing.start();
        assertThat(standin.awaitProcess("sglang.bench_serving", 60)).as("benchmark started").isTrue();
        assertThat(standin.running("standin-scheduler")).hasSize(2);

        capturing.interrupt();
        capturing.join(TimeUnit.SECONDS.toMillis(60));

        assertThat(capturing.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(FlowsimException.class);
        assertThat(((FlowsimException) thrown.get()).code()).isEqualTo(ErrorCode.INTERRUPTED);
        assertThat(interruptFlag.get()).as("the interrupt status is kept").isTrue();
        assertNothingLeft();
    }

    @Test
    void noTraceIsAClearError() throws Exception {
        standin = Standin.install(temp);
        Options options = standin.options("--standin-no-trace", "").add("trace-timeout", "3s").build();
        FlowsimException e = captureFails(options, new RecordingReporter());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("no new *.trace.json.gz appeared in " + standin.profileDir,
                "within 3s");
        assertNothingLeft();
    }

    @Test
    void benchmarkWithoutProfileIsAUsageErrorWithAWarningUpFront() throws Exception {
        standin = Standin.install(temp);
        Options options = standin.options("", "").add("bench-opts",
                "--port " + standin.port + " --num-prompts 1 --standin-marker " + standin.marker).build();
        RecordingReporter reporter = new RecordingReporter();
        FlowsimException e = captureFails(options, reporter);
        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.getMessage()).contains("has no --profile");
        assertThat(reporter.warnings()).anyMatch(w -> w.contains("--bench-opts has no --profile"));
        assertNothingLeft();
    }

    @Test
    void anOccupiedPortFailsBeforeAnythingStarts() throws Exception {
        standin = Standin.install(temp);
        try (ServerSocket occupied = new ServerSocket(standin.port, 50, InetAddress.getLoopbackAddress())) {
            FlowsimException e = captureFails(standin.options("", "").build(), new RecordingReporter());
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("something already listens on http://127.0.0.1:" + standin.port);
        }
        assertThat(standin.logs("server-")).isEmpty();
        assertNothingLeft();
    }

    @Test
    void keepServerLeavesOnlyTheServerRunning() throws Exception {
        standin = Standin.install(temp);
        RecordingReporter reporter = new RecordingReporter();
        List<CapturedTrace> traces = capture(standin.options("", "").add("keep-server", "true").build(), reporter);
        assertThat(traces).hasSize(1);
        List<ProcessHandle> servers = standin.running("sglang.launch_server");
        assertThat(servers).hasSize(1);
        assertThat(standin.running("sglang.bench_serving")).isEmpty();
        assertThat(reporter.infos()).anyMatch(m -> m.contains("keeps running") && m.contains("kill " + servers.get(0).pid()));
        // The user stops it as told: kill PID (SIGTERM); the stand-in, like sglang, stops its schedulers.
        servers.get(0).destroy();
        servers.get(0).onExit().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!standin.running().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertNothingLeft();
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        standin = Standin.install(temp);
        RecordingReporter reporter = new RecordingReporter();
        assertThatThrownBy(() -> capture(standin.options("--served-model-name 'unterminated", "").build(), reporter))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("--server-opts", "no closing quote");
                });
        assertThatThrownBy(() -> capture(standin.options("--port 99999", "").build(), reporter))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.getMessage()).contains("99999"));
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertThatThrownBy(() -> capture(standin.options("", "").add("profile-dir", file.toString()).build(), reporter))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("--profile-dir", "is not a directory");
                });
        assertThatThrownBy(() -> capture(Options.builder().add("log-dir", "x").build(), reporter))
                .isInstanceOfSatisfying(FlowsimException.class,
                        e -> assertThat(e.getMessage()).contains("--profile-dir is required"));
        assertThatThrownBy(() -> capture(standin.options("", "").add("bench-timeout", "soon").build(), reporter))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        assertNothingLeft();
    }

    private static Path write(Path file, String json) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static JsonNode readGzipJson(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return JSON.readTree(in);
        }
    }
}
