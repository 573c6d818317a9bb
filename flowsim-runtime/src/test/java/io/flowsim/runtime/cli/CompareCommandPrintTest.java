package io.flowsim.runtime.cli;

import io.flowsim.runtime.pipeline.RunComparison;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text form of {@code flowsim compare} on hand-made rows: a row whose B side has kernels but no
 * predicted time reads "n/a", with a footnote, never as a zero time, a -100% change and {@code 0.00x}.
 */
class CompareCommandPrintTest {

    private static final RunComparison.Side A = new RunComparison.Side(Path.of("a/run.json"), "measured on H200",
            false, "H200", null);
    private static final RunComparison.Side B = new RunComparison.Side(Path.of("b/run.json"), "predicted on B200",
            true, "B200", null);

    private static String print(List<RunComparison.Row> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            CompareCommand.print(out, new RunComparison.Result(A, B, rows), List.of());
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String line(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key + " ") && !l.contains("count A")).findFirst().orElseThrow();
    }

    @Test
    void aRowWithoutPredictionsOnOneSideReadsNotApplicableWithAFootnote() {
        String text = print(List.of(
                new RunComparison.Row("total", "total", 30, 28, 100.0, 60.0, 50.0, 40.0, 1, 1, 1, 28.0 / 30),
                new RunComparison.Row("stage_family", "decode / gemm", 28, 28, 90.0, 60.0, 50.0, 40.0, 1, 1, 1, 1),
                new RunComparison.Row("stage_family", "decode / other", 2, 0, 10.0, null, null, null, 0, 0, 1, 0)));

        String other = line(text, "decode / other");
        assertThat(other.split("\\s{2,}")).containsExactly("decode / other", "2", "0", "10.0", "n/a", "n/a", "n/a",
                "-", "-");
        assertThat(line(text, "decode / gemm")).contains("-30.0").contains("0.67x");
        assertThat(line(text, "total")).contains("60.0*").contains("0.60x");
        assertThat(text).contains("n/a: the row has kernels on that side but none of them has a predicted time"
                + " (unknown, not zero)");
    }

    /**
     * n/a rows sort after every known change, so with more rows than are printed they are left out first:
     * a line says how many rows were left out, how many of them are n/a, and which files hold them all.
     */
    @Test
    void rowsBeyondThosePrintedAreCountedWithTheirNotApplicableOnesAndTheFilesThatHoldThem() {
        List<RunComparison.Row> rows = new ArrayList<>();
        rows.add(new RunComparison.Row("total", "total", 30, 28, 100.0, 60.0, 50.0, 40.0, 1, 1, 1, 28.0 / 30));
        for (int i = 0; i < CompareCommand.PRINTED_ROWS + 1; i++) {
            rows.add(new RunComparison.Row("op", "op" + i, 2, 2, 5.0, 4.0, 50.0, 40.0, 1, 1, 1, 1));
        }
        rows.add(new RunComparison.Row("op", "other", 2, 0, 10.0, null, null, null, 0, 0, 1, 0));
        rows.add(new RunComparison.Row("op", "unknown_op", 2, 0, 10.0, null, null, null, 0, 0, 1, 0));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            CompareCommand.print(out, new RunComparison.Result(A, B, rows),
                    List.of(Path.of("c/compare.csv"), Path.of("c/compare.json")));
        }
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text.lines()).noneMatch(l -> l.startsWith("other ") || l.startsWith("unknown_op ")
                || l.startsWith("op" + CompareCommand.PRINTED_ROWS + " "));
        assertThat(text).contains("... 3 more rows (2 of them n/a), in c/compare.csv and c/compare.json");
        assertThat(text).contains("n/a: the row has kernels on that side but none of them has a predicted time");
        assertThat(print(rows.subList(0, CompareCommand.PRINTED_ROWS + 1))).doesNotContain("more row");
    }

    @Test
    void noFootnoteWhenEveryPrintedTimeIsKnown() {
        String text = print(List.of(
                new RunComparison.Row("total", "total", 3, 3, 100.0, 60.0, 50.0, 40.0, 1, 1, 1, 1),
                new RunComparison.Row("stage", "decode", 3, 0, 100.0, 0.0, 50.0, null, 1, 0, 1, 0)));

        // a stage with no kernels on B took no time there: a known zero
        assertThat(line(text, "decode")).contains("-100.0").contains("0.00x");
        assertThat(text).doesNotContain("n/a");
    }
}
