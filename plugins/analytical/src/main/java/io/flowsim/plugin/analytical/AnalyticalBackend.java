package io.flowsim.plugin.analytical;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.List;

/** FlowSim's embedded analytical GPU performance model; the default backend. */
public final class AnalyticalBackend implements SimulatorBackend {

    @Override
    public String name() {
        return "analytical";
    }

    @Override
    public String description() {
        return "Embedded analytical GPU model (offline; --gpu, --hardware)";
    }

    @Override
    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
        throw new FlowsimException(ErrorCode.UNSUPPORTED,
                "the analytical backend is not implemented yet in this version of FlowSim");
    }
}
