package io.flowsim.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicOutputTest {

    @TempDir
    Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void theTargetAppearsOnlyOnCommitAndReplacesAnOlderFile() throws IOException {
        Path target = Files.writeString(dir.resolve("summary.json"), "old");
        try (AtomicOutput out = AtomicOutput.create(target)) {
            Files.writeString(out.temporary(), "new");
            assertThat(Files.readString(target)).isEqualTo("old");
            assertThat(out.temporary().getFileName().toString()).startsWith(".summary.json.").endsWith(".tmp");
            out.commit();
            assertThat(out.committed()).isTrue();
        }
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        try (AtomicOutput out = AtomicOutput.create(dir.resolve("trace.csv"))) {
            Files.writeString(out.temporary(), "half a file");
        }
        assertThat(filesIn(dir)).isZero();
    }

    @Test
    void aMissingDirectoryIsBadInputNamingTheTarget() {
        Path target = dir.resolve("no/such/dir/out.csv");
        assertThatThrownBy(() -> AtomicOutput.create(target))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining(target.toString());
    }
}
