package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request whose attributes name 2^40 sequences, tokens, keys or heads (a hostile or corrupt trace) gets a finite,
 * positive time or a reason, never a hang, an overflowed product or an exception, from every attention implementation.
 */
class HostileAttentionShapesTest {

    private static final long HUGE = 1L << 40;

    private static final List<String> NAMES = List.of("attention", "void flash::flash_fwd_splitkv_kernel<Flash_fwd_kernel_traits<128, 64, 128, 4, false, false, cutlass::bfloat16_t>>",
            "_fwd_grouped_kernel_stage1", "_fwd_kernel", "paged_attention_v2_kernel", "kernel_paged_attention_2d",
            "void flash::flash_fwd_kernel<Flash_fwd_kernel_traits_sm90>", "flashinfer::BatchDecodeWithPagedKVCacheKernel",
            "PrefillWithKVCacheKernel<flashinfer::CollectiveMainloop, AttentionKernelTraits<true, 192, 128, 128, 128, 2>,"
                    + " BatchPrefillPersistentTileScheduler<int>>", "fmha_cutlassF", "cudnn_generated_fort_native_sdpa");

    /** batch, q_len, kv_len, heads, kv heads. */
    private static final long[][] SHAPES = {{HUGE, 1, HUGE, 32, 8}, {1, HUGE, HUGE, 32, 8}, {HUGE, HUGE, HUGE, 32, 8},
            {4, 1, HUGE, HUGE, 8}, {HUGE, 1, 4096, 32, 8}, {1, 1L << 20, 1L << 20, HUGE, 1}, {HUGE, 1024, 1024, HUGE, 1}};

    private static SimulationRequest request(String name, String phase, long[] s) {
        SimulationRequest r = Requests.kernel(OperationFamily.ATTENTION, List.of(in("q", DataType.BF16, 1, 32, 128),
                        in("kv_cache", DataType.BF16, 1000, 2, 8, 128)), "attention.phase", phase, "attention.batch", s[0],
                "attention.q_len", s[1], "attention.kv_len", s[2], "attention.num_kv_heads", s[4]);
        // the heads come from q's shape; a hostile head count from the attribute the request carries instead
        SimulationRequest withHeads = s[3] == 32 ? r : Requests.kernel(OperationFamily.ATTENTION,
                List.of(in("q", DataType.BF16, 1, s[3], 128), in("kv_cache", DataType.BF16, 1, 2, 8, 128)),
                "attention.phase", phase, "attention.batch", s[0], "attention.q_len", s[1], "attention.kv_len", s[2],
                "attention.num_kv_heads", s[4]);
        return new SimulationRequest(name, withHeads.kind(), withHeads.category(), withHeads.family(),
                withHeads.opMapping(), withHeads.operands(), withHeads.launch(), withHeads.collective(),
                withHeads.transfer(), withHeads.attributes());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyImplementationAnswersOrRefuses() {
        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        for (String name : NAMES) {
            for (long[] s : SHAPES) {
                for (String phase : List.of("decode", "prefill")) {
                    Estimate e = KernelModel.estimate(request(name, phase, s), h100);
                    if (e.supported()) {
                        assertThat(e.seconds()).as(name + " " + phase + " " + java.util.Arrays.toString(s))
                                .isPositive().isFinite();
                    } else {
                        assertThat(e.reason()).isNotBlank();
                    }
                }
            }
        }
    }

    @Test
    void aPrefillLongerThanTheTileWalkIsRefusedWithItsLength() {
        // before: one walk step per query tile, 2^33 of them for one kernel
        Estimate e = KernelModel.estimate(request("attention", "prefill", new long[] {1, HUGE, HUGE, 32, 8}),
                Profiles.bundled("h100-sxm"));
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("1099511627776 query tokens per sequence");
        assertThat(KernelModel.estimate(request("attention", "prefill",
                new long[] {1, AttentionModel.MAX_SEQUENCE_QUERIES, AttentionModel.MAX_SEQUENCE_QUERIES, 32, 8}),
                Profiles.bundled("h100-sxm")).supported()).isTrue();
    }

    @Test
    void flashInfersReplayRefusesAPlanItCannotHoldInsteadOfTruncatingItsTileCount() {
        // 2^40 query tokens: 2^33 query tiles, which an int cast made 0 (an empty plan, a time of 0)
        AttentionModel.Problem p = new AttentionModel.Problem(1, HUGE, HUGE, 32, 32, 192, 128, false, true, 0, false,
                DataType.BF16, DataType.BF16);
        assertThatThrownBy(() -> AttentionModel.plannedMakespan(p, 0, new AttentionKernel.Tile(128, 128), 132, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("works");
    }
}
