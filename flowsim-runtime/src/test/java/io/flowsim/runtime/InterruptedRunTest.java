package io.flowsim.runtime;

import io.flowsim.api.Exporter;
import io.flowsim.runtime.e2e.BundledPluginRun;
import io.flowsim.testkit.Signals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ctrl-C (SIGINT) after some exporters have moved their outputs into place and while another is still
 * finishing: the run must leave no output at all, not the first half of a set that looks complete (found
 * by hand on the qwen demo trace: {@code report.html}, {@code summary.json}, both CSVs and
 * {@code unknown_kernels.json} stayed, without the timeline and {@code run.json}). And an output begun
 * after the shutdown hook ran must leave neither a temporary file nor a file in place. A real child JVM,
 * a real signal, the real demo trace and bundled exporters, plus an exporter built here that holds the
 * run in its {@code finish}.
 */
class InterruptedRunTest {

    /** Waits in finish for SIGINT, then (once the JVM is shutting down) tries to write one more output. */
    private static final String STALLING_EXPORTER = """
            package com.example.stall;

            import io.flowsim.api.AtomicOutput;
            import io.flowsim.api.ExportContext;
            import io.flowsim.api.ExportSession;
            import io.flowsim.api.Exporter;
            import io.flowsim.api.model.KernelResult;
            import io.flowsim.api.model.RunSummary;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.TimeUnit;

            public final class StallingExporter implements Exporter {
                public String name() { return "stalling-exporter"; }
                public String description() { return "holds the run in finish until the JVM shuts down"; }
                public ExportSession open(ExportContext context) {
                    Path dir = context.outputDirectory();
                    return new ExportSession() {
                        public void accept(KernelResult kernel) { }
                        public List<Path> finish(RunSummary summary) {
                            CountDownLatch shuttingDown = new CountDownLatch(1);
                            CountDownLatch tried = new CountDownLatch(1);
                            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                                shuttingDown.countDown();
                                try {
                                    tried.await(20, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }));
                            System.err.println("stalled in finish");
                            try {
                                shuttingDown.await(60, TimeUnit.SECONDS);
                                Thread.sleep(500);
                                try (AtomicOutput out = AtomicOutput.create(dir.resolve("late.txt"))) {
                                    Files.writeString(out.temporary(), "written after the shutdown hook");
                                    out.commit();
                                }
                            } catch (Exception e) {
                                System.err.println("late output refused: " + e.getMessage());
                            } finally {
                                tried.countDown();
                            }
                            return List.of(dir.resolve("late.txt"));
                        }
                        public void close() { }
                    };
                }
            }
            """;

    /**
     * In a run of several traces (one at a time), holds the first trace's finish until the JVM shuts down and
     * the shutdown hooks have deleted the staging folder (the parent of the trace's output folder), then lets
     * the run go on to the next trace. Its own hook ends the JVM as soon as the staging folder comes back
     * (before the run's own clean-up could delete it again), or after two seconds.
     */
    private static final String STALLING_ONCE_EXPORTER = """
            package com.example.once;

            import io.flowsim.api.ExportContext;
            import io.flowsim.api.ExportSession;
            import io.flowsim.api.Exporter;
            import io.flowsim.api.model.KernelResult;
            import io.flowsim.api.model.RunSummary;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.TimeUnit;
            import java.util.concurrent.atomic.AtomicBoolean;
            import java.util.function.BooleanSupplier;

            public final class StallingOnceExporter implements Exporter {
                private static final AtomicBoolean FIRST = new AtomicBoolean(true);

                private static boolean await(BooleanSupplier condition, long millis) {
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                    while (!condition.getAsBoolean()) {
                        if (System.nanoTime() > deadline) {
                            return false;
                        }
                        Thread.onSpinWait();
                    }
                    return true;
                }

                public String name() { return "stalling-once-exporter"; }
                public String description() { return "holds the first trace until the staging folder is deleted"; }
                public ExportSession open(ExportContext context) {
                    Path staging = context.outputDirectory().toAbsolutePath().getParent();
                    return new ExportSession() {
                        public void accept(KernelResult kernel) { }
                        public List<Path> finish(RunSummary summary) {
                            if (!FIRST.getAndSet(false)) {
                                return List.of();
                            }
                            CountDownLatch shuttingDown = new CountDownLatch(1);
                            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                                shuttingDown.countDown();
                                await(() -> !Files.exists(staging), 5000);
                                await(() -> Files.exists(staging), 2000);
                            }));
                            System.err.println("stalled in finish");
                            try {
                                shuttingDown.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            await(() -> !Files.exists(staging), 5000);
                            System.err.println("going on to the next trace");
                            return List.of();
                        }
                        public void close() { }
                    };
                }
            }
            """;

