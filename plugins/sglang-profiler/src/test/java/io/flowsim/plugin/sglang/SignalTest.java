package io.flowsim.plugin.sglang;

import io.flowsim.api.TraceSource;
import io.flowsim.testkit.Signals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A profiling run in its own JVM, stopped by a signal while the benchmark runs: the shutdown hook
 * must stop the server, its schedulers and the benchmark before the JVM exits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignalTest {

    @TempDir
    Path temp;

    private Standin standin;

    @AfterEach
    void killLeftovers() {
        if (standin != null) {
            standin.killLeftovers();
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalToTheJvmStopsEveryProcessItStarted(String signal, int expectedExit) throws Exception {
        standin = Standin.install(temp);
        assumeTrue(new File("/bin/kill").canExecute() || new File("/usr/bin/kill").canExecute(), "no kill command");
        assumeFalse(Signals.ignoredByThisProcess(signal), Signals.ignoredReason(signal));
        Path stderr = temp.resolve("jvm.stderr");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath(), CaptureMain.class.getName()));
        standin.options("--tp 2", "--standin-duration 120").build().values()
                .forEach((k, values) -> values.forEach(v -> command.add(k + "=" + v)));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(stderr.toFile()).start();
        try {
            assertThat(standin.awaitProcess("sglang.bench_serving", 90))
                    .as("the benchmark starts; JVM output: %s", Files.exists(stderr) ? Files.readString(stderr) : "")
                    .isTrue();
            assertThat(standin.running("standin-scheduler")).hasSize(2);

            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(jvm.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM exits").isTrue();

            String output = Files.readString(stderr);
            assertThat(jvm.exitValue()).as(output).isEqualTo(expectedExit);
            assertThat(output).contains("stopping the benchmark", "stopping the sglang server");
            List<ProcessHandle> left = standin.running();
            assertThat(left).as("processes left behind:\n" + Standin.describe(left)).isEmpty();
        } finally {
            jvm.destroyForcibly();
        }
    }

    /** The plugin's classes, the API's and the tests', wherever the build put them. */
    private static String classPath() throws URISyntaxException {
        List<String> entries = new ArrayList<>();
        for (Class<?> c : List.of(SglangProfilerSource.class, TraceSource.class, CaptureMain.class)) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
