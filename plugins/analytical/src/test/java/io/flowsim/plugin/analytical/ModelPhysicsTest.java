package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The models obey physics for every bundled GPU and for parameters anywhere in their bounds: never
 * faster than the datasheet's peak compute or bandwidth, never faster for a bigger problem, and the
 * wave quantization of GEMM tiles shows.
 */
class ModelPhysicsTest {

    private static final long[] SIZES = {1, 7, 64, 129, 1000, 4096, 16384};

    private static double seconds(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.reason()).isTrue();
        assertThat(e.seconds()).isPositive().isFinite();
        return e.seconds();
    }

    private static List<HardwareProfile> variants() {
        List<HardwareProfile> list = new ArrayList<>();
        for (HardwareProfile p : Profiles.all()) {
            list.add(p);
            list.add(Profiles.atBounds(p, true));
            list.add(Profiles.atBounds(p, false));
        }
        return list;
    }

    @Test
    void gemmIsNeverFasterThanPeakComputeOrBandwidth() {
        for (HardwareProfile hw : variants()) {
            for (DataType t : new DataType[] {DataType.BF16, DataType.FP16, DataType.FP8_E4M3, DataType.FP32}) {
                if (hw.peakFlops(HardwareProfile.precisionOf(t)).isEmpty()) {
                    continue;
                }
                double peak = hw.peakFlops(HardwareProfile.precisionOf(t)).getAsDouble();
                for (long m : SIZES) {
                    for (long n : SIZES) {
                        for (long k : SIZES) {
                            double s = seconds(Requests.gemm(m, n, k, t), hw);
                            double flops = 2.0 * m * n * k;
                            double bytes = (m * k + k * n) * t.bytes() + m * n * (t.bits() <= 8 ? 2 : t.bytes());
                            assertThat(s).as("%s %s %dx%dx%d", hw, t, m, n, k)
                                    .isGreaterThanOrEqualTo(flops / peak)
                                    .isGreaterThanOrEqualTo(bytes / hw.hbmBytesPerSecond());
                        }
                    }
                }
            }
        }
    }

    /**
     * INT8 and FP4 GEMMs, on every bundled GPU with such units, are never faster than their work over that
     * precision's peak: on the Blackwell Ultra profiles (b300, gb300) the INT8 peak is about 1/36 of the B200's,
     * so a large INT8 GEMM there takes many times the B200's time and more than its own BF16 time.
     */
    @Test
    void int8AndFp4GemmsAreNeverFasterThanTheirOwnPeak() {
        int checked = 0;
        for (HardwareProfile hw : Profiles.all()) {
            for (DataType t : new DataType[] {DataType.INT8, DataType.FP4_E2M1}) {
                if (hw.peakFlops(HardwareProfile.precisionOf(t)).isEmpty()) {
                    continue;
                }
                double peak = hw.peakFlops(HardwareProfile.precisionOf(t)).getAsDouble();
                for (long m : SIZES) {
                    for (long k : SIZES) {
                        Estimate e = KernelModel.estimate(Requests.gemm(m, 4096, k, t), hw);
                        if (!e.supported()) {
                            continue;
                        }
                        checked++;
                        assertThat(e.seconds()).as("%s %s %dx4096x%d", hw.id(), t, m, k)
                                .isGreaterThanOrEqualTo(2.0 * m * 4096 * k / peak);
                    }
                }
            }
        }
        assertThat(checked).isPositive();
        SimulationRequest int8 = Requests.gemm(8192, 8192, 8192, DataType.INT8);
        double b200 = seconds(int8, Profiles.bundled("b200"));
        for (String ultra : new String[] {"b300", "gb300"}) {
            HardwareProfile hw = Profiles.bundled(ultra);
            assertThat(seconds(int8, hw)).as(ultra).isGreaterThan(20 * b200)
                    .isGreaterThan(seconds(Requests.gemm(8192, 8192, 8192, DataType.BF16), hw));
        }
    }

    /**
     * Doubling a dimension doubles the work; the prediction may shrink only a little, when the larger
     * problem spreads over more SMs (more parallel tiles issue more loads, a better split of K), as on
     * the GPU: at most 5 % for latency-bound kernels under 10 us, at most 1 % above.
     */
    @Test
    void gemmNeverGetsFasterWhenADimensionDoubles() {
        for (HardwareProfile hw : Profiles.all()) {
            DataType half = Profiles.sixteenBit(hw);
            for (long m : SIZES) {
                for (long n : SIZES) {
                    for (long k : SIZES) {
                        double seconds = seconds(Requests.gemm(m, n, k, half), hw);
                        double base = seconds * (seconds < 10e-6 ? 0.95 : 0.99);
                        assertThat(seconds(Requests.gemm(2 * m, n, k, half), hw)).as("%s 2M %d %d %d", hw.id(), m, n, k)
                                .isGreaterThanOrEqualTo(base);
                        assertThat(seconds(Requests.gemm(m, 2 * n, k, half), hw)).as("%s 2N %d %d %d", hw.id(), m, n, k)
                                .isGreaterThanOrEqualTo(base);
                        assertThat(seconds(Requests.gemm(m, n, 2 * k, half), hw)).as("%s 2K %d %d %d", hw.id(), m, n, k)
                                .isGreaterThanOrEqualTo(base);
                    }
                }
            }
        }
    }

    @Test
    void waveQuantizationShowsAsAStep() {
        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        // One tile shape only: 12 x 11 = 132 tiles of 128x128 fill the 132 SMs in one wave (a long K makes
        // it compute-bound); one more row needs a second wave; further rows of that tile row are free.
        HardwareProfile oneTile = new HardwareProfile(h100.id(), h100.name(), h100.aliases(), h100.architecture(),
                h100.smCount(), h100.boostClockMhz(), h100.memoryGib(), h100.peakTflops(), h100.hbmBandwidthGbps(),
                h100.l2CacheMib(), h100.nvlinkBandwidthGbps(), h100.nvlinkSharp(), h100.pcieBandwidthGbps(),
                h100.launchOverheadUs(), List.of(new int[] {128, 128}), h100.parameters(), "test");
        long n = 128L * 11;
        double oneWave = seconds(Requests.gemm(128 * 12, n, 65536, DataType.BF16), oneTile);
        double twoWaves = seconds(Requests.gemm(128 * 12 + 1, n, 65536, DataType.BF16), oneTile);
        double fullSecondWave = seconds(Requests.gemm(128 * 13, n, 65536, DataType.BF16), oneTile);
        assertThat(twoWaves / oneWave).isGreaterThan(1.6);
        assertThat(fullSecondWave / twoWaves).isBetween(0.99, 1.05);

        // With every tile the A100's libraries have, the step remains (the tables show 113 -> 133 us).
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        double m128 = seconds(Requests.gemm(128, 8192, 8192, DataType.BF16), a100);
        double m129 = seconds(Requests.gemm(129, 8192, 8192, DataType.BF16), a100);
        assertThat(m129 / m128).isGreaterThan(1.08);
    }

    @Test
    void attentionRespectsRooflinesAndGrowsWithItsSize() {
        for (HardwareProfile hw : variants()) {
            DataType half = Profiles.sixteenBit(hw);
            double previous = 0;
            for (long kv : new long[] {16, 256, 4096, 65536}) {
                double s = seconds(Requests.decode(32, kv, 32, 8, 128, half), hw);
                double kvBytes = 32.0 * kv * 8 * 2 * 128 * 2;
                assertThat(s).as("%s decode kv %d", hw, kv).isGreaterThanOrEqualTo(kvBytes / hw.hbmBytesPerSecond());
                assertThat(s).isGreaterThanOrEqualTo(previous * 0.999);
                previous = s;
            }
            previous = 0;
            for (long batch : new long[] {1, 8, 64, 512}) {
                double s = seconds(Requests.decode(batch, 2048, 32, 8, 128, half), hw);
                assertThat(s).as("%s decode batch %d", hw, batch).isGreaterThanOrEqualTo(previous * 0.999);
                previous = s;
            }
            previous = 0;
            double peak = hw.peakFlops(HardwareProfile.precisionOf(half)).getAsDouble();
            for (long q : new long[] {1, 128, 1024, 8192}) {
                double s = seconds(Requests.prefill(2, q, 32, 8, 128, half), hw);
                double flops = 2.0 * 2 * 32 * (q * (q + 1) / 2.0) * 256;
                assertThat(s).as("%s prefill %d", hw, q).isGreaterThanOrEqualTo(flops / peak)
                        .isGreaterThanOrEqualTo(previous * 0.999);
                previous = s;
            }
        }
    }

    @Test
    void moeGrowsWithTokensAndNarrowWeightsStreamFaster() {
        for (HardwareProfile hw : variants()) {
            DataType half = Profiles.sixteenBit(hw);
            double previous = 0;
            for (long tokens : new long[] {1, 8, 64, 512, 4096, 32768}) {
                double s = seconds(Requests.moe(tokens, 4096, 1536, 128, 8, half, "gate_up"), hw);
                assertThat(s).as("%s moe %d tokens", hw, tokens).isGreaterThanOrEqualTo(previous * 0.999);
                previous = s;
            }
            // 8 tokens x top-8 touch 64 experts: at least their weights stream from memory.
            double s = seconds(Requests.moe(8, 4096, 1536, 128, 8, half, "gate_up"), hw);
            assertThat(s).isGreaterThanOrEqualTo(64.0 * 3072 * 4096 * 2 / hw.hbmBytesPerSecond());
            if (hw.peakFlops("fp8").isPresent()) {
                double fp8 = seconds(Requests.moe(8, 4096, 1536, 128, 8, DataType.FP8_E4M3, "gate_up"), hw);
                assertThat(fp8).as(hw.toString()).isLessThan(s);
            }
        }
    }

    @Test
    void theMoeTopKReductionStreamsItsExpertOutputsAndIgnoresTheWeights() {
        for (HardwareProfile hw : variants()) {
            DataType half = Profiles.sixteenBit(hw);
            // reads [tokens, top_k, hidden] and writes [tokens, hidden], bf16
            double s = seconds(Requests.moe(64, 7168, 2048, 256, 8, half, "reduce"), hw);
            assertThat(s).as(hw.toString()).isGreaterThanOrEqualTo(64.0 * 7168 * 9 * 2 / hw.hbmBytesPerSecond());
            // 64 tokens x top-8 touch all 256 experts: the gate_up pass streams ~15 GB of weights, the
            // reduction none of them
            double gateUp = seconds(Requests.moe(64, 7168, 2048, 256, 8, half, "gate_up"), hw);
            assertThat(s).as(hw.toString()).isLessThan(gateUp / 10);
            double bigger = seconds(Requests.moe(8192, 7168, 2048, 256, 8, half, "reduce"), hw);
            assertThat(bigger).isGreaterThan(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NORM", "ELEMENTWISE", "REDUCTION", "COPY", "SAMPLING"})
    void bandwidthBoundKernelsRespectTheBandwidth(String family) {
        OperationFamily f = OperationFamily.valueOf(family);
        for (HardwareProfile hw : variants()) {
            double previous = 0;
            for (long tokens : new long[] {1, 64, 4096, 65536}) {
                SimulationRequest r = Requests.kernel(f, List.of(in("input", DataType.BF16, tokens, 8192),
                        out("output", DataType.BF16, tokens, 8192)));
                double s = seconds(r, hw);
                double bytes = f == OperationFamily.COPY ? 2.0 * tokens * 8192 * 2 : 2.0 * tokens * 8192 * 2;
                assertThat(s).as("%s %s %d", hw, f, tokens).isGreaterThanOrEqualTo(bytes / hw.hbmBytesPerSecond())
                        .isGreaterThanOrEqualTo(previous);
                previous = s;
            }
        }
    }

    @Test
    void collectivesRespectTheLinkBandwidthAndGrowWithTheMessage() {
        for (HardwareProfile hw : variants()) {
            double previous = 0;
            for (long elements : new long[] {1 << 10, 1 << 16, 1 << 20, 1 << 24, 1 << 28}) {
                double s = seconds(Requests.allReduce(elements, 8), hw);
                double busBytes = 2.0 * 7 / 8 * elements * 2;
                double bound = hw.nvlinkSharp() ? busBytes / (hw.peerBytesPerSecond(8) * Param.NCCL_NVLS_BUS_EFFICIENCY.upper())
                        : busBytes / hw.peerBytesPerSecond(8);
                assertThat(s).as("%s all-reduce %d", hw, elements).isGreaterThanOrEqualTo(bound)
                        .isGreaterThanOrEqualTo(previous * 0.999);
                previous = s;
            }
            double gather = seconds(Requests.collective("_allgather_base", 1 << 20, 8 << 20, 8), hw);
            assertThat(gather).isGreaterThanOrEqualTo(7.0 * (1 << 20) * 2 / hw.peerBytesPerSecond(8));
            double oneGpu = seconds(Requests.allReduce(1 << 24, 1), hw);
            assertThat(oneGpu).isLessThan(seconds(Requests.allReduce(1 << 24, 2), hw));
        }
    }

    @Test
    void transfersUseTheRightLink() {
        HardwareProfile hw = Profiles.bundled("h100-sxm");
        long bytes = 1L << 30;
        double host = seconds(Requests.memcpy(bytes, "HtoD"), hw);
        double device = seconds(Requests.memcpy(bytes, "DtoD"), hw);
        assertThat(host).isGreaterThanOrEqualTo(bytes / hw.pcieBytesPerSecond());
        assertThat(device).isGreaterThanOrEqualTo(2.0 * bytes / hw.hbmBytesPerSecond()).isLessThan(host);
    }

    @Test
    void smallMemsetsAndDeviceCopiesPayTheDeviceLatencyHostCopiesTheLinkLatency() {
        HardwareProfile hw = Profiles.bundled("h200-sxm");
        double device = hw.get(Param.TRANSFER_DEVICE_FIXED_LATENCY_US) * 1e-6;
        double link = hw.get(Param.TRANSFER_FIXED_LATENCY_US) * 1e-6;
        assertThat(device).as("the H200 profile's own value").isLessThan(link);
        assertThat(seconds(Requests.memset(4), hw)).isCloseTo(device, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(seconds(Requests.memcpy(256, "DtoD"), hw)).isCloseTo(device, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(seconds(Requests.memcpy(8, "DtoH"), hw)).isCloseTo(link, org.assertj.core.data.Percentage.withPercentage(1));
        // Big memsets are bandwidth-bound: they write every byte once.
        long big = 1L << 30;
        assertThat(seconds(Requests.memset(big), hw)).isGreaterThan(big / hw.hbmBytesPerSecond())
                .isLessThan(seconds(Requests.memcpy(big, "DtoD"), hw));
    }

    @Test
    void aFillPaysTheLaunchFloorAndItsStoresNotTheLoadingKernelsLatency() {
        HardwareProfile hw = Profiles.bundled("h200-sxm");
        double floor = hw.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6;
        assertThat(floor).as("the H200's fitted floor is below the vectorized kernel's latency")
                .isLessThan(hw.get(Param.VECTORIZED_FIXED_LATENCY_US) * 1e-6);
        List<io.flowsim.api.model.Operand> output = List.of(out("output", DataType.BF16, 4, 2048));
        SimulationRequest fill = fill(
                "void at::native::vectorized_elementwise_kernel<8, at::native::FillFunctor<c10::BFloat16>, std::array<char*, 1ul> >",
                output);
        double bytes = 4 * 2048 * 2;
        assertThat(seconds(fill, hw)).isCloseTo(floor + bytes / (hw.hbmBytesPerSecond() * hw.get(Param.VECTORIZED_MEMORY_EFFICIENCY)),
                org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(KernelModel.fitGroup(fill, KernelModel.estimate(fill, hw))).isEqualTo(Param.FitGroup.REDUCTION);
        // A big fill is its stores at the vectorized pattern's bandwidth, and fitted with that pattern.
        SimulationRequest big = fill(fill.kernelName(), List.of(out("output", DataType.BF16, 4096, 2048)));
        double bigBytes = 4096.0 * 2048 * 2;
        assertThat(seconds(big, hw)).isCloseTo(floor + bigBytes / (hw.hbmBytesPerSecond() * hw.get(Param.VECTORIZED_MEMORY_EFFICIENCY)),
                org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(KernelModel.fitGroup(big, KernelModel.estimate(big, hw))).isEqualTo(Param.FitGroup.ELEMENTWISE_VECTORIZED);
        // The generic (strided) fill kernel stores at its own pattern's bandwidth, after the same floor.
        SimulationRequest strided = fill("void at::native::unrolled_elementwise_kernel<at::native::FillFunctor<float>, ...>",
                List.of(out("output", DataType.FP32, 4096, 2048)));
        assertThat(seconds(strided, hw)).isCloseTo(floor + 4096.0 * 2048 * 4 / (hw.hbmBytesPerSecond()
                * hw.get(Param.STRIDED_MEMORY_EFFICIENCY)), org.assertj.core.data.Percentage.withPercentage(0.01));
        // On the A100 the floor is the one of its training traces, above the unfitted prior.
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        assertThat(a100.get(Param.REDUCTION_LAUNCH_FLOOR_US)).isGreaterThan(Param.REDUCTION_LAUNCH_FLOOR_US.fallback());
        assertThat(seconds(fill, a100)).isGreaterThanOrEqualTo(a100.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6);
    }

    /**
     * PyTorch's vectorized kernel (16-byte loads, no index arithmetic) streams faster than its generic strided one on
     * every bundled GPU. Until the fourteenth session the A100 (and the profiles that take its efficiencies) gave both
     * patterns the one value fitted on vidur's rows of both, so a 1 GiB fill cost the same either way.
     */
    @Test
    void theVectorizedPatternStreamsFasterThanTheStridedOneOnEveryBundledGpu() {
        List<io.flowsim.api.model.Operand> output = List.of(out("output", DataType.FP32, 16384, 16384));
        SimulationRequest vectorized = fill("void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>,"
                + " std::array<char*, 1ul> >", output);
        SimulationRequest strided = fill("void at::native::unrolled_elementwise_kernel<at::native::FillFunctor<float>, ...>",
                output);
        for (HardwareProfile hw : Profiles.all()) {
            assertThat(seconds(vectorized, hw)).as(hw.id()).isLessThan(seconds(strided, hw));
        }
    }

    private static SimulationRequest fill(String kernel, List<io.flowsim.api.model.Operand> output) {
        return new SimulationRequest(kernel, io.flowsim.api.model.KernelKind.KERNEL, io.flowsim.api.model.KernelCategory.COMPUTE,
                OperationFamily.MEMSET, "fill_", output, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Map.of());
    }

    @Test
    void aFillByAnotherKernelKeepsTheElementwiseFamilysParameters() {
        HardwareProfile hw = Profiles.bundled("h200-sxm");
        List<io.flowsim.api.model.Operand> output = List.of(out("output", DataType.BF16, 4, 2048));
        double bytes = 4 * 2048 * 2;
        SimulationRequest other = Requests.kernel(OperationFamily.MEMSET, output);
        assertThat(seconds(other, hw)).isCloseTo(hw.get(Param.ELEMENTWISE_FIXED_LATENCY_US) * 1e-6
                + bytes / (hw.hbmBytesPerSecond() * hw.get(Param.ELEMENTWISE_MEMORY_EFFICIENCY)),
                org.assertj.core.data.Percentage.withPercentage(0.01));
    }
}
