package io.flowsim.spark;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.TraceSource;
import io.flowsim.runtime.pipeline.TraceDirectory;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A directory given to {@code --traces} is listed by the rule of the command line's {@code --trace-dir}
 * (on the Hadoop file system API with the local file system; no Spark session), judged by the bundled
 * trace sources (their zips, as the job's driver discovers them; skipped when not built): a JSON file
 * that is not a profiler trace, such as the {@code *.meta.json} sidecars beside the demo traces, is
 * listed as skipped instead of becoming a failed row. The files here are hand-made placeholders: they are
 * never parsed.
 */
class TraceFilesTest {

    private static final Configuration CONF = new Configuration();
    private static List<TraceSource> sources;

    @BeforeAll
    static void discover(@TempDir Path plugins) throws IOException {
        JobSettings settings = new JobSettings(List.of(BundledPlugins.copyTo(plugins).toString()), List.of(),
                "analytical", Optional.empty(), false);
        sources = TraceDirectory.sources(ExecutorPlugins.registry(settings));
    }

    @TempDir
    Path dir;

    @Test
    void aDirectorysSidecarsAreSkippedAndListedAndItsTracesKept() throws IOException {
        Path run = Files.createDirectories(dir.resolve("llama"));
        Files.writeString(run.resolve("rank1.trace.json"), "{\"traceEvents\": []}");
        Files.writeString(run.resolve("rank0.trace.json"), "[{\"ph\": \"X\"}]");
        Files.writeString(run.resolve("rank0.trace.meta.json"), "{\"description\": \"demo\", \"trace_file\": \"x\"}");
        // damaged: the trace source reports it (a failed row), as --trace-dir keeps it as a trace
        Files.writeString(run.resolve("rank2.trace.json"), "{\"traceEvents\": [");
        List<String> log = new ArrayList<>();

        List<TraceInput> inputs = TraceFiles.expand(List.of(run.toString()), Optional.empty(), CONF, sources, log::add);

        assertThat(inputs).extracting(TraceInput::fileName)
                .containsExactly("rank0.trace.json", "rank1.trace.json", "rank2.trace.json");
        assertThat(inputs).extracting(TraceInput::run).containsOnly("llama");
        assertThat(log).singleElement().asString().startsWith("skipped ").contains("rank0.trace.meta.json: not a"
                + " profiler trace (a JSON document with no \"traceEvents\"; top-level keys: description, trace_file)");
    }

    @Test
    void aFileNamedOrMatchedByAGlobIsTakenAsItIs() throws IOException {
        Path sidecar = Files.writeString(dir.resolve("a.meta.json"), "{\"model\": \"m\"}");
        List<String> log = new ArrayList<>();

        assertThat(TraceFiles.expand(List.of(sidecar.toString()), Optional.empty(), CONF, sources, log::add))
                .extracting(TraceInput::fileName).containsExactly("a.meta.json");
        assertThat(log).isEmpty();
    }

    @Test
    void aDirectoryWithNoTraceLeftIsBadInputNamingWhatWasSkipped() throws IOException {
        Path run = Files.createDirectories(dir.resolve("sidecars"));
        Files.writeString(run.resolve("a.meta.json"), "{\"model\": \"m\"}");

        FlowsimException e = catchThrowableOfType(FlowsimException.class,
                () -> TraceFiles.expand(List.of(run.toString()), Optional.empty(), CONF, sources, line -> { }));

        assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(e.getMessage()).startsWith("no traces (*.json, *.json.gz) in ").contains("sidecars")
                .contains("a.meta.json: not a profiler trace").doesNotContain("\n");
    }
}
