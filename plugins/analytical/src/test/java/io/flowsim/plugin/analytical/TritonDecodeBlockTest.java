package io.flowsim.plugin.analytical;

import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * sglang's Triton decode kernel: a stage-1 thread block walks its split of the KV cache at a latency-bound
 * key rate, so with few blocks the split's length sets the time, and with many the HBM does.
 */
class TritonDecodeBlockTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static SimulationRequest triton(long batch, long kvLen, long heads, long kvHeads, long headDim) {
        SimulationRequest r = Requests.decode(batch, kvLen, heads, kvHeads, headDim);
        return new SimulationRequest("_fwd_grouped_kernel_stage1", r.kind(), r.category(), r.family(), r.opMapping(),
                r.operands(), r.launch(), r.collective(), r.transfer(), r.attributes());
    }

    private static double seconds(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.reason()).isTrue();
        return e.seconds();
    }

    @Test
    void fewBlocksTakeTheirSplitsLengthOverTheBlockRate() {
        // One sequence, one KV head of d = 512: 9 splits of 65,536 keys, far fewer blocks than SMs.
        long kvLen = 65_536;
        SimulationRequest r = triton(1, kvLen, 2, 1, 512);
        double splits = Math.floor(H100.get(Param.TRITON_DECODE_KV_SPLITS));
        double perBlock = Math.ceil(kvLen / splits) * (512 + 512) * 2.0 / (H100.get(Param.TRITON_DECODE_BLOCK_GBPS) * 1e9);
        double t = seconds(r, H100);
        assertThat(t).isGreaterThanOrEqualTo(perBlock).isLessThan(perBlock + 30e-6);
        // Twice the cache, twice the walk.
        double longer = seconds(triton(1, 2 * kvLen, 2, 1, 512), H100) - H100.get(Param.TRITON_DECODE_FIXED_LATENCY_US) * 1e-6;
        assertThat(longer / (t - H100.get(Param.TRITON_DECODE_FIXED_LATENCY_US) * 1e-6)).isCloseTo(2, within(0.1));
        // A faster block rate shortens it in proportion.
        double[] values = H100.parameters();
        values[Param.TRITON_DECODE_BLOCK_GBPS.ordinal()] *= 2;
        assertThat(seconds(r, H100.withParameters(values))).isLessThan(0.6 * t);
    }

    @Test
    void manyBlocksAreBoundByTheHbmNotTheBlockRate() {
        // 2,048 sequences x 8 KV heads x 9 splits: dozens of waves, each block's split only 12 keys long.
        SimulationRequest r = triton(2048, 100, 32, 8, 128);
        double[] values = H100.parameters();
        values[Param.TRITON_DECODE_BLOCK_GBPS.ordinal()] *= 2;
        assertThat(seconds(r, H100.withParameters(values))).isEqualTo(seconds(r, H100));
    }
}
