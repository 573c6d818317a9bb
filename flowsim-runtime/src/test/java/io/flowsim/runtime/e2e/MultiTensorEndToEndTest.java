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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The FusedAdam step of the real HTA {@code negative_queue_length_values_check} trace (A100 SXM4 80GB): its
 * multi-tensor kernels run under no operator that records shapes, and are predicted from their launch grid (a full
 * chunk of 65,536 elements a block, gradient, parameter and both moments loaded, all but the gradient stored), never
 * faster than those bytes at the datasheet bandwidth, and the CSV's {@code Bytes} column counts the same bytes.
 */
class MultiTensorEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    /** A100 SXM4 80GB HBM2e, the datasheet's 2,039 GB/s. */
    private static final double HBM = 2.039e12;
    private static final Pattern BLOCKS = Pattern.compile("^\\[(\\d+), 1, 1\\]$");

    @TempDir
    Path dir;

    @Test
    void theFusedAdamKernelsArePredictedFromTheirGrid() throws IOException {
        Path trace = BundledPluginRun.sharedDir()
                .resolve("data/traces/HolisticTraceAnalysis/negative_queue_length_values_check__rank0.json.gz");
        assumeTrue(Files.isRegularFile(trace), "HTA trace absent");
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                out.toString(), "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();

        int adam = 0;
        try (Reader reader = Files.newBufferedReader(out.resolve("negative_queue_length_values_check__rank0.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            for (CSVRecord row : csv) {
                if (!row.get("Name").startsWith("void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor")) {
                    continue;
                }
                adam++;
                assertThat(row.get("Status")).as(row.get("Simulation Note")).isEqualTo("ok");
                Matcher grid = BLOCKS.matcher(row.get("Grid"));
                assertThat(grid.matches()).as(row.get("Grid")).isTrue();
                double bytes = Double.parseDouble(grid.group(1)) * 65_536 * 7 * 4;
                assertThat(Double.parseDouble(row.get("Bytes"))).isEqualTo(bytes);
                assertThat(Double.parseDouble(row.get("Predicted (us)")) * 1e-6).isGreaterThan(bytes / HBM);
            }
        }
        // six training steps, 18 launches each
        assertThat(adam).isEqualTo(108);
    }
}
