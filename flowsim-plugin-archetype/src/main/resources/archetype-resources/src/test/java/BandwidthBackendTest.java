package ${package};

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.testkit.ExtensionHarness;
import io.flowsim.testkit.TestRequests;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the backend through flowsim-testkit's harness, the way FlowSim's pipeline runs it. */
class BandwidthBackendTest {

    private static final HardwareTarget H100 = new HardwareTarget("H100", Optional.empty());

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        // FlowSim finds extensions through META-INF/services, on the class path and in plugin directories
        assertTrue(ServiceLoader.load(SimulatorBackend.class).stream()
                .anyMatch(p -> p.get().name().equals(BandwidthBackend.NAME)), "META-INF/services lists the backend");
    }

    @Test
    void predictsOperandBytesOverTheBandwidth() {
        // RMS norm over [1000, 1000] bf16: 2,000,000 bytes in, 2,000 of weight, 2,000,000 out = 4,002,000 bytes;
        // at 2000 GB/s (2000 bytes per ns) that is 2001 ns
        SimulationResult result = ExtensionHarness.of(new BandwidthBackend())
                .simulate(H100, TestRequests.rmsNorm(1000, 1000, DataType.BF16)).get(0);
        assertEquals(SimulationStatus.OK, result.status());
        assertEquals(2001, result.predictedNs().getAsLong());
        assertEquals("4002000", result.detail().get("bytes"));
    }

    @Test
    void theDeclaredOptionReachesTheBackendTyped() {
        // as on the command line: --<name>.bandwidth-gbps 4000 halves the time (1000.5 ns, rounded)
        ExtensionHarness harness = ExtensionHarness.of(new BandwidthBackend())
                .option(BandwidthBackend.BANDWIDTH_GBPS, 4000.0);
        assertEquals(1001, harness.simulate(H100, TestRequests.rmsNorm(1000, 1000, DataType.BF16)).get(0)
                .predictedNs().getAsLong());
    }

    @Test
    void aBadBandwidthIsAUsageErrorNamingTheOption() {
        ExtensionHarness harness = ExtensionHarness.of(new BandwidthBackend()).option(BandwidthBackend.BANDWIDTH_GBPS.key(), "0");
        FlowsimException e = assertThrows(FlowsimException.class,
                () -> harness.simulate(H100, TestRequests.rmsNorm(8, 8, DataType.BF16)));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().contains(BandwidthBackend.BANDWIDTH_GBPS.longName()), e.getMessage());
    }

    @Test
    void saysUnsupportedWithAReasonInsteadOfGuessing() {
        List<SimulationResult> results = ExtensionHarness.of(new BandwidthBackend())
                .simulate(H100, TestRequests.gemm(1024, 1024, 1024, DataType.BF16));
        assertEquals(SimulationStatus.UNSUPPORTED, results.get(0).status());
        assertTrue(results.get(0).reason().contains("compute-bound"), results.get(0).reason());
    }

    @Test
    void notesNameTheAssumedBandwidth() {
        List<String> notes = ExtensionHarness.of(new BandwidthBackend()).notes(H100);
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("2000.0 GB/s"), notes.get(0));
    }
}
