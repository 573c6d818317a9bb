package io.flowsim.runtime.pipeline;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.testkit.NamedPipes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What {@code flowsim compare} says about a side it cannot read: one line for a user, no parser internals. */
class RunComparisonReadTest {

    @TempDir
    Path dir;

    @Test
    void aSideThatDoesNotExistIsNamedAsMissing() {
        Path nowhere = dir.resolve("nowhere");
        assertThatThrownBy(() -> RunComparison.read(nowhere))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageStartingWith(nowhere + " not found: ");
    }

    @Test
    void aFolderWithoutRunJsonSaysSo() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> RunComparison.read(empty))
                .isInstanceOf(FlowsimException.class)
                .hasMessageStartingWith("no run.json in " + empty);
    }

    /** A named pipe is refused as what it is, at once, not reported as a folder lacking run.json. */
    @Test
    void aNamedPipeIsRefusedAsNotARegularFile() throws IOException, InterruptedException {
        Path fifo = dir.resolve("run.json");
        assumeTrue(NamedPipes.make(fifo), "no mkfifo here");
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(60), () -> RunComparison.read(fifo)))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageStartingWith(fifo + " is not a regular file (a pipe or a device): ");
    }

    @Test
    void malformedJsonGivesItsLineAndColumnWithoutJacksonInternals() throws IOException {
        Path file = Files.writeString(dir.resolve("run.json"), "{\n  \"analysis\": hello\n}\n");
        assertThatThrownBy(() -> RunComparison.read(file))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage())
                            .startsWith(file + " is not a FlowSim run.json: malformed JSON at line 2, column ")
                            .contains("Unrecognized token 'hello'")
                            .doesNotContain("Source:", "StreamReadFeature", "REDACTED");
                });
    }
}
