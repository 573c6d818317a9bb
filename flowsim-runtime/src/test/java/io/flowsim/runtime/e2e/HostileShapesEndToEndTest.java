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
 * Shapes no profiler records, from a trace to the CSV with the bundled plugins: the hand-made trace
 * {@code handmade/overflowing-shapes} (see its README) records tensors of {@code [9223372036854775807, 4]},
 * whose element count wraps a 64-bit long to a negative number, and one negative size. Every such kernel
 * gets a per-kernel reason naming the operand and the shape, the run ends normally, and no FLOP or byte
 * count is written for it (never a negative one).
 */
class HostileShapesEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    Path dir;

    @Test
    void shapesPastALongOrNegativeAreEachKernelsReasonNeverAWrappedCount() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = BundledPluginRun.repoDir()
                .resolve("flowsim-runtime/src/test/resources/handmade/overflowing-shapes")
                .resolve("handmade-overflowing-shapes.trace.json");
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("internal error");
        assertThat(r.out()).contains("0 kernels predicted, 5 unsupported");

        List<CSVRecord> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(out.resolve("handmade-overflowing-shapes.trace.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            csv.forEach(rows::add);
        }
        assertThat(rows).hasSize(5);
        for (CSVRecord row : rows) {
            assertThat(row.get("Status")).as(row.get("Operator")).isEqualTo("unsupported");
            assertThat(row.get("Operands")).isEmpty();
            assertThat(row.get("FLOPs")).isEmpty();
            assertThat(row.get("Bytes")).isEmpty();
            assertThat(row.get("Simulation Note")).startsWith("the operator's shapes give no operands: operand ");
        }
        assertThat(rows.get(0).get("Simulation Note")).contains("operand A (input #0 of aten::mm)")
                .endsWith("[9223372036854775807, 4] has more elements than a 64-bit count holds");
        assertThat(rows.get(1).get("Simulation Note")).contains("operand input (input #0 of aten::add)")
                .contains("more elements than a 64-bit count holds");
        assertThat(rows.get(2).get("Simulation Note")).contains("operand input (input #1 of aten::copy_)")
                .contains("more elements than a 64-bit count holds");
        assertThat(rows.get(3).get("Simulation Note")).contains("of aten::cat")
                .contains("[9223372036854775807, 4] has more elements than a 64-bit count holds");
        assertThat(rows.get(4).get("Simulation Note")).endsWith("[-1, 4] has a negative size");
    }
}
