package ${package};

import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExampleBackendTest {

    private static SimulationRequest request(OperationFamily family, List<Operand> operands) {
        return new SimulationRequest("test_kernel", KernelKind.KERNEL, KernelCategory.MEMORY, family, "test",
                operands, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    private static RunContext context(Options options) {
        return RunContext.of(options, Reporter.silent(), null);
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        boolean found = false;
        for (SimulatorBackend backend : ServiceLoader.load(SimulatorBackend.class)) {
            found |= backend.name().equals(ExampleBackend.NAME);
        }
        assertTrue(found, "META-INF/services lists the backend");
    }

    @Test
    void predictsOperandBytesOverTheBandwidth() {
        // 1,000,000 bf16 elements in and out: 4,000,000 bytes at 2,000 bytes/ns is 2,000 ns
        Operand in = new Operand("input", Direction.INPUT, List.of(1000L, 1000L), DataType.BF16, "");
        Operand out = new Operand("output", Direction.OUTPUT, List.of(1000L, 1000L), DataType.BF16, "");
        SimulationResult r = new ExampleBackend().simulate(List.of(request(OperationFamily.ELEMENTWISE,
                List.of(in, out))), new HardwareTarget("H100", Optional.empty()), context(Options.empty())).get(0);
        assertEquals(SimulationStatus.OK, r.status());
        assertEquals(2000, r.predictedNs().getAsLong());
    }

    @Test
    void saysUnsupportedWithAReasonInsteadOfGuessing() {
        SimulationResult r = new ExampleBackend().simulate(List.of(request(OperationFamily.NORM, List.of())),
                new HardwareTarget("H100", Optional.empty()), context(Options.empty())).get(0);
        assertEquals(SimulationStatus.UNSUPPORTED, r.status());
        assertEquals("no operand shapes", r.reason());
    }
}
