package io.flowsim.runtime.measurements;

import io.flowsim.api.MeasurementTableReader;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.MeasuredTable;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The measured-tables reader does not decide for the backends: a TensorRT-LLM attention row, which the bundled
 * analytical backend has no model for, reaches a third-party backend that models it as the attention request of
 * the rows that are priced, with its implementation, and is scored when that backend prices it. The table is
 * HAND-MADE here (aiconfigurator's TensorRT-LLM attention header, made-up latencies); the backend is a test-only
 * stand-in for a plugin built against flowsim-api alone.
 */
class ThirdPartyBackendScoresUnmodelledRowsTest {

    @TempDir
    Path dir;

    /** Prices TensorRT-LLM attention only (1 ns per query token, arithmetic, not physics) and keeps what it saw. */
    static final class TrtllmAttentionBackend implements SimulatorBackend {
        final List<SimulationRequest> seen = new ArrayList<>();

        @Override
        public String name() {
            return "test-trtllm-attention";
        }

        @Override
        public String description() {
            return "test-only backend that models TensorRT-LLM attention";
        }

        @Override
        public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target,
                                               RunContext context) {
            List<SimulationResult> results = new ArrayList<>();
            for (SimulationRequest r : batch) {
                seen.add(r);
                boolean trtllm = r.family() == OperationFamily.ATTENTION
                        && "trtllm".equals(r.attributes().get(Attributes.ATTENTION_IMPLEMENTATION.name()));
                results.add(trtllm
                        ? SimulationResult.ok(r.operand("q").orElseThrow().shape().get(0), name(), Map.of())
                        : SimulationResult.unsupported("models TensorRT-LLM attention only", name()));
            }
            return results;
        }
    }

    @Test
    void aTrtllmAttentionRowReachesTheBackendWithItsImplementationAndIsScored() throws IOException {
        Path table = Files.createDirectories(dir.resolve("h100_sxm/attention/trtllm/0.0.0"))
                .resolve("context_attention_perf.csv");
        Files.writeString(table, "framework,version,device,op_name,kernel_source,batch_size,isl,num_heads,"
                + "num_key_value_heads,head_dim,beam_width,attn_dtype,kv_cache_dtype,step,window_size,latency\n"
                + "TRTLLM,0.0.0,NVIDIA H100 80GB HBM3,context_attention,torch_flow,2,1024,32,8,128,1,bfloat16,"
                + "bfloat16,0,0,0.002\n");
        RunContext context = RunContext.of(Options.empty(), Reporter.silent(), null);
        MeasurementTableReader reader = ServiceLoader.load(MeasurementTableReader.class).findFirst().orElseThrow();
        MeasuredTable t = reader.read(table, Optional.empty(), context);
        assertThat(t.skipped()).isEmpty();

        TrtllmAttentionBackend backend = new TrtllmAttentionBackend();
        List<MeasurementScorer.Scored> scored = MeasurementScorer.score(backend, new HardwareTarget(t.gpu(),
                Optional.empty()), context, t.measurements());

        assertThat(backend.seen).singleElement().satisfies(r -> {
            assertThat(r.family()).isEqualTo(OperationFamily.ATTENTION);
            assertThat(r.attributes()).containsEntry("attention.implementation", "trtllm")
                    .containsEntry("attention.phase", "prefill").containsEntry("attention.batch", "2")
                    .containsEntry("attention.q_len", "1024").containsEntry("attention.causal", "true");
            assertThat(r.operand("q").orElseThrow().shape()).containsExactly(2048L, 32L, 128L);
            assertThat(r.operand("v").orElseThrow().shape()).containsExactly(2048L, 8L, 128L);
        });
        assertThat(scored).singleElement().satisfies(s -> {
            assertThat(s.predicted()).isTrue();
            assertThat(s.predictedNs()).isEqualTo(2048);
            assertThat(s.measurement().measuredNs()).isEqualTo(2000);
        });
    }
}
