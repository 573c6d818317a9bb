package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A what-if from an H200 trace to a GPU that is at least as fast in every figure a bandwidth- or launch-bound
 * kernel depends on (the Blackwell profiles: more SMs, more memory bandwidth, a larger L2) never predicts such a
 * kernel slower than the H200 itself. The Hopper and Blackwell profiles without measurements of their own take
 * their efficiencies from the H200, whose small-kernel parameters are fitted on traces; from the H100's priors
 * instead, the demo llama3-8b trace's reductions were predicted at 1.20x their measured H200 time on a B200,
 * against 0.89x on the H200.
 */
class WhatIfConsistencyTest {

    private static final String[] FASTER_THAN_H200 = {"b200", "gb200"};

    private static SimulationRequest named(String kernel, OperationFamily family, String op, List<Operand> operands,
                                           long blocks, int threads) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, family, op, operands,
                Optional.of(new LaunchConfig(new Dim3(blocks, 1, 1), new Dim3(threads, 1, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    /** Kernels of the demo traces' memory-bound families, by their recorded names, small and large. */
    private static List<SimulationRequest> memoryBound() {
        List<SimulationRequest> list = new ArrayList<>();
        for (long rows : new long[] {1, 4, 64, 1024, 16384}) {
            list.add(named("void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, "
                    + "at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()"
                    + "(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4, 4> >(...)",
                    OperationFamily.REDUCTION, "sum", List.of(in("input", DataType.FP32, rows, 4096),
                            out("output", DataType.FP32, rows)), rows, 512));
            list.add(named("void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, "
                    + "float, false>(...)", OperationFamily.NORM, "layer_norm", List.of(
                    in("input", DataType.BF16, rows, 4096), in("weight", DataType.BF16, 4096),
                    out("output", DataType.BF16, rows, 4096)), rows, 256));
            list.add(named("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<"
                    + "c10::BFloat16>, std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, "
                    + "std::array<char*, 3ul>)", OperationFamily.ELEMENTWISE, "add", List.of(
                    in("self", DataType.BF16, rows, 4096), in("other", DataType.BF16, rows, 4096),
                    out("out", DataType.BF16, rows, 4096)), Math.max(1, rows * 4096 / 512), 128));
            list.add(named("void at::native::unrolled_elementwise_kernel<at::native::direct_copy_kernel_cuda("
                    + "at::TensorIteratorBase&)::{lambda()#3}::operator()() const::{lambda()#7}::operator()() const::"
                    + "{lambda(c10::BFloat16)#1}, std::array<char*, 2ul>, 4, TrivialOffsetCalculator<1, unsigned int>, "
                    + "TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<1>, "
                    + "at::native::memory::StoreWithCast<1> >(...)", OperationFamily.COPY, "copy_", List.of(
                    in("src", DataType.FP32, rows, 4096), out("self", DataType.BF16, rows, 4096)),
                    Math.max(1, rows * 4096 / 512), 128));
        }
        list.add(named("at::native::mbtopk::computeDigitCumSum(short*, unsigned int*, unsigned int)",
                OperationFamily.REDUCTION, "topk", List.of(in("self", DataType.FP32, 4, 128256)), 4, 1024));
        list.add(named("void at::native::mbtopk::fill<unsigned int, unsigned int>(unsigned int*, unsigned int, "
                + "unsigned int)", OperationFamily.REDUCTION, "topk", List.of(in("self", DataType.FP32, 4, 128256)),
                1, 1024));
        list.add(Requests.memset(4096));
        return list;
    }

    @Test
    void aFasterBlackwellGpuNeverPredictsAMemoryBoundKernelSlowerThanTheH200() {
        HardwareProfile h200 = Profiles.bundled("h200-sxm");
        for (String id : FASTER_THAN_H200) {
            HardwareProfile faster = Profiles.bundled(id);
            assertThat(faster.smCount()).isGreaterThanOrEqualTo(h200.smCount());
            assertThat(faster.hbmBytesPerSecond()).isGreaterThanOrEqualTo(h200.hbmBytesPerSecond());
            for (SimulationRequest r : memoryBound()) {
                Estimate onH200 = KernelModel.estimate(r, h200);
                Estimate onFaster = KernelModel.estimate(r, faster);
                assertThat(onH200.supported()).as(onH200.reason()).isTrue();
                assertThat(onFaster.supported()).as(onFaster.reason()).isTrue();
                assertThat(onFaster.seconds()).as("%s on %s against the H200", r.kernelName(), id)
                        .isLessThanOrEqualTo(onH200.seconds());
            }
        }
    }
}
