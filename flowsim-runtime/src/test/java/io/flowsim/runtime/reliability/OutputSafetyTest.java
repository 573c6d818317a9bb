package io.flowsim.runtime.reliability;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, items 1 and 4: no command writes over a file it reads, and a trace FlowSim merged
 * earlier is never taken for one more rank. Real demo traces, real bundled plugins.
 */
class OutputSafetyTest {

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void plugins() throws IOException {
        plugins = Reliability.pluginDirectory(work);
    }

    private static Path twoRanks(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(Reliability.llamaDemoTrace(), dir.resolve("llama_TP-0.trace.json.gz"));
        Files.copy(Reliability.llamaDemoTrace(), dir.resolve("llama_TP-1.trace.json.gz"));
        return dir;
    }

    @Test
    void mergeRefusesToWriteOverOneOfItsRanks() throws IOException {
        Path dir = twoRanks(work.resolve("merge-over-rank"));
        Path rank0 = dir.resolve("llama_TP-0.trace.json.gz");
        byte[] before = Files.readAllBytes(rank0);

        CliRun r = Reliability.run(plugins, "merge", "--trace-dir", dir.toString(), "--output", rank0.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("refusing to write").contains("llama_TP-0.trace.json.gz");
        assertThat(Files.readAllBytes(rank0)).isEqualTo(before);
        assertThat(Reliability.names(dir)).containsExactlyInAnyOrder("llama_TP-0.trace.json.gz",
                "llama_TP-1.trace.json.gz");
    }

    @Test
    void anEarlierMergedTraceInTheDirectoryIsSkippedNotMergedAsARank() throws IOException {
        Path dir = twoRanks(work.resolve("merge-twice"));
        Path merged = dir.resolve("merged.trace.json.gz");
        CliRun first = Reliability.run(plugins, "merge", "--trace-dir", dir.toString(), "--output", merged.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("Merged 2 traces");

        // again, into another name: the first merge's output is in the directory now
        CliRun second = Reliability.run(plugins, "merge", "--trace-dir", dir.toString(), "--output",
                dir.resolve("again.trace.json.gz").toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("Merged 2 traces");
        assertThat(second.err()).contains("merged.trace.json.gz").contains("skipp");

        // and over itself: allowed, it is not an input
        CliRun third = Reliability.run(plugins, "merge", "--trace-dir", dir.toString(), "--output", merged.toString());
        assertThat(third.exitCode()).as(third.err()).isZero();
        assertThat(third.out()).contains("Merged 2 traces");
    }

    @ParameterizedTest
    @ValueSource(strings = {"summary.json", "unknown_kernels.json", "kernels.schema.json", "report.html", "run.json"})
    void parseNeverWritesOverItsOwnTrace(String name) throws IOException {
        Path out = Files.createDirectories(work.resolve("parse-over-" + name));
        Path trace = out.resolve(name);
        Files.copy(Reliability.llamaDemoTrace(), trace);
        byte[] before = Files.readAllBytes(trace);

        CliRun r = Reliability.run(plugins, "parse", "--trace-file", trace.toString(), "--output-dir", out.toString(),
                "--source", "pytorch-trace");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("refusing to write").contains(name);
        assertThat(Files.readAllBytes(trace)).isEqualTo(before);
        assertThat(Reliability.names(out)).as("no partial output, no temporary file").containsExactly(name);
    }

    /**
     * An edited unknown_kernels.json fed back with --kernels into the same output directory: the run
     * would write a new unknown_kernels.json over the user's edits; it refuses instead.
     */
    @Test
    void aKernelsDatabaseFedBackIntoTheSameOutputDirectoryIsNeverReplaced() throws IOException {
        Path out = Files.createDirectories(work.resolve("kernels-fed-back"));
        Path mine = Files.writeString(out.resolve("unknown_kernels.json"),
                "[{\"kernel_name\": \"hand_written_entry\", \"op_mapping\": \"x\"}]\n");
        byte[] before = Files.readAllBytes(mine);

        CliRun r = Reliability.run(plugins, "parse", "--trace-file", Reliability.llamaDemoTrace().toString(),
                "--output-dir", out.toString(), "--kernels", mine.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("refusing to write").contains("unknown_kernels.json");
        assertThat(Files.readAllBytes(mine)).isEqualTo(before);
        assertThat(Reliability.names(out)).as("no partial output, no temporary file")
                .containsExactly("unknown_kernels.json");
    }

    /**
     * A run of several traces replaces its whole output directory: a file the run reads there (here a
     * kernel database given with --kernels) is refused up front instead of being deleted with the old run.
     */
    @Test
    void aRunOfSeveralTracesNeverReplacesAFolderHoldingAFileItReads() throws IOException {
        Path ranks = twoRanks(work.resolve("ranks-for-kernels"));
        Path out = Files.createDirectories(work.resolve("run-with-kernels"));
        Files.writeString(out.resolve("summary.json"), "{}\n"); // hand-made: marks an earlier FlowSim output
        Path mine = Files.writeString(out.resolve("my-kernels.json"),
                "[{\"kernel_name\": \"hand_written_entry\", \"op_mapping\": \"x\"}]\n");

        CliRun r = Reliability.run(plugins, "parse", "--trace-dir", ranks.toString(), "--output-dir", out.toString(),
                "--kernels", mine.toString(), "--no-report");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("my-kernels.json").contains("which this run reads");
        assertThat(mine).exists();
        assertThat(Reliability.names(out)).containsExactly("my-kernels.json", "summary.json");
        assertThat(Reliability.names(out.getParent())).noneMatch(n -> n.contains("flowsim-staging"));
    }

    /**
     * A run of several traces killed with SIGKILL leaves its hidden staging folder; the next run into
     * the same output directory deletes it (its process is gone) and leaves a running one's alone.
     */
    @Test
    void theNextRunDeletesTheStagingFolderOfAKilledRun() throws IOException, InterruptedException {
        Path ranks = twoRanks(work.resolve("ranks-after-kill"));
        Path parent = Files.createDirectories(work.resolve("after-kill"));
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor()).isZero();
        Path stale = Files.createDirectories(parent.resolve(".run.flowsim-staging-" + gone.pid() + "-1"));
        Files.writeString(stale.resolve("left.csv"), "half a file");
        Path running = Files.createDirectories(parent.resolve(".run.flowsim-staging-"
                + ProcessHandle.current().pid() + "-2"));

        CliRun r = Reliability.run(plugins, "parse", "--trace-dir", ranks.toString(), "--output-dir",
                parent.resolve("run").toString(), "--no-report");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(stale).doesNotExist();
        assertThat(running).exists();
        assertThat(parent.resolve("run/run.json")).exists();
    }

    /**
     * Found by the fuzzer (seed 16, case 4741): when an exporter fails while writing (here report.html,
     * whose name is taken by a folder of the user's), the outputs other exporters had already moved
     * into place are removed, so no set that looks complete is left; the user's folder is untouched.
     */
    @Test
    void anExporterThatFailsLastLeavesNoOutputsOfTheOthers() throws IOException {
        Path out = Files.createDirectories(work.resolve("late-failure"));
        Path mine = Files.createDirectories(out.resolve("report.html"));
        Files.writeString(mine.resolve("notes.txt"), "the user's\n");

        CliRun r = Reliability.run(plugins, "parse", "--trace-file", Reliability.llamaDemoTrace().toString(),
                "--output-dir", out.toString(), "--exporter", "summary", "--exporter", "csv", "--exporter",
                "html-report");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("report.html");
        assertThat(Reliability.names(out)).containsExactly("report.html");
        assertThat(mine.resolve("notes.txt")).hasContent("the user's");
    }
}
