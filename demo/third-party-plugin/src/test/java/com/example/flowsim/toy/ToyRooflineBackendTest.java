package com.example.flowsim.toy;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.testkit.ExtensionHarness;
import io.flowsim.testkit.TestRequests;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** EXAMPLE ONLY: tests the toy backend through FlowSim's test kit. */
class ToyRooflineBackendTest {

    private static final HardwareTarget H100 = new HardwareTarget("H100", Optional.empty());

    @Test
    void aGemmIsBoundByTheSlowerOfComputeAndMemory() {
        // 1024^3 bf16: 2.147 GFLOP at 500 TFLOP/s = 4295 ns; 6 MiB at 3 TB/s = 2097 ns
        List<SimulationResult> results = ExtensionHarness.of(new ToyRooflineBackend())
                .simulate(H100, TestRequests.gemm(1024, 1024, 1024, DataType.BF16));
        assertEquals(4295, results.get(0).predictedNs().getAsLong());
    }

    @Test
    void theDeclaredOptionReachesTheBackendTyped() {
        // at 1000 TFLOP/s the same GEMM takes 2147 ns, still above the 2097 ns of memory traffic
        ExtensionHarness harness = ExtensionHarness.of(new ToyRooflineBackend())
                .option(ToyRooflineBackend.TFLOPS, 1000.0);
        assertEquals(2147, harness.simulate(H100, TestRequests.gemm(1024, 1024, 1024, DataType.BF16)).get(0)
                .predictedNs().getAsLong());
    }

    @Test
    void anythingButAGemmIsUnsupported() {
        SimulationResult r = ExtensionHarness.of(new ToyRooflineBackend())
                .simulate(H100, TestRequests.rmsNorm(16, 4096, DataType.BF16)).get(0);
        assertEquals(SimulationStatus.UNSUPPORTED, r.status());
    }
}
