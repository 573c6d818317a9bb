package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FlashInfer's persistent sm90 prefill: one thread block per SM runs the works ({@code (head, sequence, query tile)})
 * that the host's {@code PrefillSM90Plan} gave it, each to the block with the least planned cost
 * {@code 2 * CTA_Q + kv_end}.
 */
class FlashInferPlanTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");

    /** The kernel of the shared FlowSim H200 trace (DeepSeek's non-absorbed prefill, d_qk 192, d_v 128). */
    private static final String PERSISTENT = "void flashinfer::PrefillWithKVCacheKernel<flashinfer::CollectiveMainloop<"
            + "RaggedParams::AdditionalParams, flashinfer::AttentionKernelTraits<true, 192, 128, 128, 128, 2, cutlass::bfloat16_t, "
            + "cutlass::bfloat16_t, cutlass::bfloat16_t, int, flashinfer::StandardAttention>, true>, "
            + "flashinfer::CollectiveEpilogue<flashinfer::AttentionKernelTraits<true, 192, 128, 128, 128, 2, cutlass::bfloat16_t, "
            + "cutlass::bfloat16_t, cutlass::bfloat16_t, int, flashinfer::StandardAttention> >, flashinfer::AttentionKernelTraits<"
            + "true, 192, 128, 128, 128, 2, cutlass::bfloat16_t, cutlass::bfloat16_t, cutlass::bfloat16_t, int, "
            + "flashinfer::StandardAttention>, false, true, flashinfer::BatchPrefillPersistentTileScheduler<int>, false>";

    private static SimulationRequest named(String name, SimulationRequest r) {
        return new SimulationRequest(name, r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), r.attributes());
    }

    private static AttentionModel.Problem causal(long batch, long tokens, long heads) {
        return new AttentionModel.Problem(batch, tokens, tokens, heads, heads, 192, 128, false, true, 0, false,
                DataType.BF16, DataType.BF16);
    }

    @Test
    void theGreedyPlanCanGiveOneBlockTheLongWorks() {
        // One sequence of 640 tokens (query tiles 0-4 of 128 rows, tile t sees t + 1 key tiles of 128), two heads,
        // three blocks. Planned cost in units of 128 keys: 2 + (t + 1). Walked by hand, ties to the lower block:
        // head 0: t4 (7) -> A 7, t3 (6) -> B 6, t2 (5) -> C 5, t1 (4) -> C 9, t0 (3) -> B 9;
        // head 1: t4 -> A 14, t3 -> B 15, t2 -> C 14, t1 -> A 18, t0 -> C 17.
        // Key tiles: A 5 + 5 + 2 = 12, B 4 + 1 + 4 = 9, C 3 + 2 + 3 + 1 = 9: 30 tiles, 10 a block at best, 12 planned.
        AttentionModel.Problem p = causal(1, 640, 2);
        AttentionKernel.Tile tile = new AttentionKernel.Tile(128, 128);
        assertThat(AttentionModel.plannedMakespan(p, 0, tile, 3, 1, 0, 0)).isEqualTo(12);
        // Every work has one masked tile (the diagonal): A's three add 1.5. A fixed part per work instead makes C, with
        // four works, the last: 9 + 4 * 10 against A's 12 + 3 * 10.
        assertThat(AttentionModel.plannedMakespan(p, 0, tile, 3, 1, 0.5, 0)).isEqualTo(13.5);
        assertThat(AttentionModel.plannedMakespan(p, 0, tile, 3, 1, 0, 10)).isEqualTo(49);
    }

    @Test
    void withABlockPerWorkTheLongestWorkEndsTheKernel() {
        // Eight query tiles of one head on eight blocks: one work each, the last tile sees all 8 key tiles.
        AttentionModel.Problem p = causal(1, 1024, 1);
        assertThat(AttentionModel.plannedMakespan(p, 0, new AttentionKernel.Tile(128, 128), 8, 1, 0, 0)).isEqualTo(8);
        // Without a causal mask every work sees all keys: 8 works of 8 tiles on 3 blocks, 3 + 3 + 2 works.
        AttentionModel.Problem full = new AttentionModel.Problem(1, 1024, 1024, 1, 1, 192, 128, false, false, 0, false,
                DataType.BF16, DataType.BF16);
        assertThat(AttentionModel.plannedMakespan(full, 0, new AttentionKernel.Tile(128, 128), 3, 1, 0, 0)).isEqualTo(24);
    }

    @Test
    void onlyThePersistentSchedulerRunsAPlan() {
        SimulationRequest r = Requests.prefill(1, 1024, 32, 32, 192);
        assertThat(AttentionKernel.of(named(PERSISTENT, r), 192, H200).prefillSchedule())
                .isEqualTo(AttentionKernel.PrefillSchedule.FLASHINFER_PLAN);
        String perHead = PERSISTENT.replace("BatchPrefillPersistentTileScheduler", "BatchPrefillTileScheduler");
        assertThat(AttentionKernel.of(named(perHead, r), 192, H200).prefillSchedule())
                .isEqualTo(AttentionKernel.PrefillSchedule.WAVES);
        assertThat(AttentionKernel.of(named("flash::FlashAttnFwdSm90", r), 192, H200).prefillSchedule())
                .isEqualTo(AttentionKernel.PrefillSchedule.WAVES);
    }

    @Test
    void thePlannedKernelIsNeverFasterThanAnEvenShareOfItsWork() {
        // The planned time is bounded below by the work spread evenly over the SMs and by the longest work.
        AttentionKernel.Tile tile = new AttentionKernel.Tile(128, 128);
        for (long batch : new long[] {1, 3, 8}) {
            AttentionModel.Problem p = causal(batch, 1024, 32);
            double makespan = AttentionModel.plannedMakespan(p, 0, tile, 132, 1, 0, 0);
            double tiles = batch * 32 * 36.0;
            assertThat(makespan).isGreaterThanOrEqualTo(Math.max(8, tiles / 132));
        }
    }

    @Test
    void theTraceKernelIsPricedByItsPlan() {
        // One 1,024-token sequence, 32 heads, on the H200's 132 SMs: 256 works on 132 blocks. The plan leaves blocks
        // with two works where the even share is 1.9 works; the wave model of the other kernels prices the mean.
        SimulationRequest r = named(PERSISTENT, Requests.prefill(1, 1024, 32, 32, 192));
        Estimate planned = KernelModel.estimate(r, H200);
        String waves = PERSISTENT.replace("BatchPrefillPersistentTileScheduler", "BatchPrefillTileScheduler");
        Estimate dealt = KernelModel.estimate(named(waves, Requests.prefill(1, 1024, 32, 32, 192)), H200);
        assertThat(planned.supported()).as(planned.reason()).isTrue();
        assertThat(planned.bound()).isEqualTo("compute");
        assertThat(planned.seconds()).isGreaterThan(dealt.seconds());
    }

    @Test
    void aPlanTooLargeToReplayIsPricedByTheEvenShareOfTheOtherKernels() {
        // 32,768 sequences of 1,024 tokens, 32 heads: 8.4 million works, past what the model replays one by one.
        SimulationRequest huge = Requests.prefill(32_768, 1024, 32, 32, 192);
        assertThat(AttentionModel.plannedWorks(causal(32_768, 1024, 32), 128))
                .isGreaterThan(AttentionModel.MAX_PLANNED_WORKS);
        Estimate planned = KernelModel.estimate(named(PERSISTENT, huge), H200);
        String waves = PERSISTENT.replace("BatchPrefillPersistentTileScheduler", "BatchPrefillTileScheduler");
        Estimate dealt = KernelModel.estimate(named(waves, huge), H200);
        assertThat(planned.supported()).as(planned.reason()).isTrue();
        assertThat(planned.seconds()).isEqualTo(dealt.seconds());
        // A realistic batch stays under the limit, and the count saturates instead of overflowing.
        assertThat(AttentionModel.plannedWorks(causal(64, 8192, 128), 128)).isLessThan(AttentionModel.MAX_PLANNED_WORKS);
        assertThat(AttentionModel.plannedWorks(causal(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 1L << 40), 1))
                .isEqualTo(Long.MAX_VALUE);
    }
    @Test
    void theIntegerReplayGivesTheSameBlocksAsTheWorkByWorkOne() {
        // Causal and not, a cached prefix, a window, a mask cost and a fixed part, from one block to more blocks than
        // works: the long-keyed replay must return the double replay's makespan to the bit.
        AttentionKernel.Tile tile = new AttentionKernel.Tile(128, 128);
        int compared = 0;
        for (long batch : new long[] {1, 3, 8}) {
            for (long qLen : new long[] {1, 100, 1024, 1500}) {
                for (long prefix : new long[] {0, 77, 4096}) {
                    for (boolean causal : new boolean[] {true, false}) {
                        for (long window : new long[] {0, 300}) {
                            for (int blocks : new int[] {1, 3, 7, 132, 5000}) {
                                AttentionModel.Problem p = new AttentionModel.Problem(batch, qLen, qLen + prefix, 5, 5, 192,
                                        128, false, causal, window, false, DataType.BF16, DataType.BF16);
                                double got = AttentionModel.plannedMakespan(p, window, tile, blocks, 1.3e-6, 0.37, 2.1e-6);
                                assertThat(got).as("%s on %d blocks", p, blocks)
                                        .isEqualTo(workByWork(p, window, tile, blocks, 1.3e-6, 0.37, 2.1e-6));
                                compared++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(720);
    }

    @Test
    void plannedCostsTooLargeForExactSumsAreReplayedWorkByWork() {
        // A key count near 2^60: the planned sums round in a double, so the long keys would not order the blocks the
        // same way; the replay falls back to the double one.
        long keys = 1L << 60;
        AttentionModel.Problem p = new AttentionModel.Problem(1, 1024, keys, 4, 4, 192, 128, false, false, 0, false,
                DataType.BF16, DataType.BF16);
        AttentionKernel.Tile tile = new AttentionKernel.Tile(128, 128);
        assertThat(AttentionModel.plannedMakespan(p, 0, tile, 132, 1e-9, 0, 0))
                .isEqualTo(workByWork(p, 0, tile, 132, 1e-9, 0, 0)).isPositive();
    }

    /** The plan replayed through the double-keyed heap, one work at a time. */
    private static double workByWork(AttentionModel.Problem p, long window, AttentionKernel.Tile tile, int blocks,
                                     double tileSeconds, double maskCost, double workSeconds) {
        long rows = tile.rows();
        int queryTiles = (int) GemmModel.ceilDiv(p.qLen(), rows);
        double[] planned = new double[queryTiles];
        double[] cost = new double[queryTiles];
        for (int t = 0; t < queryTiles; t++) {
            long kvEnd = !p.causal() || t + 1 == queryTiles ? p.kvLen()
                    : Math.max(0, Math.min(p.kvLen() - p.qLen() + (t + 1) * rows, p.kvLen()));
            planned[t] = 2.0 * rows + kvEnd;
            AttentionModel.KeyTiles k = AttentionModel.KeyTiles.of(t * rows, p.qLen(), p.kvLen(), p.causal(), window, tile);
            cost[t] = workSeconds + (k.visited() + maskCost * k.masked()) * tileSeconds;
        }
        return AttentionModel.replay(planned, cost, p.heads() * p.batch(), blocks);
    }
}
