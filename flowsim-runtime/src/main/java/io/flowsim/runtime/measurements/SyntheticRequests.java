package io.flowsim.runtime.measurements;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static io.flowsim.runtime.measurements.KernelRequests.attributes;
import static io.flowsim.runtime.measurements.KernelRequests.in;
import static io.flowsim.runtime.measurements.KernelRequests.kernel;
import static io.flowsim.runtime.measurements.KernelRequests.out;

/**
 * A deterministic mix of requests shaped like an LLM-inference trace (for {@code flowsim bench}
 * without a trace): GEMMs of transformer projections, prefill and decode attention, MoE expert
 * passes, norms, elementwise kernels, copies, reductions, collectives and memcpys, with sizes drawn
 * from a fixed seed. Synthetic: for timing backends, not for accuracy.
 */
public final class SyntheticRequests {

    private static final long[] HIDDEN = {2048, 4096, 5120, 7168, 8192};
    private static final long[] TOKENS = {1, 4, 16, 64, 128, 512, 1024, 2048, 4096, 8192};

    private SyntheticRequests() {
    }

    public static List<SimulationRequest> generate(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SimulationRequest> list = new ArrayList<>(count);
        DataType h = DataType.BF16;
        for (int i = 0; i < count; i++) {
            long d = HIDDEN[random.nextInt(HIDDEN.length)];
            long t = TOKENS[random.nextInt(TOKENS.length)];
            int pick = random.nextInt(100);
            SimulationRequest r;
            if (pick < 22) {
                long n = d * (1 + random.nextInt(7)) / 2;
                r = KernelRequests.gemm("gemm", t, n, d, h, h, Map.of());
            } else if (pick < 27) {
                r = KernelRequests.gemm("fp8_gemm", t, d, d, DataType.FP8_E4M3, h,
                        attributes("gemm.scaling", "block", "gemm.block", 128));
            } else if (pick < 32) {
                long kv = 128L << random.nextInt(8);
                r = kernel("attention_decode", OperationFamily.ATTENTION, "attention", List.of(
                        in("q", h, t, 32, 128), in("kv_cache", h, t * kv, 2, 8, 128)),
                        attributes("attention.phase", "decode", "attention.batch", t, "attention.q_len", 1,
                                "attention.kv_len", kv, "attention.num_kv_heads", 8));
            } else if (pick < 35) {
                r = kernel("attention_prefill", OperationFamily.ATTENTION, "attention", List.of(
                        in("q", h, t, 32, 128), in("k", h, t, 8, 128), in("v", h, t, 8, 128)),
                        attributes("attention.phase", "prefill", "attention.causal", true));
            } else if (pick < 40) {
                r = kernel("fused_moe_kernel", OperationFamily.MOE, "fused_moe", List.of(in("hidden", h, t, d),
                        in("w1", h, 64, 1536, d), in("w2", h, 64, d, 768), in("topk_ids", DataType.INT32, t, 8)),
                        attributes("moe.top_k", 8, "moe.stage", random.nextBoolean() ? "gate_up" : "down"));
            } else if (pick < 55) {
                r = kernel("rms_norm", OperationFamily.NORM, "rms_norm", List.of(in("input", h, t, d), in("weight", h, d),
                        out("output", h, t, d)), Map.of());
            } else if (pick < 75) {
                r = kernel("add", OperationFamily.ELEMENTWISE, "add", List.of(in("input", h, t, d), in("other", h, t, d),
                        out("output", h, t, d)), Map.of());
            } else if (pick < 85) {
                r = kernel("copy", OperationFamily.COPY, "copy_", List.of(in("src", h, t, d), out("output", h, t, d)),
                        Map.of());
            } else if (pick < 90) {
                r = kernel("argmax", OperationFamily.REDUCTION, "argmax", List.of(in("input", DataType.FP32, t, 32000),
                        out("output", DataType.INT64, t)), Map.of());
            } else if (pick < 96) {
                r = KernelRequests.collective("ncclDevKernel_AllReduce_Sum_bf16_RING_LL", "allreduce", t * d, t * d,
                        2 << random.nextInt(3), "BFloat16");
            } else {
                r = new SimulationRequest("Memcpy HtoD (Pinned -> Device)", KernelKind.MEMCPY, KernelCategory.MEMORY,
                        OperationFamily.COPY, "", List.of(), Optional.empty(), Optional.empty(),
                        Optional.of(new MemoryTransfer(t * 8, "HtoD")), Map.of());
            }
            list.add(r);
        }
        return list;
    }
}
