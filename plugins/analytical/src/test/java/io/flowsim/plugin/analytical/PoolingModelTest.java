package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Pooling as memory-bound work over its windows (docs/simulator.md, "Pooling"): the output size from
 * the recorded arguments, the bytes from HBM and the window loads from the caches, forward and backward.
 * No shared measurement times a pooling kernel, so these check the geometry and the formula, not accuracy.
 */
class PoolingModelTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static SimulationRequest maxPool(long n, long c, long h, long w, String kernel, String stride, String padding,
                                             boolean ceil) {
        return Requests.kernel(OperationFamily.REDUCTION, List.of(in("input", DataType.BF16, n, c, h, w)),
                "pooling.kind", "max", "pooling.pass", "forward", "pooling.dims", 2, "pooling.kernel_size", kernel,
                "pooling.stride", stride, "pooling.padding", padding, "pooling.dilation", "[1, 1]",
                "pooling.ceil_mode", ceil ? "true" : "false");
    }

    private static PoolingModel.Geometry geometry(SimulationRequest r) {
        Object g = PoolingModel.geometry(r);
        assertThat(g).isInstanceOf(PoolingModel.Geometry.class);
        return (PoolingModel.Geometry) g;
    }

    /** The formula of docs/simulator.md, written out independently of the model's code. */
    private static double expectedSeconds(double hbmBytes, double windowBytes, HardwareProfile hw) {
        double bandwidth = hw.hbmBytesPerSecond() * hw.get(Param.REDUCTION_MEMORY_EFFICIENCY);
        return hw.get(Param.REDUCTION_FIXED_LATENCY_US) * 1e-6
                + Math.max(hbmBytes / bandwidth, windowBytes / (bandwidth * hw.get(Param.POOLING_WINDOW_CACHE_RATIO)));
    }

    @Test
    void outputSizeFollowsPyTorchsFormulaWithPaddingStrideAndCeilMode() {
        // ResNet stem: 112 -> 56 with kernel 3, stride 2, padding 1.
        PoolingModel.Geometry stem = geometry(maxPool(32, 64, 112, 112, "[3, 3]", "[2, 2]", "[1, 1]", false));
        assertThat(stem.output()).containsExactly(56, 56);
        assertThat(stem.batchChannels()).isEqualTo(32 * 64);
        assertThat(stem.window()).isEqualTo(9.0);
        assertThat(stem.overlap()).isEqualTo(4);
        // floor((7 - 3) / 2) + 1 = 3; ceil mode gives ceil(4 / 2) + 1 = 3 as well, 8 -> 3 vs 4.
        assertThat(geometry(maxPool(1, 1, 7, 7, "[3, 3]", "[2, 2]", "[0, 0]", false)).output()).containsExactly(3, 3);
        assertThat(geometry(maxPool(1, 1, 8, 8, "[3, 3]", "[2, 2]", "[0, 0]", false)).output()).containsExactly(3, 3);
        assertThat(geometry(maxPool(1, 1, 8, 8, "[3, 3]", "[2, 2]", "[0, 0]", true)).output()).containsExactly(4, 4);
        // An empty stride means stride = kernel; one number applies to every spatial dimension.
        assertThat(geometry(maxPool(1, 1, 8, 6, "[2]", "[]", "0", false)).output()).containsExactly(4, 3);
    }

    @Test
    void forwardReadsTheInputOnceAndItsOverlappingWindowsFromTheCaches() {
        SimulationRequest r = maxPool(32, 64, 112, 112, "[3, 3]", "[2, 2]", "[1, 1]", false);
        double in = 32.0 * 64 * 112 * 112;
        double out = 32.0 * 64 * 56 * 56;
        double hbm = in * 2 + out * 2 + out * 8;
        double window = out * 9 * 2;
        Estimate e = KernelModel.estimate(r, H100);
        assertThat(e.supported()).as(e.reason()).isTrue();
        assertThat(e.seconds()).isCloseTo(expectedSeconds(hbm, window, H100), within(1e-12));
        // Never faster than its bytes at the datasheet bandwidth.
        assertThat(e.seconds()).isGreaterThan(hbm / H100.hbmBytesPerSecond());
        // Average pooling writes no indices: less time for the same windows.
        SimulationRequest avg = Requests.kernel(OperationFamily.REDUCTION, r.operands(), "pooling.kind", "avg",
                "pooling.pass", "forward", "pooling.dims", 2, "pooling.kernel_size", "[3, 3]", "pooling.stride", "[2, 2]",
                "pooling.padding", "[1, 1]");
        assertThat(KernelModel.estimate(avg, H100).seconds()).isLessThan(e.seconds());
    }

    @Test
    void aStrideLargerThanTheKernelSkipsInputAndDoesNotPayForIt() {
        // Kernel 1, stride 4: one input element in 16 is read.
        SimulationRequest r = maxPool(64, 256, 128, 128, "[1, 1]", "[4, 4]", "[0, 0]", false);
        double out = 64.0 * 256 * 32 * 32;
        double hbm = out * 2 + out * 2 + out * 8;
        assertThat(KernelModel.estimate(r, H100).seconds()).isCloseTo(expectedSeconds(hbm, out * 2, H100), within(1e-12));
    }

    @Test
    void backwardWritesTheInputGradientAndGathersFromTheCoveringOutputs() {
        SimulationRequest r = Requests.kernel(OperationFamily.REDUCTION, List.of(
                        in("grad_output", DataType.BF16, 32, 64, 56, 56), in("input", DataType.BF16, 32, 64, 112, 112),
                        in("indices", DataType.INT64, 32, 64, 56, 56)),
                "pooling.kind", "max", "pooling.pass", "backward", "pooling.dims", 2, "pooling.kernel_size", "[3, 3]",
                "pooling.stride", "[2, 2]", "pooling.padding", "[1, 1]");
        double in = 32.0 * 64 * 112 * 112;
        double out = 32.0 * 64 * 56 * 56;
        double hbm = in * 2 + out * 2 + out * 8;
        double window = in * 4 * (2 + 8);
        assertThat(KernelModel.estimate(r, H100).seconds()).isCloseTo(expectedSeconds(hbm, window, H100), within(1e-12));
    }

    @Test
    void adaptivePoolingTakesItsOutputSizeFromTheArgumentOrTheGradientsShape() {
        SimulationRequest forward = Requests.kernel(OperationFamily.REDUCTION,
                List.of(in("input", DataType.BF16, 32, 2048, 7, 7)),
                "pooling.kind", "adaptive_avg", "pooling.pass", "forward", "pooling.dims", 2, "pooling.output_size", "[1, 1]");
        PoolingModel.Geometry g = geometry(forward);
        assertThat(g.output()).containsExactly(1, 1);
        assertThat(g.window()).isEqualTo(49.0);
        double in = 32.0 * 2048 * 49;
        double out = 32.0 * 2048;
        assertThat(KernelModel.estimate(forward, H100).seconds())
                .isCloseTo(expectedSeconds(in * 2 + out * 2, out * 49 * 2, H100), within(1e-12));

        SimulationRequest backward = Requests.kernel(OperationFamily.REDUCTION, List.of(
                        in("grad_output", DataType.BF16, 32, 2048, 1, 1), in("input", DataType.BF16, 32, 2048, 7, 7)),
                "pooling.kind", "adaptive_avg", "pooling.pass", "backward", "pooling.dims", 2);
        assertThat(geometry(backward).output()).containsExactly(1, 1);
        assertThat(KernelModel.estimate(backward, H100).supported()).isTrue();
        // 7 -> 3: windows [0, 3), [2, 5), [4, 7) of 3 elements each; 5 -> 3: [0, 2), [1, 4), [3, 5).
        SimulationRequest uneven = Requests.kernel(OperationFamily.REDUCTION,
                List.of(in("input", DataType.BF16, 1, 1, 7, 7)),
                "pooling.kind", "adaptive_max", "pooling.pass", "forward", "pooling.dims", 2, "pooling.output_size", "[3, 3]");
        assertThat(geometry(uneven).window()).isEqualTo(9.0);
        SimulationRequest uneven5 = Requests.kernel(OperationFamily.REDUCTION,
                List.of(in("input", DataType.BF16, 1, 1, 5, 1)),
                "pooling.kind", "adaptive_avg", "pooling.pass", "forward", "pooling.dims", 2, "pooling.output_size", "[3, 1]");
        assertThat(geometry(uneven5).windowSum()).containsExactly(7, 1);
    }

    @Test
    void aPoolingKernelWithoutItsArgumentsSaysWhatIsMissing() {
        SimulationRequest r = Requests.kernel(OperationFamily.REDUCTION, List.of(in("input", DataType.BF16, 8, 64, 32, 32)),
                "pooling.kind", "max", "pooling.pass", "forward", "pooling.dims", 2);
        Estimate e = KernelModel.estimate(r, H100);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("pooling.kernel_size").contains("not recorded");
        SimulationRequest tooSmall = maxPool(1, 1, 2, 2, "[5, 5]", "[1, 1]", "[0, 0]", false);
        assertThat(KernelModel.estimate(tooSmall, H100).reason()).contains("larger than its padded input");
    }

    @Test
    void recordedArgumentsParse() {
        assertThat(PoolingModel.ints("[3, 3]")).containsExactly(3, 3);
        assertThat(PoolingModel.ints("(2, 1)")).containsExactly(2, 1);
        assertThat(PoolingModel.ints("4")).containsExactly(4);
        assertThat(PoolingModel.ints("[]")).isEmpty();
        assertThat(PoolingModel.ints("[a]")).isNull();
        assertThat(PoolingModel.ints(null)).isNull();
    }
}
