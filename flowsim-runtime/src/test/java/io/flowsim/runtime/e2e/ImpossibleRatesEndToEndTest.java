package io.flowsim.runtime.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.flowsim.runtime.CliRun;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kernel whose measured rates are far past its GPU's peaks (here the hand-made trace's GEMM given
 * 2^40 rows, so its operands count 3.8e19 FLOPs in 100 us, 3.8e11 TFLOP/s on an H200): its rates are
 * left blank instead of printed, and the run warns once, naming the trace and the count. The trace's
 * other kernels keep theirs.
 */
class ImpossibleRatesEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TRACE = BundledPluginRun.repoDir()
            .resolve("flowsim-runtime/src/test/resources/handmade/two-rank/handmade-job-TP-0-DECODE.trace.json");

    @TempDir
    static Path work;

    private static Path plugins;

    @BeforeAll
    static void plugins() throws IOException {
        plugins = AnalyticalBackendEndToEndTest.plugins(work);
    }

    /** The hand-made trace with its {@code aten::mm}'s first input given {@code rows} rows. */
    private static Path traceWithGemmRows(long rows, String name) throws IOException {
        JsonNode trace = JSON.readTree(TRACE.toFile());
        for (JsonNode event : trace.get("traceEvents")) {
            if ("aten::mm".equals(event.path("name").asText())) {
                ((ArrayNode) event.get("args").get("Input Dims").get(0)).set(0, rows);
                break;
            }
        }
        Path file = work.resolve(name + ".trace.json");
        JSON.writeValue(file.toFile(), trace);
        return file;
    }

    @Test
    void aGemmFarPastThePeaksHasItsRatesBlankedWithOneWarning() throws IOException {
        Path out = work.resolve("absurd");
        CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file",
                traceWithGemmRows(1L << 40, "absurd-gemm").toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> warnings = r.err().lines().filter(l -> l.contains("peaks")).toList();
        assertThat(warnings).as(r.err()).singleElement().asString()
                .startsWith("warning: 1 kernel of absurd-gemm.trace ran above 10x the ")
                .contains("nvjet_sm90_tst_256x128_64x4_1x2_h_bz_coopA_TNT")
                .contains("left blank");
        List<CSVRecord> rows = ParseOutputsTest.csv(out.resolve("absurd-gemm.trace.csv"));
        CSVRecord gemm = rows.get(0);
        assertThat(gemm.get("Name")).startsWith("nvjet_sm90");
        for (String column : List.of("FLOPs", "Bytes", "TFLOP/s", "TB/s", "% of Peak")) {
            assertThat(gemm.get(column)).as(column).isEmpty();
        }
        assertThat(rows.stream().skip(1).filter(k -> !k.get("TB/s").isEmpty()).count())
                .as("the trace's collectives keep their rates").isPositive();
    }

    @Test
    void theSameGemmAtItsRealShapeKeepsItsRatesWithoutAWarning() throws IOException {
        Path out = work.resolve("real");
        CliRun r = BundledPluginRun.run(plugins, "parse", "--trace-file",
                traceWithGemmRows(1024, "real-gemm").toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("peaks");
        CSVRecord gemm = ParseOutputsTest.csv(out.resolve("real-gemm.trace.csv")).get(0);
        assertThat(gemm.get("TFLOP/s")).isNotEmpty();
        assertThat(gemm.get("% of Peak")).isNotEmpty();
    }
}
