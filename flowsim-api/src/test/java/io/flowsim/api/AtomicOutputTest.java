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
    @Test
    void refusesToWriteOverAnInputOfTheRunWhileItIsProtected() throws IOException {
        Path trace = Files.writeString(dir.resolve("summary.json"), "the user's trace");
        try (AtomicOutput.Inputs ignored = AtomicOutput.protectInputs(java.util.List.of(trace))) {
            assertThatThrownBy(() -> AtomicOutput.create(dir.resolve("./summary.json")))
                    .isInstanceOfSatisfying(FlowsimException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                    .hasMessageContaining("summary.json").hasMessageContaining("input");
        }
        assertThat(Files.readString(trace)).isEqualTo("the user's trace");
        assertThat(filesIn(dir)).isEqualTo(1);
        try (AtomicOutput out = AtomicOutput.create(trace)) {
            Files.writeString(out.temporary(), "allowed once the run no longer reads it");
            out.commit();
        }
        assertThat(Files.readString(trace)).startsWith("allowed");
    }

    @Test
    void aHardLinkToAnInputIsTheInput() throws IOException {
        Path trace = Files.writeString(dir.resolve("trace.json"), "x");
        Path link = Files.createLink(dir.resolve("out.json"), trace);
        try (AtomicOutput.Inputs ignored = AtomicOutput.protectInputs(java.util.List.of(trace))) {
            assertThatThrownBy(() -> AtomicOutput.create(link)).isInstanceOf(FlowsimException.class);
        }
    }

    @Test
    void temporaryFilesOfDeadProcessesAreRemovedAndLiveOnesKept() throws IOException {
        long dead = deadPid();
        Path stale = Files.writeString(dir.resolve(".trace.csv." + dead + "-abc123.tmp"), "left by a killed run");
        Path live = Files.writeString(dir.resolve(".trace.csv." + ProcessHandle.current().pid() + "-zzz.tmp"), "x");
        Path unrelated = Files.writeString(dir.resolve(".editor.swp.tmp"), "not ours");
        try (AtomicOutput out = AtomicOutput.create(dir.resolve("summary.json"))) {
            assertThat(out.temporary().getFileName().toString())
                    .startsWith(".summary.json." + ProcessHandle.current().pid() + "-");
        }
        assertThat(stale).doesNotExist();
        assertThat(live).exists();
        assertThat(unrelated).exists();
    }

    @Test
    void theExitCleanupDeletesEveryUncommittedTemporaryFile() throws IOException {
        AtomicOutput a = AtomicOutput.create(dir.resolve("a.csv"));
        AtomicOutput b = AtomicOutput.create(dir.resolve("b.csv"));
        Files.writeString(a.temporary(), "half");
        Files.writeString(b.temporary(), "done");
        b.commit();
        TemporaryFiles.deleteAllNow();
        assertThat(a.temporary()).doesNotExist();
        assertThat(dir.resolve("b.csv")).hasContent("done");
        a.close();
        b.close();
    }

    @Test
    void aFailedWriteNamesTheOutputNotTheInput() {
        AtomicOutput out = AtomicOutput.create(dir.resolve("trace.csv"));
        FlowsimException e = out.writeFailed(new IOException("No space left on device"));
        assertThat(e.getMessage()).contains(dir.resolve("trace.csv").toString()).contains("No space left on device")
                .contains("output");
        out.close();
    }

    private static long deadPid() {
        for (long pid = 4_000_000; pid > 1000; pid -= 7919) {
            if (ProcessHandle.of(pid).isEmpty()) {
                return pid;
            }
        }
        throw new IllegalStateException("no free pid found");
    }
}
