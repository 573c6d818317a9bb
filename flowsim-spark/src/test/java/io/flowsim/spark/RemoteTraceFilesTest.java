package io.flowsim.spark;

import io.flowsim.api.TraceSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A folder on a file system other than the local one: a trace source is asked {@code canOpen} with a path of the
 * file's name that names no file, never with a bare name that a source reading first bytes would resolve against
 * the driver's working directory (and so read a local file of that name). The remote file system is the local
 * disk under another scheme ({@link ElsewhereFileSystem}); the sources are hand-written fakes.
 */
class RemoteTraceFilesTest {

    /** The local disk as the file system of scheme {@code elsewhere:}: not "file", so its files have no local path. */
    public static final class ElsewhereFileSystem extends RawLocalFileSystem {
        @Override
        public URI getUri() {
            return URI.create("elsewhere:///");
        }

        @Override
        public String getScheme() {
            return "elsewhere";
        }
    }

    /** Judges by the first bytes of the path it is given, as a third-party source may; records what it was given. */
    private static final class SniffingSource implements TraceSource {
        final List<Path> asked = new ArrayList<>();

        @Override
        public String name() {
            return "sniffing";
        }

        @Override
        public String description() {
            return "reads a file's first byte in canOpen (test fake)";
        }

        @Override
        public boolean canOpen(Path file) {
            asked.add(file);
            try (InputStream in = Files.newInputStream(file)) {
                return in.read() == '{';
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Optional<String> whyNotATrace(String fileName, InputStream content) {
            return fileName.contains("sidecar") ? Optional.of("a sidecar (test fake)") : Optional.empty();
        }
    }

    @TempDir
    Path dir;

    @Test
    void aRemoteFileIsAskedByANameThatResolvesToNoLocalFile() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("rank0.trace.json"), "{\"traceEvents\": []}");
        Files.writeString(run.resolve("rank0.sidecar.json"), "{\"model\": \"m\"}");
        Configuration conf = new Configuration();
        conf.set("fs.elsewhere.impl", ElsewhereFileSystem.class.getName());
        conf.setBoolean("fs.elsewhere.impl.disable.cache", true);
        SniffingSource source = new SniffingSource();
        List<String> log = new ArrayList<>();

        List<TraceInput> inputs = TraceFiles.expand(List.of("elsewhere://" + run), Optional.empty(), conf,
                List.of(source), log::add);

        assertThat(source.asked).extracting(p -> p.getFileName().toString())
                .containsExactly("rank0.sidecar.json", "rank0.trace.json");
        for (Path p : source.asked) {
            assertThat(p).isAbsolute().doesNotExist();
            assertThat(p.getParent()).doesNotExist(); // the listing's empty folder, removed after
        }
        // the source could not read them, so it was not asked why not: both are kept, as files no source claims
        assertThat(inputs).extracting(TraceInput::fileName).containsExactly("rank0.sidecar.json", "rank0.trace.json");
        assertThat(log).isEmpty();
    }

    @Test
    void onTheLocalFileSystemTheSourceReadsTheFileItself() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Path trace = Files.writeString(run.resolve("rank0.trace.json"), "{\"traceEvents\": []}");
        Path sidecar = Files.writeString(run.resolve("rank0.sidecar.json"), "{\"model\": \"m\"}");
        SniffingSource source = new SniffingSource();
        List<String> log = new ArrayList<>();

        List<TraceInput> inputs = TraceFiles.expand(List.of(run.toString()), Optional.empty(), new Configuration(),
                List.of(source), log::add);

        assertThat(source.asked).containsExactly(sidecar, trace);
        // both read and accepted by canOpen; the sidecar then rejected by whyNotATrace
        assertThat(inputs).extracting(TraceInput::fileName).containsExactly("rank0.trace.json");
        assertThat(log).singleElement().asString().endsWith("rank0.sidecar.json: a sidecar (test fake)");
    }
}
