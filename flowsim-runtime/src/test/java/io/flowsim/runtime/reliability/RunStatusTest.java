package io.flowsim.runtime.reliability;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, item 8: a simulation whose backend predicted nothing, or only part, says so in its exit
 * status (3 and 4), so that a script can tell it from a good run; unsupported kernels alone are
 * not failures (exit 0).
 */
class RunStatusTest {

    @TempDir
    Path dir;

    private CliRun simulate(String... kernels) throws IOException {
        Path trace = Files.write(dir.resolve("t.fake-trace"), java.util.List.of(kernels));
        return CliRun.of("--quiet", "simulate", "--backend", "counting-backend", "--gpu", "H200", "--trace-file",
                trace.toString(), "--output-dir", dir.resolve("out").toString(), "--exporter", "fake-exporter");
    }

    @Test
    void aBackendThatFailedEveryKernelEndsWithExitCode3AndOneLine() throws IOException {
        CliRun r = simulate("fail_a|0|10|0", "fail_b|20|10|0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("counting-backend").contains("predicted none of the 2 kernels")
                .contains("2 failed");
        assertThat(dir.resolve("out/t.fake.txt")).as("outputs are complete and mark the failures").exists();
    }

    @Test
    void aBackendThatFailedSomeKernelsEndsWithExitCode4() throws IOException {
        CliRun r = simulate("gemm_64x128x256|0|1000|0", "fail_a|2000|10|0", "mystery|3000|5|0");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
        Reliability.assertOneLine(r);
        assertThat(r.err()).contains("predicted 1 of the 3 kernels").contains("1 failed");
    }

    @Test
    void unsupportedKernelsAloneAreNotAFailure() throws IOException {
        CliRun r = simulate("gemm_64x128x256|0|1000|0", "mystery|3000|5|0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isBlank();
    }
}
