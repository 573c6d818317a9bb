package io.flowsim.runtime.cli;

import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryPrinterTest {

    /** Hand-made: a trace recorded on an H200 with 400 us of gemm, 100 us of it predicted at 300 us. */
    private static final DeviceInfo H200 = new DeviceInfo(0, "NVIDIA H200", 132, 150_110_666_752L, 9, 0, Map.of());

    private static String simulation(HardwareTarget target) {
        TraceMetadata meta = new TraceMetadata("run.trace", "/traces/run.trace.json.gz", List.of(H200),
                Optional.empty(), OptionalInt.empty(), Map.of());
        SimulationSummary sim = new SimulationSummary("hand-made", target, 1, 1, 3, 0, 300_000,
                List.of(new AccuracyRow("gemm", 1, 200, 200, 200, 100_000, 300_000),
                        new AccuracyRow("all", 1, 200, 200, 200, 100_000, 300_000)), List.of("a note"));
        RunSummary s = new RunSummary(meta, 4, 400_000, 400_000, 400_000, 400_000, 0, 0, 0,
                List.of(new GroupTotals("gemm", 4, 400_000, 300_000, 1)), List.of(), Optional.of(sim), 0, 0, Map.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            SummaryPrinter.printSimulation(out, s, sim);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRecordedGpuIsJudgedOnAccuracy() {
        String text = simulation(new HardwareTarget("NVIDIA H200", Optional.of(H200)));
        assertThat(text).contains("total err").contains("median |err|").contains("+200.0%")
                .contains("End to end: measured kernel time 400.0 us, predicted 300.0 us").doesNotContain("What-if");
        // the backend's word that H200 is the recorded GPU makes it the same run
        assertThat(simulation(new HardwareTarget("H200", Optional.of(H200)).asTraceDevice()))
                .isEqualTo(text.replace("Simulated NVIDIA H200", "Simulated H200"));
    }

    @Test
    void anotherGpuIsAProjectionWithItsCoverage() {
        String text = simulation(new HardwareTarget("V100", Optional.of(H200)));
        assertThat(text).contains("What-if: the trace was recorded on NVIDIA H200; predictions are for V100")
                .contains("measured on NVIDIA H200 us").contains("predicted on V100 us").contains("predicted/measured")
                .containsPattern("(?m)^all +1 +100\\.0 +300\\.0 +3\\.00x$")
                .contains("End to end (what-if): measured kernel time on NVIDIA H200 400.0 us; the kernels with a"
                        + " prediction, 100.0 us of it, are predicted at 300.0 us on V100 (3.00x); 300.0 us of measured"
                        + " time has no prediction (coverage 25.0% of the kernel time)")
                .contains("Note: a note").doesNotContain("err");
    }
}
