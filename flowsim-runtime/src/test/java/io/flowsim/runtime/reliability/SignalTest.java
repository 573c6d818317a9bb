package io.flowsim.runtime.reliability;

import io.flowsim.runtime.CliRun;
import io.flowsim.testkit.Signals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, item 2: Ctrl-C (SIGINT) or SIGTERM while outputs are half written leaves no temporary
 * file and no output, for each command that writes; a SIGKILL's leftovers are removed by the next
 * run. Real child JVMs, real signals, the real bundled exporters (the test-only fake trace source's
 * {@code STALL} line holds the run while its outputs are open).
 */
class SignalTest {

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(new File("/bin/kill").canExecute() || new File("/usr/bin/kill").canExecute(), "no kill command");
        plugins = Reliability.pluginDirectory(work);
    }

    private static Path stallingTrace(Path dir) throws IOException {
        return Files.writeString(Files.createDirectories(dir).resolve("stall.fake-trace"),
                "alpha|0|1000|0\nSTALL\nbeta|2000|500|0\n");
    }

    static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowsim.runtime.cli.Main",
                "--plugins-dir", plugins.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void await(BooleanSupplier condition, Process p, Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            assertThat(p.isAlive()).as("the child ended early: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime() < deadline).as("timed out waiting; log: %s", Files.readString(log)).isTrue();
            Thread.sleep(20);
        }
    }

    static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    static boolean logSays(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    static boolean hasTemporary(Path dir) {
        try {
            return Files.isDirectory(dir) && Reliability.names(dir).stream().anyMatch(n -> n.endsWith(".tmp"));
        } catch (IOException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0} on SIGTERM/SIGINT: {1}")
    @CsvSource({"parse, INT, 130", "simulate, TERM, 143"})
    void aSignalWhileOutputsAreHalfWrittenLeavesNothing(String command, String signal, int exitCode) throws Exception {
        assumeFalse(Signals.ignoredByThisProcess(signal), Signals.ignoredReason(signal));
        Path dir = work.resolve(command + "-" + signal);
        Path trace = stallingTrace(dir.resolve("in"));
        Path out = dir.resolve("out");
        Path log = dir.resolve("child.log");
        List<String> args = new ArrayList<>(List.of(command, "--trace-file", trace.toString(), "--output-dir",
                out.toString(), "--exporter", "csv", "--exporter", "summary"));
        if (command.equals("simulate")) {
            args.addAll(List.of("--backend", "counting-backend", "--gpu", "H200"));
        }
        Process p = start(log, args.toArray(String[]::new));
        try {
            await(() -> logSays(log, "stalled"), p, log);
            assertThat(hasTemporary(out)).as("outputs are half written while it stalls").isTrue();
            signal(p, signal);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(exitCode);
            assertThat(Reliability.names(out)).as("no temporary file, no output").isEmpty();
            Reliability.assertNoStackTrace(Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void mergeOnSigtermLeavesNoTemporaryFileAndKeepsTheRanks() throws Exception {
        Path dir = Files.createDirectories(work.resolve("merge-term/ranks"));
        for (int rank = 0; rank < 3; rank++) {
            Files.copy(Reliability.qwenDemoTrace(), dir.resolve("qwen_TP-" + rank + ".trace.json.gz"));
        }
        List<String> before = Reliability.names(dir);
        Path log = work.resolve("merge-term/child.log");
        Process p = start(log, "merge", "--trace-dir", dir.toString(), "--output", dir.resolve("merged.json.gz").toString());
        try {
            await(() -> hasTemporary(dir), p, log);
            signal(p, "TERM");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(143);
            assertThat(Reliability.names(dir)).isEqualTo(before);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void temporaryFilesASigkillLeavesAreRemovedByTheNextRun() throws Exception {
        Path dir = work.resolve("kill-9");
        Path trace = stallingTrace(dir.resolve("in"));
        Path out = dir.resolve("out");
        Path log = dir.resolve("child.log");
        Process p = start(log, "parse", "--trace-file", trace.toString(), "--output-dir", out.toString(),
                "--exporter", "csv", "--exporter", "summary");
        try {
            await(() -> logSays(log, "stalled"), p, log);
            signal(p, "KILL");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(hasTemporary(out)).as("SIGKILL cannot be handled: its temporary files stay").isTrue();

        Path good = Files.writeString(dir.resolve("in/good.fake-trace"), "alpha|0|1000|0\n");
        CliRun next = Reliability.run(plugins, "parse", "--trace-file", good.toString(), "--output-dir", out.toString(),
                "--exporter", "csv", "--exporter", "summary");
        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(Reliability.names(out)).containsExactlyInAnyOrder("good.csv", "good.memory.csv", "summary.json",
                "run.json");
    }
}
