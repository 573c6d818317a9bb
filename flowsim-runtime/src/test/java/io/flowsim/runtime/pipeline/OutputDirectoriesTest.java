package io.flowsim.runtime.pipeline;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An output directory that cannot be created is one line saying why, not the path twice. */
class OutputDirectoriesTest {

    @Test
    void aFileInTheWayIsNamedAsSuch(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("out"), "x");
        assertThatThrownBy(() -> OutputDirectories.create(file))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).isEqualTo("cannot create output directory " + file + ": "
                            + file + " exists and is not a directory");
                });
    }

    @Test
    void aFileInTheWayOfAParentIsTheOneNamed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("out"), "x");
        Path below = file.resolve("run");
        assertThatThrownBy(() -> OutputDirectories.create(below))
                .isInstanceOf(FlowsimException.class)
                .hasMessageStartingWith("cannot create output directory " + below + ": ")
                .hasMessageContaining(file + " exists and is not a directory");
    }

    @Test
    void aDirectoryThatExistsIsKept(@TempDir Path dir) {
        OutputDirectories.create(dir.resolve("a/b"));
        OutputDirectories.create(dir.resolve("a/b"));
        assertThat(dir.resolve("a/b")).isDirectory();
    }

    @Test
    void theReasonOfOtherFailuresIsInWords() {
        assertThat(OutputDirectories.reason(new AccessDeniedException("/data/out")))
                .isEqualTo("permission denied (/data/out)");
        assertThat(OutputDirectories.reason(new FileSystemException("/proc/out", null, "Operation not permitted")))
                .isEqualTo("Operation not permitted (/proc/out)");
        assertThat(OutputDirectories.reason(new FileSystemException("/proc/out")))
                .isEqualTo("the file system refused to create /proc/out");
        assertThat(OutputDirectories.reason(new IOException("disk on fire"))).isEqualTo("disk on fire");
    }
}
