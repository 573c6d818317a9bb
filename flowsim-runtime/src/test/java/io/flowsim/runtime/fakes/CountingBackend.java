package io.flowsim.runtime.fakes;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test-only backend: a GEMM takes {@code 2*M*N*K / 1e6} ns, a kernel whose name starts with
 * {@code fail} fails (as a dead simulator server would make it), and so does a GEMM whose first operand's
 * data type id starts with the option {@code counting-backend.fail-dtype} ({@code -O
 * counting-backend.fail-dtype=fp8}; {@code all} for every GEMM), everything else is unsupported. It
 * remembers its last batch ({@link #lastBatch()}) so tests can check the runtime's de-duplication.
 */
public final class CountingBackend implements SimulatorBackend {

    private volatile List<SimulationRequest> lastBatch = List.of();

    @Override
    public String name() {
        return "counting-backend";
    }

    @Override
    public String description() {
        return "test-only backend";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(ExtensionOption.string("counting-backend.fail-dtype",
                "fail every GEMM whose first operand's data type id starts with this ('all': every GEMM)"));
    }

    /** The batch of the last {@link #simulate} call. */
    public List<SimulationRequest> lastBatch() {
        return lastBatch;
    }

    @Override
    public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
        lastBatch = List.copyOf(batch);
        String failDtype = context.options().get("counting-backend.fail-dtype", "");
        List<SimulationResult> results = new ArrayList<>();
        for (SimulationRequest r : batch) {
            boolean failGemm = r.family() == OperationFamily.GEMM && !failDtype.isEmpty() && (failDtype.equals("all")
                    || r.operand("A").map(a -> a.dataType().id().startsWith(failDtype)).orElse(false));
            if (r.kernelName().startsWith("fail") || failGemm) {
                results.add(SimulationResult.failed("the simulator refused it", name(), Map.of()));
            } else if (r.family() == OperationFamily.GEMM) {
                long m = r.operand("A").orElseThrow().shape().get(0);
                long k = r.operand("A").orElseThrow().shape().get(1);
                long n = r.operand("B").orElseThrow().shape().get(1);
                results.add(SimulationResult.ok(2 * m * n * k / 1_000_000, name(), Map.of("target", target.name())));
            } else {
                results.add(SimulationResult.unsupported("only GEMMs are modelled", name()));
            }
        }
        return results;
    }

    @Override
    public List<String> notes(HardwareTarget target, RunContext context) {
        return List.of("test backend: predictions are arithmetic, not physics");
    }
}
