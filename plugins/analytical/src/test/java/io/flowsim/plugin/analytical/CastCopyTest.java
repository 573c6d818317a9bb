package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Type-converting copies ({@code copy_} of bf16 into fp32, int32 into int64, as the H200 and HTA traces record them
 * through PyTorch's {@code unrolled_elementwise_kernel}): they read the source's element size and write the target's.
 */
class CastCopyTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");
    private static final String UNROLLED = "void at::native::unrolled_elementwise_kernel<at::native::direct_copy_kernel_cuda(...)>(...)";

    private static SimulationRequest copy(List<Operand> operands) {
        return new SimulationRequest(UNROLLED, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.COPY, "copy_",
                operands, Optional.of(new LaunchConfig(new Dim3(4096, 1, 1), new Dim3(128, 1, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    private static double strided(double bytes) {
        return H200.get(Param.STRIDED_FIXED_LATENCY_US) * 1e-6
                + bytes / (H200.hbmBytesPerSecond() * H200.get(Param.STRIDED_MEMORY_EFFICIENCY));
    }

    @Test
    void anUpcastReadsTheNarrowSourceAndWritesTheWideTarget() {
        // FlowSim H200 trace: copy_ of [8192, 256] bf16 into fp32.
        SimulationRequest r = copy(List.of(out("output", DataType.FP32, 8192, 256), in("input", DataType.BF16, 8192, 256)));
        double bytes = 8192.0 * 256 * (2 + 4);
        assertThat(MemoryModel.traffic(r)).isEqualTo(bytes);
        assertThat(MemoryModel.estimate(r, H200).seconds()).isCloseTo(strided(bytes), Percentage.withPercentage(0.01));
        // The CSV's Bytes (and the efficiency columns) count the same bytes the time was priced with; the generic copy
        // count (what it writes, twice) was 4/3 of that.
        assertThat(KernelWork.memoryTraffic(OperationFamily.COPY, r.operands()).orElseThrow()).isEqualTo(bytes);
        assertThat(bytes * 4 / 3).isEqualTo(2 * 8192.0 * 256 * 4);
    }

    @Test
    void aDowncastCostsMoreThanTwiceItsTarget() {
        SimulationRequest r = copy(List.of(out("output", DataType.INT32, 1024), in("input", DataType.INT64, 1024)));
        assertThat(MemoryModel.traffic(r)).isEqualTo(1024.0 * (8 + 4));
        assertThat(MemoryModel.traffic(r)).isGreaterThan(2 * 1024.0 * 4);
    }

    @Test
    void copiesOfOneTypeOrOfAnotherShapeKeepTheGenericCount() {
        SimulationRequest same = copy(List.of(out("output", DataType.BF16, 8192, 256), in("input", DataType.BF16, 8192, 256)));
        SimulationRequest broadcast = copy(List.of(out("output", DataType.FP32, 8192, 256), in("input", DataType.BF16, 1, 256)));
        SimulationRequest indexed = copy(List.of(out("output", DataType.FP32, 64, 256), in("input", DataType.BF16, 64, 256),
                in("index", DataType.INT64, 64)));
        assertThat(MemoryModel.traffic(same)).isEqualTo(2 * 8192.0 * 256 * 2);
        assertThat(MemoryModel.traffic(broadcast)).isEqualTo(2 * 8192.0 * 256 * 4);
        // a gather moves its output twice and reads its indices
        assertThat(MemoryModel.traffic(indexed)).isEqualTo(2 * 64.0 * 256 * 4 + 64 * 8);
        assertThat(MemoryModel.estimate(same, H200).seconds()).isCloseTo(strided(MemoryModel.traffic(same)),
                Percentage.withPercentage(0.01));
    }
}
