package io.flowsim.plugin.llmcompass;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.List;

/** Simulates kernels on an LLMCompass HTTP backend ({@code POST /tasks}, {@code GET /tasks/{id}}). */
public final class LlmCompassBackend implements SimulatorBackend {

    @Override
    public String name() {
        return "llmcompass";
    }

    @Override
    public String description() {
        return "Simulates kernels on an LLMCompass HTTP backend (--api-url, --system-key)";
    }

    @Override
    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
        throw new FlowsimException(ErrorCode.UNSUPPORTED,
                "the llmcompass backend is not implemented yet in this version of FlowSim");
    }
}
