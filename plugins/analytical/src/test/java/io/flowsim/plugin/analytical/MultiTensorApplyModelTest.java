package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Multi-tensor kernels whose TensorLists record no shapes ({@link MemoryModel}'s multi-tensor case): a full chunk of
 * 65,536 elements per block of the launch grid, at the functor's bytes per element and the streaming pattern's
 * efficiency. The launch is the one the HTA {@code negative_queue} trace records for its FusedAdam step (320 blocks
 * of 512 threads, 48 registers), written here by hand; the expected time is worked out from the bytes.
 */
class MultiTensorApplyModelTest {

    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");
    private static final String APEX_ADAM = "void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor<float>,"
            + " float, float, float, float, float, float, float, float, adamMode_t, float, int, int, int>(int, int"
            + " volatile*, TensorListMetadata<4>, AdamFunctor<float>, float, float, float, float, float, float, float,"
            + " float, adamMode_t, float, int, int, int)";

    private static SimulationRequest request(String name, OperationFamily family, long blocks) {
        Optional<LaunchConfig> launch = blocks > 0
                ? Optional.of(new LaunchConfig(new Dim3(blocks, 1, 1), new Dim3(512, 1, 1), 48, 0)) : Optional.empty();
        return new SimulationRequest(name, KernelKind.KERNEL, KernelCategory.COMPUTE, family, "adam", List.of(), launch,
                Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void aFusedAdamStepIsPricedAtFullChunksOfItsFourListsLoadedAndThreeStored() {
        Estimate e = KernelModel.estimate(request(APEX_ADAM, OperationFamily.ELEMENTWISE, 320), A100);
        double bytes = 320 * 65_536.0 * (4 + 3) * 4;
        double expected = A100.get(Param.VECTORIZED_FIXED_LATENCY_US) * 1e-6
                + bytes / (A100.hbmBytesPerSecond() * A100.get(Param.VECTORIZED_MEMORY_EFFICIENCY));
        assertThat(e.supported()).as(e.reason()).isTrue();
        assertThat(e.seconds()).isCloseTo(expected, within(expected * 1e-12));
        assertThat(e.model()).isEqualTo("multi-tensor-apply");
        assertThat(e.bound()).isEqualTo("memory");
        assertThat(KernelModel.fitGroup(request(APEX_ADAM, OperationFamily.ELEMENTWISE, 320), e))
                .isEqualTo(Param.FitGroup.ELEMENTWISE_VECTORIZED);
    }

    @Test
    void withoutTheGridOrAKnownFunctorItSaysWhy() {
        assertThat(KernelModel.estimate(request(APEX_ADAM, OperationFamily.ELEMENTWISE, 0), A100).reason())
                .contains("without its launch grid");
        Estimate norm = KernelModel.estimate(request("void multi_tensor_apply_kernel<TensorListMetadata<1>,"
                + " L2NormFunctor<float, float>, float*, float*, bool, int>", OperationFamily.REDUCTION, 40), A100);
        assertThat(norm.supported()).isFalse();
        assertThat(norm.reason()).contains("functor's loads and stores per element are not known");
    }
}
