package io.flowsim.runtime.reliability;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16, items 6 and 9: a heap too small, and a file-size limit (EFBIG, what a full disk's
 * ENOSPC also goes through), in real child JVMs: one line, the right culprit, nothing written.
 */
class ResourceLimitTest {

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void setUp() throws IOException {
        plugins = Reliability.pluginDirectory(work);
    }

    /** Runs flowsim in a child JVM under {@code bash -c "ulimit -f BLOCKS; exec java ..."}. */
    private static Result run(String name, List<String> jvmOptions, Integer fileSizeBlocks, String... args)
            throws IOException, InterruptedException {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        java.addAll(jvmOptions);
        java.addAll(List.of("-Djava.io.tmpdir=" + Files.createDirectories(work.resolve(name + "-tmp")),
                "-cp", System.getProperty("java.class.path"), "io.flowsim.runtime.cli.Main", "--quiet",
                "--plugins-dir", plugins.toString()));
        java.addAll(List.of(args));
        List<String> command = new ArrayList<>();
        if (fileSizeBlocks != null) {
            assumeTrue(new File("/bin/bash").canExecute(), "no bash for ulimit");
            command.addAll(List.of("/bin/bash", "-c", "ulimit -f " + fileSizeBlocks + " && exec \"$@\"", "flowsim"));
        }
        command.addAll(java);
        Path log = work.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the child finished").isTrue();
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    record Result(int exitCode, String output) {
    }

    @Test
    void outOfMemoryIsOneLineWithTheHeapLimitAndHowToGiveMore() throws Exception {
        Path out = work.resolve("oom-out");
        Result r = run("oom", List.of("-Xmx16m"), null, "parse", "--trace-file",
                Reliability.qwenDemoTrace().toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        Reliability.assertOneLine(r.output());
        assertThat(r.output()).contains("out of memory").contains("16 MiB").contains("FLOWSIM_OPTS=-Xmx");
        assertThat(!Files.exists(out) || Reliability.names(out).isEmpty()).as("nothing written").isTrue();
    }

    @Test
    void aFileSizeLimitOnTheParsersSpillFileIsNotBlamedOnTheTrace() throws Exception {
        Path out = work.resolve("spill-out");
        Result r = run("spill", List.of(), 100, "parse", "--trace-file", Reliability.llamaDemoTrace().toString(),
                "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        Reliability.assertOneLine(r.output());
        assertThat(r.output()).contains("cannot write the temporary file").contains("File too large")
                .doesNotContain("re-export");
        assertThat(Reliability.names(work.resolve("spill-tmp"))).as("the spill file is deleted").isEmpty();
        assertThat(!Files.exists(out) || Reliability.names(out).isEmpty()).as("nothing written").isTrue();
    }

    @Test
    void aFileSizeLimitOnAnOutputNamesTheOutputAndLeavesNothing() throws Exception {
        Path in = Files.createDirectories(work.resolve("efbig-in"));
        StringBuilder trace = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            trace.append("kernel_number_").append(i).append('|').append(i * 10L).append("|5|0\n");
        }
        Path file = Files.writeString(in.resolve("big.fake-trace"), trace);
        Path out = Files.createDirectories(work.resolve("efbig-out"));
        Files.writeString(out.resolve("big.csv"), "an earlier output");
        Result r = run("efbig", List.of(), 200, "parse", "--trace-file", file.toString(), "--output-dir",
                out.toString(), "--exporter", "csv");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        Reliability.assertOneLine(r.output());
        assertThat(r.output()).contains("cannot write the output").contains(out.resolve("big.csv").toString())
                .contains("File too large");
        assertThat(Reliability.names(out)).as("the earlier output is kept; no temporary file").containsExactly("big.csv");
        assertThat(Files.readString(out.resolve("big.csv"))).isEqualTo("an earlier output");
    }

    /**
     * A run of several traces writes into a hidden staging folder beside the output, deleted when the run fails:
     * a full disk there is reported on the file in the output folder the user gave, not in the deleted folder.
     */
    @Test
    void aFileSizeLimitInARunOfSeveralTracesNamesTheOutputFolderGiven() throws Exception {
        Path in = Files.createDirectories(work.resolve("several-in"));
        StringBuilder trace = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            trace.append("kernel_number_").append(i).append('|').append(i * 10L).append("|5|0\n");
        }
        Files.writeString(in.resolve("a.fake-trace"), trace);
        Files.writeString(in.resolve("b.fake-trace"), trace);
        Path out = work.resolve("several-out");
        Result r = run("several", List.of(), 200, "parse", "--trace-file", in.resolve("a.fake-trace").toString(),
                "--trace-file", in.resolve("b.fake-trace").toString(), "--output-dir", out.toString(), "--exporter", "csv",
                "--jobs", "1");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        Reliability.assertOneLine(r.output());
        assertThat(r.output()).contains("cannot write the output " + out.resolve("a.fake-trace").resolve("a.csv"))
                .contains("File too large").doesNotContain("flowsim-staging");
        assertThat(Files.exists(out)).as("no output folder").isFalse();
        assertThat(Reliability.names(work).stream().filter(n -> n.contains("flowsim-staging")).toList()).isEmpty();
    }

    /**
     * The disk fills at run.json, the last file of a run of one trace, after the trace's own outputs are in place
     * (a 4 KiB limit: the CSVs of three kernels fit, run.json does not): those outputs are taken back too.
     */
    @Test
    void aFileSizeLimitAtRunJsonLeavesNoneOfTheTracesOutputs() throws Exception {
        Path in = Files.createDirectories(work.resolve("runjson-in"));
        Path file = Files.writeString(in.resolve("small.fake-trace"), "kernel_a|0|5|0\nkernel_b|10|5|0\nkernel_c|20|5|0\n");
        Path out = work.resolve("runjson-out");
        Result r = run("runjson", List.of("-XX:-UsePerfData"), 4, "parse", "--trace-file", file.toString(),
                "--output-dir", out.toString(), "--exporter", "csv");
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        Reliability.assertOneLine(r.output());
        assertThat(r.output()).contains("cannot write the output").contains(out.resolve("run.json").toString());
        assertThat(!Files.exists(out) || Reliability.names(out).isEmpty()).as("nothing left").isTrue();
    }
}
