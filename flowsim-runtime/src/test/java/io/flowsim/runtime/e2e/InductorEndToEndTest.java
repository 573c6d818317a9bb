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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A TorchInductor kernel on the real HTA {@code triton_example} trace: newer PyTorch records the generated kernel's
 * launch as an operator named like the kernel, with its arguments (three {@code [10, 10]} floats and the numel as a
 * Scalar). The bundled database maps each tensor argument as its own operand, read or written (the trace does not say
 * which), so the kernel's bytes are its arguments' and the analytical backend predicts it. Skipped when the shared
 * trace or the plugin zips are absent.
 */
class InductorEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    Path dir;

    @Test
    void theInductorKernelOfTritonExampleIsPricedFromItsArguments() throws IOException {
        Path trace = BundledPluginRun.sharedDir().resolve("data/traces/HolisticTraceAnalysis/triton_example.json.gz");
        assumeTrue(Files.isRegularFile(trace), "HTA triton_example trace absent");
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                out.toString(), "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();

        CSVRecord row;
        try (Reader reader = Files.newBufferedReader(out.resolve("triton_example.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            List<CSVRecord> rows = csv.getRecords();
            assertThat(rows).hasSize(1);
            row = rows.get(0);
        }
        assertThat(row.get("Name")).isEqualTo("triton_poi_fused_add_cos_sin_0");
        assertThat(row.get("Family")).isEqualTo("elementwise");
        assertThat(row.get("Operands")).isEqualTo(
                "arg0 [10, 10] fp32 (unknown); arg1 [10, 10] fp32 (unknown); arg2 [10, 10] fp32 (unknown)");
        // the original columns: each tensor argument read or written, the numel a Scalar
        assertThat(row.get("Input/Output")).isEqualTo("['unknown', 'unknown', 'unknown', 'N/A']");
        assertThat(row.get("Descriptions")).isEqualTo("['arg0', 'arg1', 'arg2', '']");
        // three 10 x 10 fp32 arguments, each moved once
        assertThat(Double.parseDouble(row.get("Bytes"))).isEqualTo(3 * 10 * 10 * 4.0);
        assertThat(row.get("Status")).as(row.get("Simulation Note")).isEqualTo("ok");
        // a launch-floor-sized kernel (1.76 us measured): the prediction is the elementwise floor, not its bytes
        double predicted = Double.parseDouble(row.get("Predicted (us)"));
        double measured = Double.parseDouble(row.get("Duration (us)"));
        assertThat(predicted).isBetween(measured / 2, measured * 2);
        assertThat(r.out()).contains("coverage 100.0% of the kernel time");
    }
}
