package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A prediction past what a duration holds, from a trace to the CSV with the bundled plugins: the hand-made
 * trace {@code handmade/overflowing-duration} (see its README) records an {@code aten::mm} of
 * {@code [2^40, 4] x [4, 2^40]}, whose predicted time does not fit a 64-bit count of nanoseconds. That kernel
 * gets a reason naming the predicted seconds instead of a number capped at {@link Long#MAX_VALUE}
 * nanoseconds, and the ordinary GEMM beside it is predicted as usual.
 */
class OverflowingDurationEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    Path dir;

    @Test
    void aPredictionPastALongOfNanosecondsIsTheKernelsReasonNeverACappedNumber() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = BundledPluginRun.repoDir()
                .resolve("flowsim-runtime/src/test/resources/handmade/overflowing-duration")
                .resolve("handmade-overflowing-duration.trace.json");
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("internal error");
        assertThat(r.out()).contains("1 kernels predicted, 1 unsupported");

        List<CSVRecord> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(out.resolve("handmade-overflowing-duration.trace.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            csv.forEach(rows::add);
        }
        assertThat(rows).hasSize(2);
        CSVRecord huge = rows.get(0);
        assertThat(huge.get("Status")).isEqualTo("unsupported");
        assertThat(huge.get("Predicted (us)")).isEmpty();
        assertThat(huge.get("Simulation Note")).matches("predicted \\d\\.\\de\\+\\d\\d s by the gemm model: "
                + "beyond what a duration holds .*");
        CSVRecord ordinary = rows.get(1);
        assertThat(ordinary.get("Status")).isEqualTo("ok");
        assertThat(Double.parseDouble(ordinary.get("Predicted (us)"))).isPositive().isLessThan(1e6);
    }
}
