package io.flowsim.runtime.pipeline;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.TraceSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which files of a {@code --trace-dir} are traces: the trace sources' judgement, not the runtime's. On
 * hand-made files and hand-made sources (a toy format whose files start with {@code TOY}, written here):
 * a JSON file is skipped, with the source's reason, only when every source that accepts it by
 * {@code canOpen} rejects it; a file no source is asked about stays a trace for the run to report. The
 * pytorch-trace plugin's own rule is tested in that plugin ({@code TraceTopLevelTest}), and the demo
 * folder end to end ({@code TraceDirectoryEndToEndTest}).
 */
class TraceDirectoryTest {

    /** Reads {@code *.json} files that start with {@code TOY}; says why another is not one of its traces. */
    private static final TraceSource TOY = new Toy("toy", "TOY", ".json");
    /** A second format in {@code *.json} files, which start with {@code TWO}. */
    private static final TraceSource TWO = new Toy("two", "TWO", ".json");
    /** Claims every file and judges none by content: the API's default. */
    private static final TraceSource LENIENT = new TraceSource() {
        @Override
        public String name() {
            return "lenient";
        }

        @Override
        public String description() {
            return "accepts every file";
        }

        @Override
        public boolean canOpen(Path file) {
            return true;
        }
    };

    @TempDir
    Path dir;

    @Test
    void aFileTheSourceRejectsIsSkippedWithTheSourcesReasonAndEveryTraceIsKept() throws IOException {
        Path trace = Files.writeString(dir.resolve("b-rank0.json"), "TOY 1");
        Path upper = Files.writeString(dir.resolve("c-rank1.JSON"), "TOY 2");
        Path gz = Files.writeString(dir.resolve("d-rank2.json.gz"), "not judged: toy opens *.json only");
        Path sidecar = Files.writeString(dir.resolve("a.meta.json"), "model: m");
        Files.writeString(dir.resolve("notes.txt"), "TOY 3");
        Files.createDirectories(dir.resolve("sub.json"));

        TraceDirectory.Listing listing = TraceDirectory.list(dir, List.of(TOY), false);

        // a *.json.gz no source accepts is kept: reading it says no installed source reads it
        assertThat(listing.traces()).containsExactly(trace, upper, gz);
        assertThat(listing.skipped()).containsExactly(new TraceDirectory.Skipped(sidecar,
                "not a toy trace (starts with 'model')"));
    }

    @Test
    void aTraceNameThatIsABrokenOrLoopingSymbolicLinkIsRefusedNotSkipped() throws IOException {
        Files.writeString(dir.resolve("a-rank0.json"), "TOY 0");
        Path dangling = dir.resolve("b-rank1.json");
        try {
            Files.createSymbolicLink(dangling, dir.resolve("moved-away").resolve("rank1.json"));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("no symbolic links here: " + e);
        }

        // without the refusal the run would analyse rank 0 alone, as if rank 1 had never been given
        assertThatThrownBy(() -> TraceDirectory.list(dir, List.of(TOY), false))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("b-rank1.json is a symbolic link that leads to no file")
                .hasMessageContaining("moved-away");

        Files.delete(dangling);
        Files.createSymbolicLink(dir.resolve("c.json"), dir.resolve("d.json"));
        Files.createSymbolicLink(dir.resolve("d.json"), dir.resolve("c.json"));
        assertThatThrownBy(() -> TraceDirectory.list(dir, List.of(TOY), false))
                .hasMessageContaining("c.json is a symbolic link that leads to no file (a loop of symbolic links)")
                .hasMessageContaining("(and one more such link)");
    }

    @Test
    void aFileIsATraceWhenAnySourceAcceptingItTakesIt() throws IOException {
        Path two = Files.writeString(dir.resolve("a.json"), "TWO");
        Path neither = Files.writeString(dir.resolve("b.json"), "model: m");

        TraceDirectory.Listing listing = TraceDirectory.list(dir, List.of(TOY, TWO), false);

        assertThat(listing.traces()).containsExactly(two);
        // every source rejects it: the first one's reason
        assertThat(listing.skipped()).extracting(TraceDirectory.Skipped::file, TraceDirectory.Skipped::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(neither, "not a toy trace (starts with 'model')"));
        // a source that judges nothing by content (the API's default) keeps every file it can open
        assertThat(TraceDirectory.list(dir, List.of(TOY, LENIENT), false).traces()).containsExactly(two, neither);
    }

