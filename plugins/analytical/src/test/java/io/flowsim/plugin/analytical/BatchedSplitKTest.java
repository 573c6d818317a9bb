package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A strided-batched GEMM ({@code torch.bmm}) on the A100 splits K inside its kernel, the slices adding their partial
 * tiles into the output one after another (docs/simulator.md, "K split in place in the A100's strided-batched
 * kernels"): a few output tiles spread their K loop over several SMs at a small cost per slice, not the reduction
 * kernel of a split {@code F.linear}.
 */
class BatchedSplitKTest {

    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");
    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    /** {@code heads} products {@code [tokens, k] x [k, n]} as {@code torch.bmm} passes them (B batched). */
    private static SimulationRequest bmm(long heads, long tokens, long n, long k) {
        return Requests.kernel(OperationFamily.BMM, List.of(in("A", DataType.BF16, heads, tokens, k),
                in("B", DataType.BF16, heads, k, n), out("C", DataType.BF16, heads, tokens, n)));
    }

    private static double seconds(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.toString()).isTrue();
        return e.seconds();
    }

    private static HardwareProfile withStep(HardwareProfile hw, double us) {
        double[] values = hw.parameters();
        values[Param.GEMM_BATCHED_SPLIT_K_STEP_US.ordinal()] = us;
        return hw.withParameters(values);
    }

    @Test
    void theA100PricesTheInPlaceStepAndTheHopperProfilesDoNot() {
        assertThat(A100.get(Param.GEMM_BATCHED_SPLIT_K_STEP_US)).isPositive();
        assertThat(H100.get(Param.GEMM_BATCHED_SPLIT_K_STEP_US)).isZero();
    }

    @Test
    void aFewTileBmmSpreadsItsKLoopOverSeveralSms() {
        // mla_gen_post with 4 heads of 8 tokens against the same call with K = 128: one 64 x 64 tile per head and
        // 64 columns walking 384 more steps of K on one SM needs at least their MMAs at that SM's share of the peak
        double extraOnOneSm = 2.0 * 64 * 64 * 384 / (A100.peakFlops("bf16").getAsDouble() / A100.smCount());
        double longK = seconds(bmm(4, 8, 128, 512), A100);
        double shortK = seconds(bmm(4, 8, 128, 128), A100);
        assertThat(longK - shortK).isLessThan(extraOnOneSm);
        // each slice after the first costs its step: at most three of them for four slices of 128
        assertThat(longK - shortK).isGreaterThanOrEqualTo(0);
        assertThat(longK - shortK).isLessThanOrEqualTo(3 * A100.get(Param.GEMM_BATCHED_SPLIT_K_STEP_US) * 1e-6 + 1e-7);
    }

    @Test
    void theSameProductAsAPlainGemmKeepsTheReductionKernelsCost() {
        // F.linear's shape of one head: B without a batch dimension is not a strided-batched call
        SimulationRequest linear = Requests.gemm(8, 128, 512, DataType.BF16);
        assertThat(seconds(bmm(1, 8, 128, 512), A100)).isLessThan(seconds(linear, A100));
        assertThat(seconds(linear, A100)).isEqualTo(seconds(linear, withStep(A100, 0)));
    }

    @Test
    void withoutTheStepABmmIsPricedAsAnyGemm() {
        assertThat(seconds(bmm(1, 8, 128, 512), withStep(A100, 0)))
                .isCloseTo(seconds(Requests.gemm(8, 128, 512, DataType.BF16), A100), within(1e-15));
        assertThat(seconds(bmm(1, 8, 128, 512), H100))
                .isCloseTo(seconds(Requests.gemm(8, 128, 512, DataType.BF16), H100), within(1e-15));
    }

    @Test
    void aLongerStepNeverMakesItFasterAndEnoughTilesDoNotSplit() {
        assertThat(seconds(bmm(4, 8, 128, 512), withStep(A100, 0.6)))
                .isGreaterThanOrEqualTo(seconds(bmm(4, 8, 128, 512), A100));
        // 64 heads of 4,096 tokens fill the GPU many times over: no slice, the step does not matter
        assertThat(seconds(bmm(64, 4096, 128, 512), A100)).isEqualTo(seconds(bmm(64, 4096, 128, 512), withStep(A100, 0)));
    }
}
