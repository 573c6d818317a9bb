package ${package};

import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A FlowSim simulator backend: predicts each kernel's duration. This starting point models a
 * memory-bound kernel as the bytes of its operands over a bandwidth ({@code --option
 * ${pluginId}.gbps=N}, default 2000 GB/s) and says "unsupported", with the reason, for kernels
 * without operand shapes and for GEMMs. Replace it with your model.
 */
public final class ExampleBackend implements SimulatorBackend {

    /** The backend's name, as in {@code flowsim simulate --backend ${pluginId}}. */
    public static final String NAME = "${pluginId}";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "${pluginId}: operand bytes over a bandwidth (generated from the FlowSim archetype)";
    }

    @Override
    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
        double bytesPerNs = context.options().getDouble(NAME + ".gbps", 2000);
        List<SimulationResult> results = new ArrayList<>(batch.size());
        for (SimulationRequest request : batch) {
            results.add(predict(request, bytesPerNs));
        }
        return results;
    }

    private static SimulationResult predict(SimulationRequest request, double bytesPerNs) {
        if (request.family() == OperationFamily.GEMM || request.family() == OperationFamily.BMM) {
            return SimulationResult.unsupported("GEMMs are compute-bound; not modelled yet", NAME);
        }
        if (request.operands().isEmpty()) {
            return SimulationResult.unsupported("no operand shapes", NAME);
        }
        double bytes = 0;
        for (Operand operand : request.operands()) {
            bytes += operand.bytes();
        }
        return SimulationResult.ok(Math.max(1, Math.round(bytes / bytesPerNs)), NAME,
                Map.of("bytes", String.valueOf((long) bytes)));
    }
}
