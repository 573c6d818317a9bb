package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * sgl-kernel's row-wise scaled FP8 GEMM ({@code fp8_scaled_mm}): one CUTLASS tile per M bucket, never a
 * split of K, and a clock that drops when every SM runs FP8 (docs/simulator.md, GEMM and BMM).
 */
class RowwiseFp8GemmTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static SimulationRequest scaledMm(long m, long n, long k) {
        SimulationRequest r = Requests.gemm(m, n, k, DataType.FP8_E4M3);
        return new SimulationRequest("fp8_scaled_mm", r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), r.attributes());
    }

    private static double seconds(SimulationRequest r) {
        Estimate e = KernelModel.estimate(r, H100);
        assertThat(e.supported()).as(e.toString()).isTrue();
        return e.seconds();
    }

    @Test
    void theOperatorNameIdentifiesTheKernel() {
        assertThat(GemmKernelName.of("fp8_scaled_mm").rowwiseFp8()).isTrue();
        assertThat(GemmKernelName.of("sgl_kernel.fp8_scaled_mm").rowwiseFp8()).isTrue();
        assertThat(GemmKernelName.of("fp8_blockwise_scaled_mm").rowwiseFp8()).isFalse();
        assertThat(GemmKernelName.of("gemm_nt_f8f8bf16").rowwiseFp8()).isFalse();
        assertThat(GemmKernelName.of("nvjet_sm90_tst_128x8_64x12_2x1_v_bz_TNT").rowwiseFp8()).isFalse();
    }

    @Test
    void theTileFollowsTheMBucketOfEachArchitecture() {
        assertThat(GemmModel.rowwiseFp8Tile("hopper", 1, 4096)).containsExactly(64, 64);
        assertThat(GemmModel.rowwiseFp8Tile("hopper", 64, 4096)).containsExactly(64, 64);
        assertThat(GemmModel.rowwiseFp8Tile("hopper", 65, 4096)).containsExactly(64, 128);
        assertThat(GemmModel.rowwiseFp8Tile("hopper", 128, 4096)).containsExactly(64, 128);
        assertThat(GemmModel.rowwiseFp8Tile("hopper", 129, 4096)).containsExactly(128, 128);
        assertThat(GemmModel.rowwiseFp8Tile("blackwell", 16, 4096)).containsExactly(64, 64);
        assertThat(GemmModel.rowwiseFp8Tile("blackwell", 65, 4096)).containsExactly(128, 128);
        assertThat(GemmModel.rowwiseFp8Tile("blackwell", 257, 4096)).containsExactly(256, 128);
        assertThat(GemmModel.rowwiseFp8Tile("ada", 1, 16384)).containsExactly(32, 64);
        assertThat(GemmModel.rowwiseFp8Tile("ada", 8, 32768)).containsExactly(16, 64);
        assertThat(GemmModel.rowwiseFp8Tile("ada", 200, 12288)).containsExactly(64, 128);
        assertThat(GemmModel.rowwiseFp8Tile("ada", 1024, 12288)).containsExactly(128, 128);
    }

    @Test
    void fewTilesWalkAllOfKOnFewSms() {
        // 16 x 128 x 51,200: two 64 x 64 tiles, each walking all of K on one SM. Even at one SM's full
        // share of the FP8 peak that takes 2 * 64 * 64 * 51,200 / (1,978.9 TFLOP/s / 132) = 27.98 us.
        double oneSm = 2.0 * 64 * 64 * 51_200 / (1978.9e12 / 132);
        double rowwise = seconds(scaledMm(16, 128, 51_200));
        assertThat(rowwise).isGreaterThanOrEqualTo(oneSm);
        // a GEMM the model may split (no kernel name) spreads K over many SMs and is far faster
        assertThat(seconds(Requests.gemm(16, 128, 51_200, DataType.FP8_E4M3))).isLessThan(oneSm / 2);
    }

    @Test
    void a129thRowDoublesEachTilesWork() {
        // M = 128 runs 64 x 128 tiles, M = 129 runs 128 x 128 tiles; with N = 128 both launch two tiles,
        // so the main loop doubles; only the fixed latency (2.5 us of about 60) is shared.
        double m128 = seconds(scaledMm(128, 128, 51_200));
        double m129 = seconds(scaledMm(129, 128, 51_200));
        assertThat(m129 / m128).isBetween(1.85, 2.0);
    }

    @Test
    void aFullFp8LoadRunsAtTheFullLoadShareOfThePeak() {
        double flops = 2.0 * 8192 * 8192 * 8192;
        double full = H100.get(Param.GEMM_FP8_FULL_LOAD_FACTOR);
        assertThat(full).isLessThan(1.0);
        assertThat(seconds(scaledMm(8192, 8192, 8192)))
                .isGreaterThanOrEqualTo(flops / (1978.9e12 * H100.get(Param.GEMM_FP8_COMPUTE_EFFICIENCY) * full));
    }

    @Test
    void theTileOverheadIsATimeSoFp8PaysTwiceTheStepsOfK() {
        // 8192^3 on 128 x 128 tiles: 4,096 tiles in 32 waves, compute-bound (the operands' 268 MB take about
        // 94 us at the H100's bandwidth against about 800 us of FP8 compute), so adding 256 steps of per-tile
        // overhead adds 32 waves of 2 * 128 * 128 * 512 FLOP each: the fill and epilogue keep their 16-bit
        // duration, which at FP8's doubled peak is twice the steps of K.
        double[] values = H100.parameters();
        // without the fall of a long kernel's rate, which would stretch the added time too
        values[Param.GEMM_FP8_SUSTAINED_FACTOR.ordinal()] = 1;
        values[Param.GEMM_TILE_OVERHEAD_K.ordinal()] = 0;
        HardwareProfile none = H100.withParameters(values);
        values[Param.GEMM_TILE_OVERHEAD_K.ordinal()] = 256;
        HardwareProfile some = H100.withParameters(values);
        SimulationRequest r = scaledMm(8192, 8192, 8192);
        double added = KernelModel.estimate(r, some).seconds() - KernelModel.estimate(r, none).seconds();
        double perSm = 1978.9e12 / 132 * H100.get(Param.GEMM_FP8_COMPUTE_EFFICIENCY) * H100.get(Param.GEMM_FP8_FULL_LOAD_FACTOR);
        double expected = 32 * 2.0 * 128 * 128 * (256 * 2) / perSm;
        assertThat(added).isCloseTo(expected, within(expected * 0.03));
    }

    @Test
    void aFallingClockStretchesOnlyLongKernels() {
        // no drop, or a kernel far shorter than the time constant: the work's own time
        assertThat(GemmModel.throttled(1e-3, 0, 0.01)).isCloseTo(1e-3, within(1e-12));
        assertThat(GemmModel.throttled(1e-6, 0.4, 0.01)).isCloseTo(1e-6, within(1e-9));
        // far longer than the time constant: nearly all of it at the sustained rate, 1 - 0.4 of the start
        double work = 10.0;
        double t = GemmModel.throttled(work, 0.4, 0.01);
        assertThat(t).isCloseTo((work - 0.4 * 0.01) / 0.6, within(1e-9));
        // one time constant of work: the closed form of the work done by then holds at the returned time
        double tau = 0.01;
        double one = GemmModel.throttled(tau, 0.4, tau);
        assertThat(one - 0.4 * (one - tau * (1 - Math.exp(-one / tau)))).isCloseTo(tau, within(1e-12));
        assertThat(one).isBetween(tau, tau / 0.6);
    }

    @Test
    void aLongFullFp8LoadRunsBelowItsFullLoadRate() {
        // 16384 x 16384 x 16384 keeps every SM busy for milliseconds: with the bundled drop it takes the
        // closed form's time for the work it would do at the full-load rate, which is longer.
        double[] values = H100.parameters();
        values[Param.GEMM_FP8_SUSTAINED_FACTOR.ordinal()] = 1;
        HardwareProfile steady = H100.withParameters(values);
        SimulationRequest r = scaledMm(16384, 16384, 16384);
        double fixed = H100.get(Param.GEMM_FIXED_LATENCY_US) * 1e-6;
        double atFullLoad = KernelModel.estimate(r, steady).seconds() - fixed;
        double drop = 1 - H100.get(Param.GEMM_FP8_SUSTAINED_FACTOR);
        assertThat(drop).isGreaterThan(0);
        double expected = GemmModel.throttled(atFullLoad, drop, H100.get(Param.GEMM_FP8_THROTTLE_TIME_MS) * 1e-3);
        double throttled = KernelModel.estimate(r, H100).seconds() - fixed;
        // compute-bound (memory is a few percent of it), so the stretch is nearly that of the compute time
        assertThat(throttled).isGreaterThan(atFullLoad * 1.2);
        assertThat(throttled).isCloseTo(expected, within(expected * 0.03));
    }
}
