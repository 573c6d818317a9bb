package io.flowsim.testkit;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

/**
 * Simulation requests that follow docs/operand-conventions.md, for backend tests. Each is built with
 * {@link SimulationRequest#builder}; use the builder directly for anything else.
 */
public final class TestRequests {

    private TestRequests() {
    }

    /** {@code C[m, n] = A[m, k] B[k, n]} with inputs and output of {@code type}. */
    public static SimulationRequest gemm(long m, long n, long k, DataType type) {
        return SimulationRequest.builder("gemm_" + m + "x" + n + "x" + k).family(OperationFamily.GEMM)
                .opMapping("matmul").input(OperandRoles.A, type, m, k).input(OperandRoles.B, type, k, n)
                .output(OperandRoles.C, type, m, n).build();
    }

    /** Causal prefill attention over {@code tokens} tokens of one sequence, without a cache. */
    public static SimulationRequest prefillAttention(long tokens, long heads, long kvHeads, long headDim, DataType type) {
        return SimulationRequest.builder("attention_prefill").family(OperationFamily.ATTENTION).opMapping("attention")
                .input(OperandRoles.Q, type, tokens, heads, headDim).input(OperandRoles.K, type, tokens, kvHeads, headDim)
                .input(OperandRoles.V, type, tokens, kvHeads, headDim)
                .attribute(Attributes.ATTENTION_PHASE, "prefill").attribute(Attributes.ATTENTION_CAUSAL, true)
                .attribute(Attributes.ATTENTION_BATCH, 1L).build();
    }

    /** Decode attention: {@code batch} sequences of one query token over {@code kvLen} cached keys each. */
    public static SimulationRequest decodeAttention(long batch, long kvLen, long heads, long kvHeads, long headDim,
                                                    DataType type) {
        return SimulationRequest.builder("attention_decode").family(OperationFamily.ATTENTION).opMapping("attention")
                .input(OperandRoles.Q, type, batch, heads, headDim)
                .input(OperandRoles.KV_CACHE, type, batch * kvLen, 2, kvHeads, headDim)
                .attribute(Attributes.ATTENTION_PHASE, "decode").attribute(Attributes.ATTENTION_BATCH, batch)
                .attribute(Attributes.ATTENTION_Q_LEN, 1.0).attribute(Attributes.ATTENTION_KV_LEN, (double) kvLen)
                .attribute(Attributes.ATTENTION_NUM_KV_HEADS, kvHeads).build();
    }

    /** RMS norm over {@code [tokens, hidden]}. */
    public static SimulationRequest rmsNorm(long tokens, long hidden, DataType type) {
        return SimulationRequest.builder("rms_norm").family(OperationFamily.NORM).opMapping("rms_norm")
                .input(OperandRoles.INPUT, type, tokens, hidden).input(OperandRoles.WEIGHT, type, hidden)
                .output(OperandRoles.OUTPUT, type, tokens, hidden).build();
    }
}