    @TempDir
    static Path work;

    private static Path plugins;
    private static Path stalling;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(new File("/bin/kill").canExecute() || new File("/usr/bin/kill").canExecute(), "no kill command");
        plugins = BundledPluginRun.pluginDirectory(work,
                List.of("pytorch-trace", "kernels-json", "csv-export", "analytical", "report"));
        stalling = Files.createDirectories(work.resolve("stalling"));
        new PluginJarBuilder("stalling").source("com.example.stall.StallingExporter", STALLING_EXPORTER)
                .source("com.example.once.StallingOnceExporter", STALLING_ONCE_EXPORTER)
                .service(Exporter.class, "com.example.stall.StallingExporter")
                .service(Exporter.class, "com.example.once.StallingOnceExporter").build(stalling);
    }

    @Test
    void ctrlCWhileTheLastExporterFinishesTakesBackTheOutputsAlreadyInPlace() throws Exception {
        assumeFalse(Signals.ignoredByThisProcess("INT"), Signals.ignoredReason("INT"));
        Path trace = BundledPluginRun.repoDir()
                .resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.isRegularFile(trace), "demo trace not found: " + trace);
        Path out = work.resolve("out");
        Path log = work.resolve("child.log");
        Process p = start(log, "simulate", "--trace-file", trace.toString(), "--output-dir", out.toString(),
                "--exporter", "csv", "--exporter", "summary", "--exporter", "stalling-exporter");
        try {
            awaitLog(p, log, "stalled in finish");
            assertThat(names(out)).as("csv and summary are in place before the signal")
                    .contains("summary.json", "h200_llama3-8b-4layer_prefill4x1024_decode8.trace.csv");
            interrupt(p);
            String childLog = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(childLog).isEqualTo(130);
            assertThat(childLog).contains("late output refused").doesNotContain("\tat ");
            assertThat(names(out)).as("no output and no temporary file after Ctrl-C").isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Found by the qa pass (session 14): Ctrl-C during a run of several traces sometimes left the hidden staging
     * folder (with an empty trace folder in it): the hook deleted it while the run's thread went on and made the
     * next trace's folder, and with it the staging folder, again.
     */
    @Test
    void ctrlCDuringARunOfSeveralTracesLeavesNoStagingFolder() throws Exception {
        assumeFalse(Signals.ignoredByThisProcess("INT"), Signals.ignoredReason("INT"));
        Path trace = BundledPluginRun.repoDir()
                .resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.isRegularFile(trace), "demo trace not found: " + trace);
        Path traces = Files.createDirectories(work.resolve("several/traces"));
        Files.copy(trace, traces.resolve("a.trace.json.gz"));
        Files.copy(trace, traces.resolve("b.trace.json.gz"));
        Path runs = Files.createDirectories(work.resolve("several/runs"));
        Path log = work.resolve("several/child.log");
        Process p = start(log, "simulate", "--trace-dir", traces.toString(), "--output-dir",
                runs.resolve("out").toString(), "--jobs", "1", "--exporter", "csv",
                "--exporter", "stalling-once-exporter");
        try {
            awaitLog(p, log, "stalled in finish");
            assertThat(names(runs)).as("the run is staged").singleElement().asString().contains("flowsim-staging");
            interrupt(p);
            String childLog = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(childLog).isEqualTo(130);
            assertThat(childLog).contains("going on to the next trace").doesNotContain("\tat ");
            assertThat(names(runs)).as("no output and no staging folder after Ctrl-C").isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    private static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowsim.runtime.cli.Main",
                "--plugins-dir", plugins.toString(), "--plugins-dir", stalling.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLog(Process p, Path log, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            assertThat(p.isAlive()).as("the child ended early: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime() < deadline).as("timed out; log: %s", Files.readString(log)).isTrue();
            Thread.sleep(20);
        }
    }

    private static void interrupt(Process p) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
