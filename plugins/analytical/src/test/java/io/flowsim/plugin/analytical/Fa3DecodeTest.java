package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * FlashAttention-3's decode as sglang runs it: its own split rule (a host-side heuristic bounding the dynamic
 * splits its prepare kernel sets), one thread block per SM, and products over every row of the packed query tile.
 * The expected split counts are worked out by hand from {@code num_splits_heuristic} and
 * {@code prepare_varlen_num_blocks} of Dao-AILab/flash-attention.
 */
class Fa3DecodeTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");
    /** FA3's paged (cp.async) decode tile at d = 128, 16-bit: one MMA warpgroup for at most 64 rows per KV head. */
    private static final AttentionKernel.Tile D128 = AttentionKernel.sm90Tile(128, 128, false, false, true, true, true);

    private static SimulationRequest fa3Decode(long batch, long kvLen, long heads, long kvHeads, long headDim,
                                               DataType cache) {
        return Requests.kernel(OperationFamily.ATTENTION, List.of(Requests.in("q", DataType.BF16, batch, heads, headDim),
                        Requests.in("kv_cache", cache, batch * kvLen, 2, kvHeads, headDim)), "attention.phase", "decode",
                "attention.batch", batch, "attention.q_len", 1, "attention.kv_len", kvLen, "attention.num_kv_heads", kvHeads,
                "attention.implementation", "fa3");
    }

    private static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.reason()).isTrue();
        return e;
    }

    private static AttentionModel.Fa3Split split(long batch, long kvLen) {
        return AttentionModel.Fa3Split.of(batch, 1, 32, 8, kvLen, 0, 128, 128, false, 132, D128);
    }

    @Test
    void theTileIsFa3sPagedOne() {
        assertThat(D128.rows()).isEqualTo(64);
        assertThat(D128.keys()).isEqualTo(128);
        // 4 query heads per KV head of one decode token run one warpgroup; 128 rows per KV head run two.
        assertThat(AttentionKernel.fa3OneMmaWarpgroup(128, 128, 4)).isTrue();
        assertThat(AttentionKernel.fa3OneMmaWarpgroup(128, 128, 128)).isFalse();
        assertThat(AttentionKernel.fa3OneMmaWarpgroup(256, 256, 4)).isFalse();
    }

    @Test
    void fewKeyTilesAreNotSplit() {
        // 512 keys are 4 tiles of 128: the heuristic never splits 4 or fewer.
        AttentionModel.Fa3Split s = split(1, 512);
        assertThat(s.staticSplits()).isEqualTo(1);
        assertThat(s.splits()).isEqualTo(1);
        assertThat(s.tilesPerBlock()).isEqualTo(4);
    }

    @Test
    void oneSequenceIsSplitToFillTheSms() {
        // 8 KV heads, 8 tiles: the best wave efficiency up to 8 splits is 64/132; 7 splits reach 85 % of it.
        AttentionModel.Fa3Split s = split(1, 1024);
        assertThat(s.staticSplits()).isEqualTo(7);
        assertThat(s.splits()).isEqualTo(7);
        // ceil(8 / 7) = 2 tiles per split, so only 4 of the 7 splits get tiles.
        assertThat(s.tilesPerBlock()).isEqualTo(2);
        assertThat(s.busySplits()).isEqualTo(4);
        // 512 tiles: 33 splits would fill two whole waves (efficiency 1), 15 is the first within 85 % of it;
        // the prepare kernel asks for ceil(512 / ceil(512 * 1.1 * 8 / 132)) = 15 as well.
        AttentionModel.Fa3Split longCache = split(1, 65_536);
        assertThat(longCache.staticSplits()).isEqualTo(15);
        assertThat(longCache.splits()).isEqualTo(15);
        assertThat(longCache.tilesPerBlock()).isEqualTo(35);
    }

    @Test
    void aLargeBatchIsNotSplitThoughTheHostAllowsIt() {
        // 64 sequences of 32 tiles: ceil(64 * 32 * 1.1 * 8 / 132) = 137 tiles per SM, more than one sequence has.
        AttentionModel.Fa3Split s = split(64, 4096);
        assertThat(s.staticSplits()).isEqualTo(14);
        assertThat(s.splits()).isEqualTo(1);
        // Above 992 sequences the prepare kernel runs on several CTAs and sets one split for all.
        assertThat(split(993, 65_536).splits()).isEqualTo(1);
    }

    @Test
    void aWindowSplitsOnlyTheTilesItReaches() {
        // 65,536 keys, window 1,024: the host loads at most 1,024 + 128 keys (9 tiles) and allows 8 splits; the
        // window's 8 tiles are divided among them, one each.
        AttentionModel.Fa3Split s = AttentionModel.Fa3Split.of(1, 1, 32, 8, 65_536, 1024, 128, 128, false, 132,
                AttentionKernel.sm90Tile(128, 128, false, true, false, true, true));
        assertThat(s.staticSplits()).isEqualTo(8);
        assertThat(s.tilesPerBlock()).isEqualTo(1);
        assertThat(s.keysLoaded()).isEqualTo(1024);
    }

    @Test
    void aPackedGqaGroupCostsAWholeTileOfProducts() {
        // One sequence, a long cache: the blocks' chain of tiles is the same for 8 query heads per KV head as for 1
        // (both fill a fraction of the 128-row tile), and so is the KV stream.
        Estimate one = estimate(fa3Decode(1, 65_536, 8, 8, 128, DataType.BF16), H100);
        Estimate eight = estimate(fa3Decode(1, 65_536, 64, 8, 128, DataType.BF16), H100);
        assertThat(eight.seconds()).isCloseTo(one.seconds(), within(0.02 * one.seconds()));
        assertThat(eight.model()).isEqualTo("attention-decode-fa3");
    }

    @Test
    void theCombineKernelRunsWhenTheHostAllowsASplit() {
        double[] values = H100.parameters();
        values[Param.FA3_DECODE_COMBINE_US.ordinal()] += 5;
        HardwareProfile slower = H100.withParameters(values);
        SimulationRequest unsplit = fa3Decode(1, 512, 32, 8, 128, DataType.BF16);
        SimulationRequest split = fa3Decode(1, 1024, 32, 8, 128, DataType.BF16);
        assertThat(estimate(unsplit, slower).seconds()).isEqualTo(estimate(unsplit, H100).seconds());
        assertThat(estimate(split, slower).seconds() - estimate(split, H100).seconds()).isCloseTo(5e-6, within(1e-9));
    }

    @Test
    void moreTilesPerBlockTakeLongerWithFewBlocks() {
        // One sequence, one KV head: 1, 2 and 4 tiles in one block (no split below 5 tiles).
        double t1 = estimate(fa3Decode(1, 128, 8, 1, 128, DataType.BF16), H100).seconds();
        double t2 = estimate(fa3Decode(1, 256, 8, 1, 128, DataType.BF16), H100).seconds();
        double t4 = estimate(fa3Decode(1, 512, 8, 1, 128, DataType.BF16), H100).seconds();
        assertThat(t2).isGreaterThan(t1);
        assertThat(t4 - t2).isGreaterThan(t2 - t1);
    }

    @Test
    void fa3DecodeHasItsOwnFitGroupAndAnEightBitCacheItsOwnRates() {
        SimulationRequest bf16 = fa3Decode(8, 4096, 32, 8, 128, DataType.BF16);
        assertThat(KernelModel.fitGroup(bf16, estimate(bf16, H100))).isEqualTo(Param.FitGroup.ATTENTION_DECODE_FA3);
        SimulationRequest fp8 = fa3Decode(8, 4096, 32, 8, 128, DataType.FP8_E4M3);
        double[] values = H100.parameters();
        values[Param.FA3_DECODE_FP8_MEMORY_EFFICIENCY.ordinal()] /= 2;
        HardwareProfile slowFp8 = H100.withParameters(values);
        assertThat(estimate(fp8, slowFp8).seconds()).isGreaterThan(estimate(fp8, H100).seconds());
        assertThat(estimate(bf16, slowFp8).seconds()).isEqualTo(estimate(bf16, H100).seconds());
    }

    @Test
    void zeroKvHeadsAreUnsupportedNotADivisionByZero() {
        // A caller that bypasses parse (which rejects it too) must get a reason, not an ArithmeticException from
        // Fa3Split's heads / kvHeads.
        AttentionModel.Problem p = new AttentionModel.Problem(4, 1, 4096, 32, 0, 128, 128, false, false, 0, true,
                DataType.BF16, DataType.BF16);
        Estimate e = AttentionModel.fa3Decode(p, H100);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("0 KV heads");
    }

    @Test
    void aCacheWithoutKvHeadsNamesThemInItsReason() {
        Estimate e = KernelModel.estimate(fa3Decode(4, 4096, 32, 0, 128, DataType.BF16), H100);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("0 KV heads").doesNotContain("empty dimension in q");
    }
    @Test
    void aHostileKvHeadCountSaturatesInsteadOfWrappingIntoASplitGrid() {
        // 2^62 + 1 KV heads of 4 query tiles: kvHeads * mBlocks is 2^64 + 4, which a long wraps to 4, few enough tiles
        // for the heuristic to split a 64 K cache. The grid really fills the GPU many times over: no split.
        long kvHeads = (1L << 62) + 1;
        AttentionModel.Fa3Split s = AttentionModel.Fa3Split.of(1, 4 * D128.rows(), 1, kvHeads, 65_536, 0, 128, 128,
                false, 132, D128);
        assertThat(s.mBlocks()).isEqualTo(4);
        assertThat(s.staticSplits()).isEqualTo(1);
        assertThat(s.splits()).isEqualTo(1);
        // The same grid with a sane head count is split, so the answer above is the guard's, not the shape's.
        assertThat(AttentionModel.Fa3Split.of(1, 4 * D128.rows(), 1, 1, 65_536, 0, 128, 128, false, 132, D128)
                .staticSplits()).isGreaterThan(1);
        AttentionModel.Problem p = new AttentionModel.Problem(1, 4 * D128.rows(), 65_536, 1, kvHeads, 128, 128, false,
                false, 0, true, DataType.BF16, DataType.BF16);
        Estimate e = AttentionModel.fa3Decode(p, H100);
        assertThat(e.supported()).as(e.reason()).isTrue();
        assertThat(e.seconds()).isPositive().isFinite();
    }

    @Test
    void theSplitOfADirectCallerWithoutKvHeadsIsRejectedWithAReason() {
        assertThatThrownBy(() -> AttentionModel.Fa3Split.of(4, 1, 32, 0, 4096, 0, 128, 128, false, 132, D128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 KV heads");
        assertThat(AttentionModel.Fa3Split.saturatedProduct(Long.MAX_VALUE / 2, 3)).isEqualTo(Long.MAX_VALUE);
        assertThat(AttentionModel.Fa3Split.saturatedProduct(1L << 31, 1L << 31)).isEqualTo(1L << 62);
    }
}
