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
 * Collectives over two nodes from a trace to a prediction, with the bundled plugins: the hand-made trace
 * {@code handmade/multi-node} (see its README: invented durations, rank 0 of a 16-GPU job on two A100 SXM
 * nodes) has 16-GPU collectives, which get a prediction and a row without a reason, priced no faster than
 * the network allows: 8 GPUs per node, one 200 Gb/s (25 GB/s) NIC each, the A100 SXM profile's datasheet
 * figures.
 */
class MultiNodeCollectivesEndToEndTest {

    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    private static final double NIC = 25e9;

    @TempDir
    Path dir;

    @Test
    void sixteenGpuCollectivesArePredictedOverTheNetwork() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace = BundledPluginRun.repoDir()
                .resolve("flowsim-runtime/src/test/resources/handmade/multi-node/handmade-two-node-rank0.trace.json");
        Path out = dir.resolve("out");
        CliRun r = BundledPluginRun.run(plugins, "simulate", "--trace-file", trace.toString(), "--output-dir", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 kernels predicted, 0 unsupported").doesNotContain("no prediction for");

        List<CSVRecord> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(out.resolve("handmade-two-node-rank0.trace.csv"));
             CSVParser csv = CSVParser.parse(reader, CSV)) {
            csv.forEach(rows::add);
        }
        assertThat(rows).hasSize(4);
        for (CSVRecord row : rows) {
            assertThat(row.get("Family")).isEqualTo("collective");
            assertThat(row.get("Status")).isEqualTo("ok");
            assertThat(row.get("Simulation Note")).as(row.get("Name")).isEmpty();
        }
        double bytes = 16_777_216.0 * 2;
        // all-reduce over 16 GPUs: 2 x 15/16 of the buffer per GPU; each node's 8 NICs carry the ring's crossings
        double acrossNodes = seconds(rows.get(0));
        assertThat(acrossNodes).isGreaterThan(2.0 * 15 / 16 * bytes / (8 * NIC))
                .isGreaterThan(seconds(rows.get(1)));
        // all-gather of 16 x 1 Mi elements: 15/16 of the output per GPU, the same bound
        assertThat(seconds(rows.get(2))).isGreaterThan(15.0 / 16 * bytes / (8 * NIC));
        // all-to-all: half of each GPU's buffer leaves the node through its own NIC
        assertThat(seconds(rows.get(3))).isGreaterThan(0.5 * 8_388_608 * 2 / NIC);
    }

    private static double seconds(CSVRecord row) {
        return Double.parseDouble(row.get("Predicted (us)")) * 1e-6;
    }
}
