package io.flowsim.api.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bound a multi-tensor kernel's launch puts on its traffic ({@link MultiTensorApplyTraffic}), and that the work
 * count ({@link KernelWork}) counts it when the TensorLists record no shapes. Kernel names as the HTA traces record
 * them (Apex-style FusedAdam on {@code negative_queue_length_values_check}, PyTorch's foreach kernels on the sampled
 * traces), written here by hand; the expected bytes are worked out from the functors' source in each test.
 */
class MultiTensorApplyTrafficTest {

    static final String APEX_ADAM = "void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor<float>, float,"
            + " float, float, float, float, float, float, float, adamMode_t, float, int, int, int>(int, int volatile*,"
            + " TensorListMetadata<4>, AdamFunctor<float>, float, float, float, float, float, float, float, float,"
            + " adamMode_t, float, int, int, int)";
    static final String FOREACH_MUL = "void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::"
            + "(anonymous namespace)::TensorListMetadata<1>, at::native::(anonymous namespace)::BinaryOpScalarFunctor"
            + "<float, 1, 1, 0>, std::multiplies<float>, float>(at::native::(anonymous namespace)::TensorListMetadata"
            + "<1>, at::native::(anonymous namespace)::BinaryOpScalarFunctor<float, 1, 1, 0>, std::multiplies<float>,"
            + " float)";
    static final String FOREACH_ADD = "void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::"
            + "(anonymous namespace)::TensorListMetadata<2>, at::native::(anonymous namespace)::BinaryOpListAlphaFunctor"
            + "<c10::BFloat16, 2, 2, 0>, std::plus<float>, float>(...)";

    static Optional<LaunchConfig> grid(long blocks) {
        return Optional.of(new LaunchConfig(new Dim3(blocks, 1, 1), new Dim3(512, 1, 1), 48, 0));
    }

    @Test
    void apexAdamLoadsFourListsAndStoresThreeForEveryElementOfAFullChunkPerBlock() {
        MultiTensorApplyTraffic t = MultiTensorApplyTraffic.of(APEX_ADAM, grid(320)).orElseThrow();
        assertThat(t.known()).isTrue();
        // 320 blocks of 65,536 elements; g, p, m, v loaded and p, m, v stored, 4 bytes each
        assertThat(t.elements()).isEqualTo(320 * 65_536.0);
        assertThat(t.bytes()).isEqualTo(320 * 65_536.0 * 7 * 4);
        assertThat(t.elementType()).isEqualTo(DataType.FP32);
    }

    @Test
    void foreachFunctorsLoadTheirReadListsAndStoreOne() {
        // _foreach_mul_(list, scalar): one list read and written in place
        assertThat(MultiTensorApplyTraffic.of(FOREACH_MUL, grid(220)).orElseThrow().bytes())
                .isEqualTo(220 * 65_536.0 * 2 * 4);
        // _foreach_add_(list, list, alpha) in bf16: two lists read, the first written
        MultiTensorApplyTraffic add = MultiTensorApplyTraffic.of(FOREACH_ADD, grid(65)).orElseThrow();
        assertThat(add.bytes()).isEqualTo(65 * 65_536.0 * 3 * 2);
        assertThat(add.elementType()).isEqualTo(DataType.BF16);
        // an out-of-place foreach op over three lists: two read, the third written
        assertThat(MultiTensorApplyTraffic.of("multi_tensor_apply_kernel<TensorListMetadata<3>,"
                + " BinaryOpListAlphaFunctor<float, 3, 2, 2>, std::plus<float>, float>", grid(1)).orElseThrow().bytes())
                .isEqualTo(65_536.0 * 3 * 4);
    }

    @Test
    void whatTheNameOrLaunchDoesNotTellIsSaid() {
        assertThat(MultiTensorApplyTraffic.of("vectorized_elementwise_kernel<4, AUnaryFunctor<float, float, float>>",
                grid(10))).isEmpty();
        assertThat(MultiTensorApplyTraffic.of(APEX_ADAM, Optional.empty()).orElseThrow().problem())
                .contains("without its launch grid");
        assertThat(MultiTensorApplyTraffic.of("multi_tensor_apply_kernel<TensorListMetadata<1>, L2NormFunctor<float,"
                + " float>, float*, float*, bool, int>", grid(10)).orElseThrow().problem())
                .contains("loads and stores per element are not known");
        // a read-list count beyond the lists is no foreach functor
        assertThat(MultiTensorApplyTraffic.of("multi_tensor_apply_kernel<TensorListMetadata<1>, XFunctor<float, 1, 2,"
                + " 0>>", grid(10)).orElseThrow().known()).isFalse();
        assertThat(MultiTensorApplyTraffic.of("multi_tensor_apply_kernel<TensorListMetadata<1>, XFunctor<Thing, 1, 1,"
                + " 0>>", grid(10)).orElseThrow().problem()).contains("type 'Thing'");
        assertThatThrownBy(() -> new MultiTensorApplyTraffic(Double.NaN, 1, DataType.FP32, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWorkCountCountsTheBoundOnlyWhereTheOperandsGiveNothing() {
        KernelRecord launched = KernelRecord.builder(0, APEX_ADAM).duration(399_000).launch(grid(320).get()).build();
        KernelWork w = KernelWork.of(new ResolvedKernel(launched, OperationFamily.ELEMENTWISE, "adam", "", "",
                List.of(), List.of(), new Resolution(ResolutionSource.NAME_PATTERN, "test", "#1"), Map.of()));
        assertThat(w.known()).isTrue();
        assertThat(w.bytes()).isEqualTo(320 * 65_536.0 * 7 * 4);
        assertThat(w.flops()).isEqualTo(320 * 65_536.0);
        // recorded operands win over the launch's bound
        Operand list = new Operand("self", Direction.INPUT_OUTPUT, List.of(1000L), DataType.FP32, "");
        KernelWork operands = KernelWork.of(new ResolvedKernel(launched, OperationFamily.ELEMENTWISE, "adam", "", "",
                List.of(), List.of(list), new Resolution(ResolutionSource.NAME_PATTERN, "test", "#1"), Map.of()));
        assertThat(operands.bytes()).isLessThan(w.bytes());
    }
}
