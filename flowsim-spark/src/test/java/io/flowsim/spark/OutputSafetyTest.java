package io.flowsim.spark;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The job never replaces what is not its own (issue 16's output safety, on the Hadoop file system
 * API with the local file system; no Spark session): a {@code traces/} directory FlowSim did not
 * write, and trace files inside the output's {@code kernels/}, {@code traces/} or {@code _staging/},
 * are refused with one line naming them before anything is written; and the job's exit status says
 * when some traces failed. The trace files here are hand-made placeholders: they are never parsed.
 */
class OutputSafetyTest {

    @TempDir
    Path dir;

    private static final Configuration CONF = new Configuration();

    @Test
    void aTracesDirectoryFlowsimDidNotWriteIsRefusedAndKept() throws IOException {
        Path output = dir.resolve("runs");
        Path mine = Files.createDirectories(output.resolve("traces"));
        Path trace = Files.writeString(mine.resolve("rank0.trace.json"), "{\"traceEvents\": []}");

        FlowsimException e = catchThrowableOfType(FlowsimException.class,
                () -> OutputTables.open(output.toString(), CONF));
        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.getMessage()).contains("--output " + output).contains("not a traces table FlowSim wrote")
                .doesNotContain("\n");
        assertThat(trace).exists().hasContent("{\"traceEvents\": []}");
    }

    @Test
    void aTracesTableFlowsimWroteIsAccepted() throws IOException {
        Path output = dir.resolve("out");
        Files.createDirectories(output.resolve("traces"));
        Files.createFile(output.resolve("traces/_SUCCESS"));
        assertThat(OutputTables.open(output.toString(), CONF).hasTraces()).isTrue();
    }

    @Test
    void traceFilesInsideTheDirectoriesAJobReplacesAreRefused() throws IOException {
        Path output = dir.resolve("out");
        Path kernels = Files.createDirectories(output.resolve("kernels"));
        Path inside = Files.writeString(kernels.resolve("rank0.trace.json"), "{}");
        Path beside = Files.writeString(Files.createDirectories(dir.resolve("fleet")).resolve("rank1.trace.json"), "{}");
        List<String> inputs = TraceFiles.expand(List.of(inside.toString(), beside.toString()), Optional.empty(), CONF,
                        List.of(), line -> { })
                .stream().map(TraceInput::path).toList();
        OutputTables tables = OutputTables.open(output.toString(), CONF);

        FlowsimException e = catchThrowableOfType(FlowsimException.class, () -> tables.refuseInputsInside(inputs));
        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.getMessage()).contains("refusing to write").contains(inside.getFileName().toString())
                .contains("kernels").doesNotContain("\n");

        // traces beside the output (and the output beside the traces) are fine
        tables.refuseInputsInside(inputs.stream().filter(p -> !p.contains("/kernels/")).toList());
    }

    /** {@code --output ''} would write into the working directory: refused with one line, before Spark starts. */
    @Test
    void anEmptyOutputIsRefusedWithOneLine() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = FlowsimSparkJob.run(new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err, true), "--traces", dir.resolve("missing").toString(), "--output", "");
        assertThat(code).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .startsWith("flowsim-spark: --output is empty").contains("current directory");
    }

    @Test
    void aJobWithFailedTracesEndsWithExitCode4() {
        assertThat(FlowsimSparkJob.exitCode(new FleetRun.Result(3, 1, List.of(), 10, 10, 2))).isZero();
        assertThat(FlowsimSparkJob.exitCode(new FleetRun.Result(3, 0, List.of("a.json.gz: truncated"), 10, 10, 2)))
                .isEqualTo(4);
        assertThat(FlowsimSparkJob.exitCode(new FleetRun.Result(1, 0, List.of("a.json.gz: truncated"), 0, 0, 0)))
                .isEqualTo(4);
    }
}
