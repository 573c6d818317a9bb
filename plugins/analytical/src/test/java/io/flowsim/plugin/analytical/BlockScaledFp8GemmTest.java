package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Block-scaled FP8 GEMMs on Hopper as DeepGEMM runs them: the block its heuristic picks, never a split of K,
 * and a serial latency per 128-wide K block (docs/simulator.md, GEMM and BMM). The expected blocks were worked
 * out by hand from DeepGEMM's sm90 heuristic (csrc/jit_kernels/heuristics/sm90.hpp) and checked against an
 * independent script, not read from this code.
 */
class BlockScaledFp8GemmTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static SimulationRequest blockScaled(long m, long n, long k) {
        return Requests.gemm(m, n, k, DataType.FP8_E4M3, "gemm.scaling", "block", "gemm.block", "128");
    }

    private static double seconds(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.toString()).isTrue();
        return e.seconds();
    }

    @Test
    void theHeuristicPicksTheBlockDeepGemmLaunches() {
        // 1,024 x 4,096: 4 x 32 blocks of 256 x 128 fill one wave of 132 SMs; one wave takes no multicast
        GemmModel.DeepGemmBlock oneWave = GemmModel.deepGemmBlock(1024, 4096, 8192, 1, 132);
        assertThat(oneWave).isEqualTo(new GemmModel.DeepGemmBlock(256, 128, 1, 128, 1));
        // 4,096 x 4,096: 512 blocks of 256 x 128 in 4 waves, with pairs of SMs sharing an operand
        GemmModel.DeepGemmBlock fourWaves = GemmModel.deepGemmBlock(4096, 4096, 8192, 1, 132);
        assertThat(fourWaves).isEqualTo(new GemmModel.DeepGemmBlock(256, 128, 2, 512, 4));
        // a decode GEMM of 16 tokens: 16-row blocks (the TMA loads no padding rows), 128 columns of 32
        assertThat(GemmModel.deepGemmBlock(16, 4096, 51_200, 1, 132))
                .isEqualTo(new GemmModel.DeepGemmBlock(16, 32, 1, 128, 1));
    }

    @Test
    void everyBlockItPicksIsALegalDeepGemmBlock() {
        long[] sizes = {1, 16, 17, 64, 65, 129, 256, 257, 1024, 4097, 16384};
        for (long m : sizes) {
            for (long n : new long[] {128, 1536, 7168, 65536}) {
                GemmModel.DeepGemmBlock b = GemmModel.deepGemmBlock(m, n, 7168, 1, 132);
                assertThat(b.blockM() <= 128 || b.blockN() <= 128).as("registers: %s", b).isTrue();
                assertThat(b.blockM() == 16 ? m <= 16 : b.blockM() != 32 || m <= 32).as("small blocks: %s", b).isTrue();
                assertThat(b.blocks()).isEqualTo(GemmModel.ceilDiv(m, b.blockM()) * GemmModel.ceilDiv(n, b.blockN()));
                assertThat(b.waves()).isEqualTo(GemmModel.ceilDiv(b.blocks(), 132));
                assertThat(b.cluster() == 1 || b.waves() > 1).as("multicast needs two waves: %s", b).isTrue();
            }
        }
    }

    @Test
    void oneBlockWalksAllOfK() {
        // [16, 51,200] x [51,200, 128]: 4 blocks of 16 x 32, each walking all 400 K blocks on one SM, so at
        // least 400 serial K-block latencies, where the tiled model's split-K spread K over many SMs.
        double stepLatency = H100.get(Param.GEMM_BLOCK_FP8_STEP_LATENCY_NS) * 1e-9;
        assertThat(stepLatency).isPositive();
        assertThat(seconds(blockScaled(16, 128, 51_200), H100)).isGreaterThan(400 * stepLatency);
        assertThat(seconds(Requests.gemm(16, 128, 51_200, DataType.FP8_E4M3), H100)).isLessThan(400 * stepLatency / 2);
    }

    @Test
    void eachKBlockPaysTheLatencyAndTheMmaWorkOfAtLeast64Rows() {
        // 1,024 x 4,096 x 8,192 in one wave of 256 x 128 blocks: compute = 64 K blocks x (latency + MMA work),
        // joined to the memory time by the profile's p-norm; the long-kernel clock drop is switched off.
        double[] values = H100.parameters();
        values[Param.GEMM_BLOCK_FP8_SUSTAINED_FACTOR.ordinal()] = 1;
        HardwareProfile steady = H100.withParameters(values);
        double perSm = 1978.9e12 / 132 * H100.get(Param.GEMM_BLOCK_FP8_COMPUTE_EFFICIENCY);
        double fillK = H100.get(Param.GEMM_TILE_OVERHEAD_K) * 2;
        double compute = 64 * H100.get(Param.GEMM_BLOCK_FP8_STEP_LATENCY_NS) * 1e-9
                + 2.0 * 256 * 128 * (8192 + fillK) / perSm;
        double bytes = 1024.0 * 8192 + 8192.0 * 4096 + 1024.0 * 4096 * 2;
        double memory = bytes / (H100.hbmBytesPerSecond() * H100.get(Param.GEMM_MEMORY_EFFICIENCY));
        double p = H100.get(Param.GEMM_ROOFLINE_SHARPNESS);
        double expected = H100.get(Param.GEMM_FIXED_LATENCY_US) * 1e-6
                + Math.pow(Math.pow(compute, p) + Math.pow(memory, p), 1 / p);
        assertThat(seconds(blockScaled(1024, 4096, 8192), steady)).isCloseTo(expected, within(expected * 1e-5));
        // one token and 16 run the same 16-row block, which still issues 64-row MMAs: the same compute
        double one = seconds(blockScaled(1, 4096, 51_200), steady);
        double sixteen = seconds(blockScaled(16, 4096, 51_200), steady);
        assertThat(sixteen / one).isBetween(1.0, 1.01);
    }

    @Test
    void int8GemmsRunAtTheirOwnPeak() {
        // The A100 has an INT8 tensor peak (624 TOPS, twice its 16-bit one) and no FP8 units: an INT8 GEMM is
        // priced at the INT8 rate, so a compute-bound one beats what the 16-bit peak allows, never the INT8 peak.
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        double ops = 2.0 * 8192 * 8192 * 8192;
        double int8 = seconds(Requests.gemm(8192, 8192, 8192, DataType.INT8), a100);
        assertThat(int8).isGreaterThanOrEqualTo(ops / 624e12).isLessThan(ops / 312e12);
        assertThat(KernelModel.estimate(Requests.gemm(8192, 8192, 8192, DataType.FP8_E4M3), a100).supported()).isFalse();
    }

    @Test
    void aLongBlockScaledGemmSlowsToItsOwnSustainedShare() {
        double[] values = H100.parameters();
        values[Param.GEMM_BLOCK_FP8_SUSTAINED_FACTOR.ordinal()] = 1;
        HardwareProfile steady = H100.withParameters(values);
        double sustained = H100.get(Param.GEMM_BLOCK_FP8_SUSTAINED_FACTOR);
        assertThat(sustained).isLessThan(1).isGreaterThan(H100.get(Param.GEMM_FP8_SUSTAINED_FACTOR));
        SimulationRequest longOne = blockScaled(16384, 16384, 16384);
        SimulationRequest shortOne = blockScaled(512, 1024, 1024);
        assertThat(seconds(longOne, H100) / seconds(longOne, steady)).isGreaterThan(1.05);
        assertThat(seconds(shortOne, H100) / seconds(shortOne, steady)).isLessThan(1.01);
    }
}
