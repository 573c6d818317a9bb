package io.flowsim.runtime.measurements;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;


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
                r = gemm("gemm", t, n, d, h).build();
            } else if (pick < 27) {
                r = SimulationRequest.builder("fp8_gemm").family(OperationFamily.GEMM).opMapping("matmul")
                        .input(OperandRoles.A, DataType.FP8_E4M3, t, d).input(OperandRoles.B, DataType.FP8_E4M3, d, d)
                        .output(OperandRoles.C, h, t, d)
                        .attribute(Attributes.GEMM_SCALING, "block").attribute(Attributes.GEMM_BLOCK, 128L).build();
            } else if (pick < 32) {
                long kv = 128L << random.nextInt(8);
                r = SimulationRequest.builder("attention_decode").family(OperationFamily.ATTENTION).opMapping("attention")
                        .input(OperandRoles.Q, h, t, 32, 128).input(OperandRoles.KV_CACHE, h, t * kv, 2, 8, 128)
                        .attribute(Attributes.ATTENTION_PHASE, "decode").attribute(Attributes.ATTENTION_BATCH, t)
                        .attribute(Attributes.ATTENTION_Q_LEN, 1.0).attribute(Attributes.ATTENTION_KV_LEN, (double) kv)
                        .attribute(Attributes.ATTENTION_NUM_KV_HEADS, 8L).build();
            } else if (pick < 35) {
                r = SimulationRequest.builder("attention_prefill").family(OperationFamily.ATTENTION).opMapping("attention")
                        .input(OperandRoles.Q, h, t, 32, 128).input(OperandRoles.K, h, t, 8, 128)
                        .input(OperandRoles.V, h, t, 8, 128)
                        .attribute(Attributes.ATTENTION_PHASE, "prefill").attribute(Attributes.ATTENTION_CAUSAL, true)
                        .build();
            } else if (pick < 40) {
                r = SimulationRequest.builder("fused_moe_kernel").family(OperationFamily.MOE).opMapping("fused_moe")
                        .input(OperandRoles.HIDDEN, h, t, d).input(OperandRoles.W1, h, 64, 1536, d)
                        .input(OperandRoles.W2, h, 64, d, 768).input(OperandRoles.TOPK_IDS, DataType.INT32, t, 8)
                        .attribute(Attributes.MOE_TOP_K, 8L)
                        .attribute(Attributes.MOE_STAGE, random.nextBoolean() ? "gate_up" : "down").build();
            } else if (pick < 55) {
                r = SimulationRequest.builder("rms_norm").family(OperationFamily.NORM).opMapping("rms_norm")
                        .input(OperandRoles.INPUT, h, t, d).input(OperandRoles.WEIGHT, h, d)
                        .output(OperandRoles.OUTPUT, h, t, d).build();
            } else if (pick < 75) {
                r = SimulationRequest.builder("add").family(OperationFamily.ELEMENTWISE).opMapping("add")
                        .input(OperandRoles.INPUT, h, t, d).input(OperandRoles.OTHER, h, t, d)
                        .output(OperandRoles.OUTPUT, h, t, d).build();
            } else if (pick < 85) {
                r = SimulationRequest.builder("copy").family(OperationFamily.COPY).opMapping("copy_")
                        .input("src", h, t, d).output(OperandRoles.OUTPUT, h, t, d).build();
            } else if (pick < 90) {
                r = SimulationRequest.builder("argmax").family(OperationFamily.REDUCTION).opMapping("argmax")
                        .input(OperandRoles.INPUT, DataType.FP32, t, 32000).output(OperandRoles.OUTPUT, DataType.INT64, t)
                        .build();
            } else if (pick < 96) {
                r = SimulationRequest.builder("ncclDevKernel_AllReduce_Sum_bf16_RING_LL").opMapping("allreduce")
                        .collective(new CollectiveInfo("allreduce", t * d, t * d, 2 << random.nextInt(3), "BFloat16",
                                Optional.empty(), Optional.empty(), List.of())).build();
            } else {
                r = SimulationRequest.builder("Memcpy HtoD (Pinned -> Device)").kind(KernelKind.MEMCPY)
                        .category(KernelCategory.MEMORY).family(OperationFamily.COPY)
                        .transfer(new MemoryTransfer(t * 8, "HtoD")).build();
            }
            list.add(r);
        }
        return list;
    }

    /** {@code C[m, n] = A[m, k] B[k, n]}. */
    private static SimulationRequest.Builder gemm(String name, long m, long n, long k, DataType type) {
        return SimulationRequest.builder(name).family(OperationFamily.GEMM).opMapping("matmul")
                .input(OperandRoles.A, type, m, k).input(OperandRoles.B, type, k, n).output(OperandRoles.C, type, m, n);
    }
}
