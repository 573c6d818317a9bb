package io.flowsim.plugin.analytical;

import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds simulation requests the way docs/operand-conventions.md describes them, for tests. */
final class Requests {

    private Requests() {
    }

    static Operand in(String name, DataType t, long... shape) {
        return new Operand(name, Direction.INPUT, list(shape), t, "");
    }

    static Operand out(String name, DataType t, long... shape) {
        return new Operand(name, Direction.OUTPUT, list(shape), t, "");
    }

    static SimulationRequest kernel(OperationFamily f, List<Operand> operands, Object... attributes) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            attrs.put(String.valueOf(attributes[i]), String.valueOf(attributes[i + 1]));
        }
        return new SimulationRequest("k", KernelKind.KERNEL, KernelCategory.COMPUTE, f, "", operands, Optional.empty(),
                Optional.empty(), Optional.empty(), attrs);
    }

    static SimulationRequest gemm(long m, long n, long k, DataType t, Object... attributes) {
        DataType outType = t.bits() <= 8 ? DataType.BF16 : t;
        return kernel(OperationFamily.GEMM, List.of(in("A", t, m, k), in("B", t, k, n), out("C", outType, m, n)),
                attributes);
    }

    static SimulationRequest decode(long batch, long kvLen, long heads, long kvHeads, long headDim) {
        return decode(batch, kvLen, heads, kvHeads, headDim, DataType.BF16);
    }

    /** A decode step whose query and cache are of type {@code t}. */
    static SimulationRequest decode(long batch, long kvLen, long heads, long kvHeads, long headDim, DataType t) {
        return kernel(OperationFamily.ATTENTION, List.of(in("q", t, batch, heads, headDim),
                in("kv_cache", t, batch * kvLen, 2, kvHeads, headDim)), "attention.phase", "decode",
                "attention.batch", batch, "attention.q_len", 1, "attention.kv_len", kvLen,
                "attention.num_kv_heads", kvHeads);
    }

    static SimulationRequest prefill(long batch, long qLen, long heads, long kvHeads, long headDim) {
        return prefill(batch, qLen, heads, kvHeads, headDim, DataType.BF16);
    }

    /** A causal prefill whose Q, K and V are of type {@code t}. */
    static SimulationRequest prefill(long batch, long qLen, long heads, long kvHeads, long headDim, DataType t) {
        long tokens = batch * qLen;
        return kernel(OperationFamily.ATTENTION, List.of(in("q", t, tokens, heads, headDim),
                in("k", t, tokens, kvHeads, headDim), in("v", t, tokens, kvHeads, headDim)),
                "attention.phase", "prefill", "attention.batch", batch, "attention.q_len", qLen,
                "attention.kv_len", qLen, "attention.causal", true);
    }

    static SimulationRequest moe(long tokens, long hidden, long inter, long experts, long topK, DataType w,
                                 String stage) {
        // 16-bit weights come with activations of their type, narrower ones with bf16 activations
        DataType activation = w.bits() == 16 ? w : DataType.BF16;
        return kernel(OperationFamily.MOE, List.of(in("hidden", activation, tokens, hidden),
                in("w1", w, experts, 2 * inter, hidden), in("w2", w, experts, hidden, inter),
                in("topk_ids", DataType.INT32, tokens, topK)), "moe.top_k", topK, "moe.stage", stage,
                "moe.distribution", "balanced");
    }

    static SimulationRequest allReduce(long elements, int gpus) {
        CollectiveInfo c = new CollectiveInfo("allreduce", elements, elements, gpus, "BFloat16", Optional.empty(),
                Optional.empty(), List.of());
        return new SimulationRequest("ncclDevKernel_AllReduce_Sum_bf16_RING_LL", KernelKind.KERNEL,
                KernelCategory.COMMUNICATION, OperationFamily.COLLECTIVE, "all_reduce", List.of(), Optional.empty(),
                Optional.of(c), Optional.empty(), Map.of());
    }

    static SimulationRequest collective(String name, long inElements, long outElements, int gpus) {
        CollectiveInfo c = new CollectiveInfo(name, inElements, outElements, gpus, "BFloat16", Optional.empty(),
                Optional.empty(), List.of());
        return new SimulationRequest("nccl:" + name, KernelKind.KERNEL, KernelCategory.COMMUNICATION,
                OperationFamily.COLLECTIVE, name, List.of(), Optional.empty(), Optional.of(c), Optional.empty(), Map.of());
    }

    static SimulationRequest memcpy(long bytes, String direction) {
        return new SimulationRequest("Memcpy " + direction, KernelKind.MEMCPY, KernelCategory.MEMORY,
                OperationFamily.COPY, "", List.of(), Optional.empty(), Optional.empty(),
                Optional.of(new MemoryTransfer(bytes, direction)), Map.of());
    }

    static SimulationRequest memset(long bytes) {
        return new SimulationRequest("Memset (Device)", KernelKind.MEMSET, KernelCategory.MEMORY,
                OperationFamily.MEMSET, "", List.of(), Optional.empty(), Optional.empty(),
                Optional.of(new MemoryTransfer(bytes, "Device")), Map.of());
    }

    private static List<Long> list(long... shape) {
        List<Long> l = new ArrayList<>();
        for (long s : shape) {
            l.add(s);
        }
        return l;
    }
}
