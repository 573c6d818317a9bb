package ${package};

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
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
 * A FlowSim simulator backend: predicts the duration of each kernel FlowSim asks about. This
 * starting point models a memory-bound kernel as the bytes of its operands over a bandwidth
 * ({@code --${pluginId}.bandwidth-gbps}, default 2000 GB/s) and answers "unsupported", with the
 * reason, for GEMMs and for kernels without operand shapes. Replace the model with yours.
 *
 * <p>FlowSim creates one instance per process and opens a {@link SimulationSession} per run:
 * settings are read there, once, and nothing of a run is kept in fields.
 */
public final class BandwidthBackend implements SimulatorBackend {

    /** The backend's name: {@code flowsim simulate --backend ${pluginId}}. */
    public static final String NAME = "${pluginId}";

    /** The memory bandwidth in GB/s (bytes per nanosecond). */
    public static final ExtensionOption<Double> BANDWIDTH_GBPS = ExtensionOption
            .decimal(NAME + ".bandwidth-gbps", "memory bandwidth of the modelled GPU, in GB/s")
            .withDefault(2000.0);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "operand bytes over a memory bandwidth (generated from the FlowSim plugin archetype)";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(BANDWIDTH_GBPS);
    }

    @Override
    public SimulationSession open(RunContext context) {
        double bytesPerNs = context.options().get(BANDWIDTH_GBPS);
        if (!(bytesPerNs > 0)) {
            throw FlowsimException.usage("option " + BANDWIDTH_GBPS.longName()
                    + " must be a positive number of GB/s, not " + bytesPerNs);
        }
        return new SimulationSession() {
            @Override
            public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target) {
                List<SimulationResult> results = new ArrayList<>(batch.size());
                for (SimulationRequest request : batch) {
                    results.add(predict(request, bytesPerNs));
                }
                return results;
            }

            @Override
            public List<String> notes(HardwareTarget target) {
                return List.of(NAME + " predicts every GPU at " + bytesPerNs + " GB/s, whatever the target ("
                        + target.name() + "); launch overhead is not included");
            }
        };
    }

    private static SimulationResult predict(SimulationRequest request, double bytesPerNs) {
        if (request.family() == OperationFamily.GEMM || request.family() == OperationFamily.BMM) {
            return SimulationResult.unsupported("GEMMs are compute-bound; " + NAME + " models memory-bound kernels only",
                    NAME);
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
