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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code aten::cat} from a trace to a prediction with the bundled plugins, on the demo qwen3-30b-a3b H200 trace
 * (held out of the cat fit): a cat whose TensorList shapes were recorded gets operands (every tensor read, their
 * concatenation written) and a prediction; one recorded as {@code [[], []]} keeps "no operand shapes".
 */
class CatEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    /** H200 HBM3e, the datasheet's 4.8 TB/s. */
    private static final double HBM = 4.8e12;

    @TempDir
    Path dir;

    @Test
    void catsOfRecordedTensorListsArePredictedAndUnrecordedOnesSaySo() throws IOException {
        Path trace = BundledPluginRun.repoDir()
                .resolve("demo/traces/h200_qwen3-30b-a3b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.exists(trace), "demo trace absent");
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir",
                out.toString(), "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();

        List<CSVRecord> cats = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(out.resolve("h200_qwen3-30b-a3b-4layer_prefill4x1024_decode8.trace.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            for (CSVRecord row : csv) {
                if (row.get("Name").contains("CatArrayBatchedCopy")) {
                    cats.add(row);
                }
            }
        }
        assertThat(cats).isNotEmpty();
        double measured = 0;
        double predicted = 0;
        for (CSVRecord row : cats) {
            if (row.get("Dims").startsWith("[[], ")) {
                assertThat(row.get("Status")).isEqualTo("unsupported");
                assertThat(row.get("Simulation Note")).isEqualTo("no operand shapes");
                continue;
            }
            assertThat(row.get("Status")).as(row.get("Simulation Note")).isEqualTo("ok");
            assertThat(row.get("Operands")).contains("input [").contains("(output)");
            double bytes = Double.parseDouble(row.get("Bytes"));
            double seconds = Double.parseDouble(row.get("Predicted (us)")) * 1e-6;
            assertThat(seconds).as("never faster than its bytes at the datasheet bandwidth").isGreaterThan(bytes / HBM);
            measured += Double.parseDouble(row.get("Duration (us)"));
            predicted += Double.parseDouble(row.get("Predicted (us)"));
        }
        // rotate_half's prefill cats of two [4, 32, 1024, 64] bf16 halves: 16.8 MB each read and 33.6 MB written
        CSVRecord prefill = cats.stream().filter(c -> c.get("Dims").startsWith("[[[4, 32, 1024, 64], [4, 32, 1024, 64]]"))
                .findFirst().orElseThrow();
        assertThat(prefill.get("Operands")).isEqualTo("input [16777216] int16; output [4, 32, 1024, 128] int16 (output)");
        assertThat(Double.parseDouble(prefill.get("Bytes"))).isEqualTo(2.0 * 4 * 32 * 1024 * 128 * 2);
        assertThat(predicted).as("the cats' total, held out of the fit").isCloseTo(measured,
                org.assertj.core.data.Percentage.withPercentage(15));
    }
}
