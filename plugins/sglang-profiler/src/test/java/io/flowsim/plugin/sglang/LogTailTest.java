package io.flowsim.plugin.sglang;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    @TempDir
    Path temp;

    @Test
    void lastLinesTreatCarriageReturnsAsLineEnds() throws Exception {
        Path log = Files.writeString(temp.resolve("a.log"), "one\ntwo\n\n  \r 10%|#  | 1/10\r 20%|## | 2/10\n");
        assertThat(LogTail.lastLines(log, 2)).containsExactly("10%|#  | 1/10", "20%|## | 2/10");
        assertThat(LogTail.lastLine(log, 0)).isEqualTo("20%|## | 2/10");
        assertThat(LogTail.summary(log, 3)).isEqualTo("two | 10%|#  | 1/10 | 20%|## | 2/10");
    }

    @Test
    void readsOnlyTheEndOfALongLogAndShortensLongLines() throws Exception {
        Path log = temp.resolve("b.log");
        Files.writeString(log, "first line\n" + "x".repeat(200_000) + "\n" + "y".repeat(1000) + "\nlast\n");
        assertThat(LogTail.lastLines(log, 10)).doesNotContain("first line").endsWith("last");
        assertThat(LogTail.lastLines(log, 2).get(0)).hasSize(303).endsWith("...");
    }

    @Test
    void canSkipAHeader() throws Exception {
        String header = "# header one\n# header two\n";
        Path log = Files.writeString(temp.resolve("h.log"), header + "out\n");
        assertThat(LogTail.lastLines(log, header.length(), 5)).containsExactly("out");
        assertThat(LogTail.summary(Files.writeString(log, header), header.length(), 5)).isEqualTo("(no output)");
        assertThat(LogTail.lastLine(log, 1000)).isEmpty();
    }

    @Test
    void missingOrEmptyLogsReadAsEmpty() throws Exception {
        assertThat(LogTail.lastLines(temp.resolve("none.log"), 3)).isEmpty();
        assertThat(LogTail.summary(Files.writeString(temp.resolve("e.log"), ""), 3)).isEqualTo("(no output)");
    }
}
