package io.flowsim.runtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --trace-dir} on the README's own demo folder ({@code demo/traces}: two real traces of two models,
 * each with its {@code *.meta.json} sidecar), with the bundled plugin zips (skipped when they are not
 * built): every command that takes the folder reads both traces and lists the sidecars as skipped; a
 * damaged trace in a folder stays an error naming it.
 */
class TraceDirectoryEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private static Path demo() {
        Path demo = BundledPluginRun.repoDir().resolve("demo/traces");
        assumeTrue(Files.isDirectory(demo), "demo traces absent");
        return demo;
    }

    private static List<String> skippedLines(CliRun r) {
        return r.err().lines().filter(l -> l.startsWith("skipped ")).toList();
    }

    @Test
    void simulateOfTheDemoFolderReadsBothTracesAndSaysTheyAreSeparateRuns() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path demo = demo();
        Path out = dir.resolve("out");

        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--no-report", "--trace-dir",
                demo.toString(), "--output-dir", out.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(skippedLines(r)).containsExactly(
                "skipped " + demo.resolve("h200_llama3-8b-4layer_prefill4x1024_decode8.meta.json")
                        + ": not a profiler trace (a JSON document with no \"traceEvents\"; top-level keys: description,"
                        + " trace_file, trace_bytes_gz, trace_bytes_json, model and 6 more)",
                "skipped " + demo.resolve("h200_qwen3-30b-a3b-4layer_prefill4x1024_decode8.meta.json")
                        + ": not a profiler trace (a JSON document with no \"traceEvents\"; top-level keys: description,"
                        + " trace_file, trace_bytes_gz, trace_bytes_json, model and 6 more)");
        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertThat(run.get("traces")).hasSize(2);
        assertThat(run.get("traces").findValuesAsText("rank_source")).containsOnly("order given");
        assertThat(run.get("notes").toString()).contains("read as separate single-GPU runs, not ranks of one job");
        assertThat(r.out()).contains("Note: no trace records its rank and none has a collective");
        assertThat(out.resolve("h200_llama3-8b-4layer_prefill4x1024_decode8.trace")).isDirectory();
        assertThat(out.resolve("h200_qwen3-30b-a3b-4layer_prefill4x1024_decode8.trace")).isDirectory();
        assertThat(out.resolve("h200_llama3-8b-4layer_prefill4x1024_decode8.meta")).doesNotExist();
    }

    @Test
    void validateAndMergeTakeTheDemoFolderToo() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path demo = demo();

        CliRun validate = CliRun.of("--plugins-dir", plugins.toString(), "validate", "--trace-dir", demo.toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(skippedLines(validate)).hasSize(2);
        assertThat(validate.out()).contains("h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz")
                .contains("h200_qwen3-30b-a3b-4layer_prefill4x1024_decode8.trace.json.gz").doesNotContain("meta.json");

        Path merged = dir.resolve("merged.json.gz");
        CliRun merge = CliRun.of("--plugins-dir", plugins.toString(), "merge", "--trace-dir", demo.toString(),
                "--output", merged.toString());
        assertThat(merge.exitCode()).as(merge.err()).isZero();
        assertThat(skippedLines(merge)).hasSize(2);
        assertThat(merge.out()).startsWith("Merged 2 traces into " + merged);
    }

    /** A truncated trace beside a sidecar: the run fails with the trace source's line naming the trace. */
    @Test
    void aTruncatedTraceInTheFolderStaysAnErrorNamingIt() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path demo = demo();
        Path folder = Files.createDirectories(dir.resolve("folder"));
        String name = "h200_llama3-8b-4layer_prefill4x1024_decode8";
        Files.copy(demo.resolve(name + ".meta.json"), folder.resolve(name + ".meta.json"));
        byte[] trace = Files.readAllBytes(demo.resolve(name + ".trace.json.gz"));
        Path truncated = Files.write(folder.resolve(name + ".trace.json.gz"),
                java.util.Arrays.copyOf(trace, trace.length / 2));
        Path out = dir.resolve("out");

        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--no-report", "--trace-dir",
                folder.toString(), "--output-dir", out.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).singleElement().asString()
                .contains(truncated.toString());
        assertThat(r.err()).doesNotContain("at io.flowsim");
        assertThat(out.resolve("run.json")).doesNotExist();
        assertThat(out.resolve("summary.json")).doesNotExist();
    }

    /**
     * Found by the qa pass (session 14): a regular file given as the output directory of a run of several
     * traces was reported as "the output directory F holds F, which this run reads": the output directory's
     * own value was among the option values that name existing files. It is now called what it is.
     */
    @Test
    void aFileGivenAsTheOutputDirectoryOfARunIsCalledAFile() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path file = Files.writeString(dir.resolve("not-a-folder"), "mine");

        CliRun r = CliRun.of("--plugins-dir", plugins.toString(), "simulate", "--no-report", "--trace-dir",
                demo().toString(), "--output-dir", file.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().filter(l -> l.startsWith("flowsim:")).toList()).singleElement().asString()
                .contains(file.toString()).contains("is a file").doesNotContain("which this run reads");
        assertThat(file).hasContent("mine");
    }
}
