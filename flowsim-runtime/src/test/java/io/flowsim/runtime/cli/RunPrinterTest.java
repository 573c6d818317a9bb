package io.flowsim.runtime.cli;

import io.flowsim.api.model.AccuracyRow;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RunPrinterTest {

    /** Hand-made: 4 collective calls, 100 us of transfer measured, 300 us predicted. */
    private static final AccuracyRow COLLECTIVES = new AccuracyRow("all", 4, 150.0, 250.0, 200.0, 100_000, 300_000);

    private static String accuracyLine(boolean whatIf) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            RunPrinter.printAccuracy(out, COLLECTIVES, whatIf);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void collectivesOnTheRecordedGpuAreJudgedOnAccuracy() {
        assertThat(accuracyLine(false)).startsWith("Collective accuracy against transfer time (4 calls, 100.0 us")
                .contains("predicted 300.0 us").contains("total +200.0%").contains("median |err| 150.0%");
    }

    @Test
    void collectivesOfAWhatIfAreAProjectionNotAnError() {
        assertThat(accuracyLine(true)).startsWith("Collective projection against transfer time (what-if, 4 calls")
                .contains("predicted 300.0 us on the simulated GPU").contains("predicted/measured 3.00x")
                .doesNotContain("err").doesNotContain("accuracy");
    }
}
