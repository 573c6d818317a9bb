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
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pooling kernels from a trace to a prediction, with the bundled plugins: the hand-made trace
 * {@code handmade/pooling} (see its README: invented durations, real operator signatures) resolves each
 * pooling operator through kernels.json with its recorded arguments as {@code pooling.*} attributes,
 * and the analytical backend predicts every one of them. No shared trace contains a pooling kernel, so
 * this checks resolution and physics (never faster than the bytes at the datasheet bandwidth), not
 * accuracy.
 */
class PoolingEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    /** H100 SXM5 HBM3 bandwidth, the datasheet's 3.35 TB/s. */
    private static final double HBM = 3.35e12;

    @TempDir
    Path dir;

    @Test
    void everyPoolingOperatorOfTheHandMadeTraceIsPredictedFromItsRecordedArguments() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = BundledPluginRun.repoDir()
                .resolve("flowsim-runtime/src/test/resources/handmade/pooling/handmade-cnn-pooling.trace.json");
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("6 kernels predicted, 0 unsupported");

        Map<String, CSVRecord> byOperator = new LinkedHashMap<>();
        try (Reader reader = Files.newBufferedReader(out.resolve("handmade-cnn-pooling.trace.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            for (CSVRecord row : csv) {
                byOperator.put(row.get("Operator"), row);
            }
        }
        assertThat(byOperator).hasSize(6);
        for (CSVRecord row : byOperator.values()) {
            assertThat(row.get("Family")).isEqualTo("reduction");
            assertThat(row.get("Status")).as(row.get("Simulation Note")).isEqualTo("ok");
            assertThat(row.get("Attributes")).contains("pooling.kind=").contains("pooling.pass=");
        }
        CSVRecord maxForward = byOperator.get("aten::max_pool2d_with_indices");
        assertThat(maxForward.get("Attributes")).contains("pooling.kernel_size=[3, 3]").contains("pooling.stride=[2, 2]")
                .contains("pooling.padding=[1, 1]");
        CSVRecord maxBackward = byOperator.get("aten::max_pool2d_with_indices_backward");
        assertThat(maxBackward.get("Operands")).contains("indices [32, 64, 56, 56] int64");
        assertThat(byOperator.get("aten::_adaptive_avg_pool2d").get("Attributes")).contains("pooling.output_size=[1, 1]");

        // Forward max pool, 3x3 stride 2: the input once, the output and its int64 indices written.
        double in = 32.0 * 64 * 112 * 112;
        double pooled = 32.0 * 64 * 56 * 56;
        assertThat(predictedSeconds(maxForward)).isGreaterThan((in * 2 + pooled * 2 + pooled * 8) / HBM);
        // Backward: the input's gradient written, the output's gradient and indices read, and more window work.
        assertThat(predictedSeconds(maxBackward)).isGreaterThan((in * 2 + pooled * 10) / HBM)
                .isGreaterThan(predictedSeconds(maxForward));
        // Global average pooling of [32, 2048, 7, 7] reads 6.4 MB.
        assertThat(predictedSeconds(byOperator.get("aten::_adaptive_avg_pool2d")))
                .isGreaterThan(32.0 * 2048 * 49 * 2 / HBM);
    }

    private static double predictedSeconds(CSVRecord row) {
        return Double.parseDouble(row.get("Predicted (us)")) * 1e-6;
    }
}
