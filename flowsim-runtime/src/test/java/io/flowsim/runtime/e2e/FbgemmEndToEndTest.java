package io.flowsim.runtime.e2e;

import io.flowsim.api.model.FbgemmTraffic;
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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * fbgemm_gpu's kernels on the real HTA sampled training trace (rank 0, simulated as an A100 SXM 80GB): the
 * quantizers and the pooled-embedding permutes are predicted from their recorded shapes, never faster than their
 * bytes at the datasheet bandwidth, and the CSV's {@code Bytes} column counts at least those bytes (not the recorded
 * inputs alone); the table-batched embeddings and the permutes that repeat features say what the trace does not
 * record (and such a permute's bytes are unknown work); an operator whose shapes the kernel database does not map
 * is named; and the reasons beyond the five costliest are summed in one line.
 */
class FbgemmEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    /** A100 SXM4 80GB HBM2e, the datasheet's 2,039 GB/s. */
    private static final double HBM = 2.039e12;
    private static final Set<String> QUANTIZERS = Set.of(FbgemmTraffic.FP8_ROWWISE_QPARAMS,
            FbgemmTraffic.FP8_ROWWISE_QUANTIZE, FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, FbgemmTraffic.HFP8_QUANTIZE,
            FbgemmTraffic.HFP8_DEQUANTIZE);
    private static final Pattern FIRST_SHAPE = Pattern.compile("^\\[\\[(\\d+)(?:, (\\d+))?\\]");

    @TempDir
    Path dir;

    @Test
    void quantizersAndPermutesArePredictedAndTheRestSayWhy() throws IOException {
        Path trace = BundledPluginRun.sharedDir()
                .resolve("data/traces/HolisticTraceAnalysis/trace_filter__sampled_rank-0.json.gz");
        assumeTrue(Files.isRegularFile(trace), "HTA trace absent");
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--gpu", "A100",
                "--output-dir", out.toString(), "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();

        List<CSVRecord> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(out.resolve("trace_filter__sampled_rank-0.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            csv.forEach(rows::add);
        }
        int quantizers = 0;
        int pooled = 0;
        for (CSVRecord row : rows) {
            String op = row.get("op");
            if (QUANTIZERS.contains(op)) {
                quantizers++;
                assertThat(row.get("Status")).as(row.get("Simulation Note")).isEqualTo("ok");
                assertThat(predictedSeconds(row)).as(row.get("Name")).isGreaterThan(leastBytes(op, row) / HBM);
                assertThat(Double.parseDouble(row.get("Bytes"))).as(row.get("Name")).isGreaterThanOrEqualTo(
                        leastBytes(op, row));
            } else if (op.equals("permute_pooled_embs")) {
                pooled++;
                assertThat(row.get("Status")).as(row.get("Simulation Note")).isEqualTo("ok");
                // the pooled embeddings [B, total_D] fp32 are read and written
                double[] shape = firstShape(row);
                assertThat(predictedSeconds(row)).isGreaterThan(2 * 4 * shape[0] * shape[1] / HBM);
            } else if (op.equals(FbgemmTraffic.PERMUTE_SPARSE_INDICES)) {
                if (row.get("Status").equals("ok")) {
                    assertThat(row.get("Operands")).contains("permute [").contains("indices [");
                    assertThat(row.get("Bytes")).isNotEmpty();
                } else {
                    assertThat(row.get("Simulation Note")).contains("permuted_lengths_sum");
                    // the bytes are as unknown to the efficiency columns as to the model
                    assertThat(row.get("Bytes")).isEmpty();
                }
            } else if (row.get("Name").startsWith("void split_embedding_codegen_forward")) {
                assertThat(row.get("Simulation Note")).contains("table-batched embedding").contains("total_D");
            } else if (row.get("Name").startsWith("void bounds_check_indices_kernel")) {
                assertThat(row.get("Simulation Note"))
                        .endsWith("the kernel database maps none for fbgemm::bounds_check_indices");
            }
        }
        // 2 + 2 FP8 row-wise passes, 2 FP8 dequantizations, 2 + 2 HFP8 conversions; 2 forward and 2 backward permutes
        assertThat(quantizers).isEqualTo(10);
        assertThat(pooled).isEqualTo(4);
        assertThat(r.out()).contains("further reasons (each kernel's reason is in the CSV's Simulation Note)");
    }

    private static double predictedSeconds(CSVRecord row) {
        return Double.parseDouble(row.get("Predicted (us)")) * 1e-6;
    }

    private static double[] firstShape(CSVRecord row) {
        Matcher m = FIRST_SHAPE.matcher(row.get("Dims"));
        assertThat(m.find()).as(row.get("Dims")).isTrue();
        return new double[] {Double.parseDouble(m.group(1)), m.group(2) == null ? 1 : Double.parseDouble(m.group(2))};
    }

    /** What each quantizer's kernel must at least move: its input read and its output written. */
    private static double leastBytes(String op, CSVRecord row) {
        double[] shape = firstShape(row);
        double elements = shape[0] * shape[1];
        return switch (op) {
            case "hfp8_quantize", "fp8_rowwise_quantize" -> 4 * elements + elements;
            case "hfp8_dequantize" -> elements + 4 * elements;
            case "fp8_rowwise_dequantize" -> elements + 4 * shape[0] * (shape[1] - 8);
            default -> 4 * elements;
        };
    }
}
