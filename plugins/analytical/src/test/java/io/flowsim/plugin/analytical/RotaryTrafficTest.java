package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * sgl-kernel's rotary embedding reads the cos/sin cache rows of its positions, not the whole cache. Shapes are
 * those the FlowSim H200 trace records for DeepSeek's rope (q [tokens, 32, 64], k [tokens, 1, 64], a
 * [163840, 64] fp32 cache).
 */
class RotaryTrafficTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");

    private static SimulationRequest rope(long tokens, List<Operand> extra) {
        List<Operand> operands = new java.util.ArrayList<>(List.of(in("q", DataType.BF16, tokens, 32, 64),
                in("k", DataType.BF16, tokens, 1, 64), in("cos_sin_cache", DataType.FP32, 163840, 64)));
        operands.addAll(extra);
        return new SimulationRequest("void flashinfer::BatchQKApplyRotaryPosIdsCosSinCacheHeadParallelismKernel<true,"
                + " 64u, 8u, 8u, __nv_bfloat16, long>(...)", KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.ELEMENTWISE, "rotary_embedding", operands, Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of());
    }

    @Test
    void readsOneCacheRowPerPosition() {
        SimulationRequest r = rope(1024, List.of(in("positions", DataType.INT64, 1024)));
        double qk = 1024.0 * 32 * 64 * 2 + 1024.0 * 64 * 2;
        double expected = 2 * qk + 1024 * 8 + 1024 * 64 * 4.0;
        assertThat(MemoryModel.rotaryTraffic(r)).isEqualTo(expected);
        double t = H200.get(Param.ELEMENTWISE_FIXED_LATENCY_US) * 1e-6
                + expected / (H200.hbmBytesPerSecond() * H200.get(Param.ELEMENTWISE_MEMORY_EFFICIENCY));
        assertThat(MemoryModel.estimate(r, H200).seconds()).isCloseTo(t, within(1e-15));
    }

    @Test
    void withoutPositionsOneRowPerToken() {
        SimulationRequest r = rope(32, List.of());
        double qk = 32.0 * 32 * 64 * 2 + 32.0 * 64 * 2;
        assertThat(MemoryModel.rotaryTraffic(r)).isEqualTo(2 * qk + 32 * 64 * 4.0);
        // Far below the 42 MB cache the operator passes.
        assertThat(MemoryModel.rotaryTraffic(r)).isLessThan(163840 * 64 * 4.0 / 10);
    }
}
