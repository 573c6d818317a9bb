package io.flowsim.plugin.analytical;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.testkit.ExtensionHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnalyticalBackendTest {

    private static final RunContext CONTEXT = RunContext.of(Options.empty(), Reporter.silent(), null);

    private static HardwareTarget target(String name) {
        return new HardwareTarget(name, Optional.empty());
    }

    @Test
    void serviceLoaderFindsTheBackendByName() {
        List<String> names = ServiceLoader.load(SimulatorBackend.class).stream().map(p -> p.get().name()).toList();
        assertThat(names).contains("analytical");
        SimulatorBackend b = ServiceLoader.load(SimulatorBackend.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("analytical")).findFirst().orElseThrow();
        assertThat(b.canCalibrate()).isTrue();
        assertThat(b.description()).isNotBlank();
    }

    @Test
    void predictsEveryRequestInOrderWithModelDetail() {
        List<SimulationRequest> batch = List.of(Requests.gemm(4096, 4096, 4096, DataType.BF16),
                Requests.decode(8, 4096, 32, 8, 128), Requests.allReduce(1 << 20, 4),
                Requests.memcpy(1 << 20, "HtoD"));
        List<SimulationResult> results = new AnalyticalBackend().simulate(batch, target("NVIDIA H100 80GB HBM3"), CONTEXT);
        assertThat(results).hasSize(4).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(SimulationStatus.OK);
            assertThat(r.backend()).isEqualTo("analytical");
            assertThat(r.detail()).containsEntry("profile", "h100-sxm").containsKey("model").containsKey("bound");
        });
        assertThat(results.get(0).detail()).containsEntry("model", "gemm");
        assertThat(results.get(1).detail()).containsEntry("model", "attention-decode");
        assertThat(results.get(2).detail()).containsEntry("model", "collective");
        assertThat(results.get(3).detail()).containsEntry("model", "memcpy-host");
    }

    @Test
    void unsupportedRequestsCarryTheirReason() {
        SimulationRequest noShapes = Requests.kernel(OperationFamily.GEMM, List.of());
        SimulationRequest other = Requests.kernel(OperationFamily.OTHER, List.of(Requests.in("x", DataType.BF16, 4)));
        SimulationRequest fp8OnA100 = Requests.gemm(128, 128, 128, DataType.FP8_E4M3);
        List<SimulationResult> results = new AnalyticalBackend().simulate(List.of(noShapes, other, fp8OnA100),
                target("A100"), CONTEXT);
        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(SimulationStatus.UNSUPPORTED));
        assertThat(results.get(0).reason()).isEqualTo("no operand shapes");
        assertThat(results.get(1).reason()).contains("family 'other'");
        assertThat(results.get(2).reason()).contains("fp8");
    }

    @Test
    void anotherGpuIsAWhatIf() {
        SimulationRequest big = Requests.gemm(8192, 8192, 8192, DataType.BF16);
        long a100 = predict(big, "A100");
        long h100 = predict(big, "H100");
        long b200 = predict(big, "B200");
        assertThat(h100).isLessThan(a100);
        assertThat(b200).isLessThan(h100);
        SimulationRequest streaming = Requests.decode(64, 8192, 32, 8, 128);
        assertThat(predict(streaming, "H200")).isLessThan(predict(streaming, "H100"));
    }

    private static long predict(SimulationRequest r, String gpu) {
        return new AnalyticalBackend().simulate(List.of(r), target(gpu), CONTEXT).get(0).predictedNs().orElseThrow();
    }

    @Test
    void unknownGpuIsAUsageErrorListingTheProfiles() {
        assertThatThrownBy(() -> new AnalyticalBackend().simulate(List.of(), target("NVIDIA A10G"), CONTEXT))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("NVIDIA A10G").contains("h100-sxm").contains("a100-sxm-80gb")
                            .contains("--hardware");
                });
    }

    /**
     * The check the runtime makes before reading any trace when the user names a GPU: a name no profile
     * answers to fails as simulating would, with the nearest profile when the name is a near miss of one.
     */
    @Test
    void aNamedGpuIsCheckedBeforeAnyTraceAndANearMissSuggestsTheNearestProfile() {
        try (SimulationSession session = new AnalyticalBackend().open(CONTEXT)) {
            session.checkTarget(target("H200"));
            session.checkTarget(target("NVIDIA H100 80GB HBM3"));
            session.checkTarget(target("b200"));
            assertThatThrownBy(() -> session.checkTarget(target("H900")))
                    .isInstanceOfSatisfying(FlowsimException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        // h100 and h200 are both one edit from h900: the first in catalog order
                        assertThat(e.getMessage()).contains("'H900' (did you mean h100-sxm?)")
                                .contains("Known profiles").contains("b200").contains("--hardware");
                    });
            assertThatThrownBy(() -> session.checkTarget(target("B20")))
                    .hasMessageContaining("(did you mean b200?)");
            assertThatThrownBy(() -> session.checkTarget(target("TPU v5")))
                    .isInstanceOf(FlowsimException.class).message().doesNotContain("did you mean");
        }
        assertThatThrownBy(() -> new AnalyticalBackend().simulate(List.of(), target("H900"), CONTEXT))
                .hasMessageContaining("(did you mean h100-sxm?)");
    }

    @Test
    void editDistanceCountsSingleCharacterEdits() {
        assertThat(HardwareCatalog.editDistance("h900", "h100")).isEqualTo(1);
        assertThat(HardwareCatalog.editDistance("", "b200")).isEqualTo(4);
        assertThat(HardwareCatalog.editDistance("b20", "b200")).isEqualTo(1);
        assertThat(HardwareCatalog.editDistance("h100 smx", "h100 sxm")).isEqualTo(2);
        assertThat(HardwareCatalog.editDistance("l40s", "l40s")).isZero();
    }

    @Test
    void hardwareOptionAddsAProfile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a10g.json");
        Files.writeString(file, """
                {"id": "a10g", "name": "NVIDIA A10G", "sm_count": 80, "peak_tflops": {"bf16": 125}, \
                "hbm_bandwidth_gbps": 600, "efficiency_from": "a100-sxm-80gb"}""");
        RunContext withFile = RunContext.of(Options.builder().add("hardware", file.toString()).build(),
                Reporter.silent(), null);
        DeviceInfo a10g = new DeviceInfo(0, "NVIDIA A10G", 80, 0, 8, 0, Map.of());
        SimulationResult r = new AnalyticalBackend().simulate(List.of(Requests.gemm(1024, 1024, 1024, DataType.BF16)),
                new HardwareTarget("NVIDIA A10G", Optional.of(a10g)), withFile).get(0);
        assertThat(r.status()).isEqualTo(SimulationStatus.OK);
        assertThat(r.detail()).containsEntry("profile", "a10g");
    }

    @Test
    void theDeclaredHardwareOptionReachesTheSessionUnderItsKeyAndThroughTheHarness(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("a10g.json");
        Files.writeString(file, """
                {"id": "a10g", "name": "NVIDIA A10G", "sm_count": 80, "peak_tflops": {"bf16": 125}, \
                "hbm_bandwidth_gbps": 600, "efficiency_from": "a100-sxm-80gb"}""");
        ExtensionHarness harness = ExtensionHarness.of(new AnalyticalBackend())
                .option(AnalyticalBackend.HARDWARE, file);
        HardwareTarget a10g = new HardwareTarget("NVIDIA A10G", Optional.empty());
        SimulationRequest gemm = Requests.gemm(1024, 1024, 1024, DataType.BF16);
        List<SimulationResult> results = harness.simulate(a10g, gemm, gemm);
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.detail()).containsEntry("profile", "a10g"));
        assertThat(harness.notes(a10g)).anyMatch(n -> n.contains("analytical profile a10g"));
        // one session answers for several batches without reading the profile again
        try (SimulationSession session = new AnalyticalBackend().open(harness.context())) {
            Files.delete(file);
            assertThat(session.simulate(List.of(gemm), a10g).get(0).detail()).containsEntry("profile", "a10g");
        }
    }

    @Test
    void theSessionsPeaksComeFromTheRunsProfilesAndAreEmptyForAnUnknownGpu(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("a10g.json");
        Files.writeString(file, """
                {"id": "a10g", "name": "NVIDIA A10G", "sm_count": 80, "peak_tflops": {"bf16": 125, "fp32": 31.2}, \
                "hbm_bandwidth_gbps": 600, "efficiency_from": "a100-sxm-80gb"}""");
        HardwareTarget a10g = new HardwareTarget("NVIDIA A10G", Optional.empty());
        RunContext withFile = RunContext.of(Options.builder().add("hardware", file.toString()).build(),
                Reporter.silent(), null);
        try (SimulationSession session = new AnalyticalBackend().open(withFile)) {
            GpuPeaks peaks = session.peaks(a10g).orElseThrow();
            assertThat(peaks.gpu()).isEqualTo("NVIDIA A10G");
            assertThat(peaks.flops(DataType.BF16)).hasValue(125e12);
            assertThat(peaks.memoryBytesPerSecond()).isEqualTo(600e9);
        }
        // without the file the run knows no A10G: no peaks, and no error
        try (SimulationSession session = new AnalyticalBackend().open(CONTEXT)) {
            assertThat(session.peaks(a10g)).isEmpty();
            assertThat(session.peaks(new HardwareTarget("H100", Optional.empty()))).isPresent();
        }
    }

    @Test
    void aNamedGpuIsTheTraceDeviceWhenBothResolveToOneProfile() {
        DeviceInfo h200 = new DeviceInfo(0, "NVIDIA H200", 132, 150_110_666_752L, 9, 0, Map.of());
        try (SimulationSession session = new AnalyticalBackend().open(CONTEXT)) {
            assertThat(session.isTraceDevice(new HardwareTarget("H200", Optional.of(h200)))).isTrue();
            assertThat(session.isTraceDevice(new HardwareTarget("NVIDIA H200", Optional.of(h200)))).isTrue();
            assertThat(session.isTraceDevice(new HardwareTarget("V100", Optional.of(h200)))).isFalse();
            assertThat(session.isTraceDevice(new HardwareTarget("TPU v5", Optional.of(h200)))).as("unknown GPU")
                    .isFalse();
            assertThat(session.isTraceDevice(target("H200"))).as("no trace device").isFalse();
        }
    }

    @Test
    void notesNameTheProfileAndTheLaunchOverheadCaveat() {
        List<String> notes = new AnalyticalBackend().notes(target("H200"), CONTEXT);
        assertThat(String.join("\n", notes)).contains("h200-sxm").contains("launch overhead").contains("waiting");
    }

    /**
     * An approximate match is a note too, worded as a note: the console prints it after "Note: " and the
     * report under "Backend notes", so a "warning: " of its own read "Note: warning: ...".
     */
    @Test
    void anApproximateMatchIsANoteWithoutAWarningPrefix() {
        List<String> notes = new AnalyticalBackend().notes(target("H100 SXM5 Turbo"), CONTEXT);
        assertThat(notes).first().asString().startsWith("the GPU 'H100 SXM5 Turbo' has no profile of its own;")
                .contains("simulating it as h100-sxm");
        assertThat(notes).noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("warning"));
    }
}