    /** {@code --source NAME}: that source is asked about every file, whatever its canOpen says. */
    @Test
    void aNamedSourceJudgesEveryFile() throws IOException {
        Path trace = Files.writeString(dir.resolve("a.json.gz"), "TOY");
        Path other = Files.writeString(dir.resolve("b.json.gz"), "TWO");

        assertThat(TraceDirectory.list(dir, List.of(TOY), true).skipped()).extracting(TraceDirectory.Skipped::file)
                .containsExactly(other);
        assertThat(TraceDirectory.list(dir, List.of(TOY), false).traces()).containsExactly(trace, other);
        // no source installed (or the one named is not): every JSON file is kept, the run names the problem
        assertThat(TraceDirectory.list(dir, List.of(), true).traces()).containsExactly(trace, other);
    }

    @Test
    void aSourceThatFailsToJudgeKeepsTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("a.json"), "model: m");
        TraceSource throwing = new Toy("throwing", "TOY", ".json") {
            @Override
            public Optional<String> whyNotATrace(String fileName, InputStream content) {
                throw new IllegalStateException("boom");
            }
        };

        assertThat(TraceDirectory.list(dir, List.of(throwing), false).traces()).containsExactly(file);
        assertThat(TraceDirectory.whyNotATrace(List.of(TOY), "gone.json", () -> {
            throw new java.nio.file.NoSuchFileException("gone.json");
        })).isEmpty();
    }

    @Test
    void aFolderWithNoTraceIsAnErrorNamingWhatWasSkipped() throws IOException {
        Files.writeString(dir.resolve("model.meta.json"), "model: llama");
        Files.writeString(dir.resolve("count.json"), "42");

        assertThatThrownBy(() -> TraceDirectory.list(dir, List.of(TOY), false)).isInstanceOf(FlowsimException.class)
                .hasMessage("no traces (*.json, *.json.gz) in " + dir + "; skipped 2 JSON files that are not profiler"
                        + " traces, e.g. count.json: not a toy trace (starts with '42')")
                .extracting(e -> ((FlowsimException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThatThrownBy(() -> TraceDirectory.list(dir.resolve("absent"), List.of(TOY), false))
                .hasMessage("trace directory not found: " + dir.resolve("absent"));
    }

    /** A newline is legal in a file name (and may come in a source's reason); the line stays one line. */
    @Test
    void aSkippedFileWhoseNameHoldsANewlineIsListedOnOneLine() throws IOException {
        Files.writeString(dir.resolve("rank0.json"), "TOY");
        Path sidecar;
        try {
            sidecar = Files.writeString(dir.resolve("side\ncar.meta.json"), "mo\ndel");
        } catch (InvalidPathException | IOException e) {
            Assumptions.abort("this file system refuses a newline in a file name: " + e);
            return;
        }

        TraceDirectory.Skipped skipped = TraceDirectory.list(dir, List.of(TOY), false).skipped().get(0);

        assertThat(skipped.file()).isEqualTo(sidecar);
        assertThat(skipped.line()).isEqualTo("skipped " + dir.resolve("side\\ncar.meta.json")
                + ": not a toy trace (starts with 'mo\\nde')");
    }

    /** A hand-made source of a toy format: files named {@code *SUFFIX} whose content starts with a mark. */
    private static class Toy implements TraceSource {
        private final String name;
        private final String mark;
        private final String suffix;

        Toy(String name, String mark, String suffix) {
            this.name = name;
            this.mark = mark;
            this.suffix = suffix;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "a toy trace format for this test";
        }

        @Override
        public boolean canOpen(Path file) {
            return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(suffix);
        }

        @Override
        public Optional<String> whyNotATrace(String fileName, InputStream content) {
            try {
                String start = new String(content.readNBytes(5), StandardCharsets.UTF_8);
                return start.startsWith(mark) ? Optional.empty()
                        : Optional.of("not a " + name + " trace (starts with '" + start.strip() + "')");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
