package io.flowsim.testkit;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtensionHarnessTest {

    private static final HardwareTarget GPU = new HardwareTarget("H100", Optional.empty());

    /** Answers every request with the option's value; remembers batches. */
    static class Fixed implements SimulatorBackend {
        static final ExtensionOption<Integer> ANSWER = ExtensionOption.integer("fixed.answer", "the answer").withDefault(7);
        final List<List<SimulationRequest>> batches = new ArrayList<>();
        int drop;

        public String name() {
            return "fixed";
        }

        public String description() {
            return "answers a fixed duration";
        }

        public List<ExtensionOption<?>> declaredOptions() {
            return List.of(ANSWER);
        }

        public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target, RunContext context) {
            batches.add(batch);
            context.reporter().info("simulating " + batch.size());
            int answer = context.options().get(ANSWER);
            return batch.subList(drop, batch.size()).stream().map(r -> SimulationResult.ok(answer, name(), Map.of())).toList();
        }
    }

    @Test
    void simulatesDistinctRequestsAndMapsResultsBack() {
        Fixed backend = new Fixed();
        SimulationRequest gemm = TestRequests.gemm(64, 64, 64, DataType.BF16);
        ExtensionHarness harness = ExtensionHarness.of(backend).option(Fixed.ANSWER, 42);
        List<SimulationResult> results = harness.simulate(GPU, gemm, TestRequests.rmsNorm(4, 64, DataType.BF16), gemm);
        assertThat(results).hasSize(3).allMatch(r -> r.predictedNs().getAsLong() == 42);
        assertThat(backend.batches.get(0)).hasSize(2);
        assertThat(harness.reporter().infos()).containsExactly("simulating 2");
    }

    @Test
    void aBackendReturningTooFewResultsBreaksTheContract() {
        Fixed backend = new Fixed();
        backend.drop = 1;
        assertThatThrownBy(() -> ExtensionHarness.of(backend).simulate(GPU, TestRequests.gemm(1, 1, 1, DataType.FP32)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("returned 0 results for 1 requests");
    }

    @Test
    void declarationsOutsideTheNamespaceAreCaught() {
        SimulatorBackend squatter = new Fixed() {
            @Override
            public List<ExtensionOption<?>> declaredOptions() {
                return List.of(ExtensionOption.string("other.key", "not mine"));
            }
        };
        assertThatThrownBy(() -> ExtensionHarness.of(squatter)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("--other.key").hasMessageContaining("namespace");
    }
}
