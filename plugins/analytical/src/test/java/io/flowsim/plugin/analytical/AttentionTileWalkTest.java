package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tiled attention computes whole tiles: the causal diagonal and both edges of a sliding window cost full
 * tiles, with the tile sizes of the kernel that runs; and MLA decode over an 8-bit latent cache converts
 * every cached element on the SMs.
 */
class AttentionTileWalkTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");
    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");

    @Test
    void oneByOneTilesComputeExactlyThePairsTheMaskKeeps() {
        // Brute force over every query, for causal, windowed and prefix-cached cases.
        long[][] cases = {{7, 7, 0}, {128, 128, 0}, {64, 1000, 0}, {100, 100, 16}, {50, 300, 40}, {1, 4096, 0}};
        for (long[] c : cases) {
            long q = c[0];
            long kv = c[1];
            long w = c[2];
            double expected = 0;
            for (long i = 0; i < q; i++) {
                long visible = kv - q + i + 1;
                expected += w > 0 ? Math.min(visible, w) : visible;
            }
            AttentionModel.TileWalk walk = AttentionModel.TileWalk.of(q, kv, true, w, new AttentionKernel.Tile(1, 1));
            assertThat(walk.entries()).as("q %d kv %d w %d", q, kv, w).isEqualTo(expected);
        }
        assertThat(AttentionModel.TileWalk.of(10, 20, false, 0, new AttentionKernel.Tile(1, 1)).entries()).isEqualTo(200);
    }

    @Test
    void causalDiagonalTilesAreComputedWhole() {
        // 8 query tiles of a 1,024-token sequence visit 1 + 2 + ... + 8 = 36 key tiles of 128 x 128.
        AttentionModel.TileWalk walk = AttentionModel.TileWalk.of(1024, 1024, true, 0, new AttentionKernel.Tile(128, 128));
        assertThat(walk.entries()).isEqualTo(36 * 128 * 128);
        assertThat(walk.mostKeys()).isEqualTo(1024);
        // Without a mask every tile is full: nothing is wasted.
        assertThat(AttentionModel.TileWalk.of(1024, 1024, false, 0, new AttentionKernel.Tile(128, 128)).entries())
                .isEqualTo(1024 * 1024);
    }

    @Test
    void theTilesTheMaskCrossesAreCountedAsMasked() {
        // Causal, 128 x 128: each of the 8 query tiles has exactly one masked key tile, its diagonal one.
        AttentionModel.TileWalk causal = AttentionModel.TileWalk.of(1024, 1024, true, 0, new AttentionKernel.Tile(128, 128));
        assertThat(causal.maskedEntries()).isEqualTo(8 * 128 * 128);
        assertThat(causal.mostMaskedKeys()).isEqualTo(128);
        // No mask and keys a multiple of the tile: nothing is masked.
        assertThat(AttentionModel.TileWalk.of(1024, 1024, false, 0, new AttentionKernel.Tile(128, 128)).maskedEntries())
                .isZero();
        // 1,000 keys end inside their 8th tile of 128: that tile is masked for every query tile.
        assertThat(AttentionModel.TileWalk.of(256, 1000, false, 0, new AttentionKernel.Tile(128, 128)).maskedEntries())
                .isEqualTo(2 * 128 * 128);
        // A window of 128 keys in 128 x 128 tiles: every visited tile crosses an edge of some row's window
        // (worked by hand: query tile m >= 1 visits key tiles m - 1 and m, both masked).
        AttentionModel.TileWalk windowed = AttentionModel.TileWalk.of(1024, 1024, true, 128, new AttentionKernel.Tile(128, 128));
        assertThat(windowed.maskedEntries()).isEqualTo(windowed.entries()).isEqualTo((1 + 7 * 2) * 128 * 128);
    }

    @Test
    void maskedTilesMatchABruteForceOverEveryEntry() {
        // A visited key tile is masked when some (row, key) entry of it is not visible: past the keys, above the
        // causal diagonal or below a row's window.
        long[][] cases = {{1000, 1000, 1, 0, 128, 128}, {1920, 1920, 1, 128, 192, 128}, {300, 700, 1, 0, 128, 96},
            {256, 1000, 0, 0, 128, 128}, {500, 500, 1, 1000, 64, 160}, {777, 900, 1, 100, 128, 80}, {64, 64, 1, 16, 128, 64}};
        for (long[] c : cases) {
            long q = c[0];
            long kv = c[1];
            boolean causal = c[2] == 1;
            long w = c[3];
            AttentionKernel.Tile tile = new AttentionKernel.Tile((int) c[4], (int) c[5]);
            long offset = kv - q;
            double expected = 0;
            for (long first = 0; first < q; first += tile.rows()) {
                long last = Math.min(q, first + tile.rows()) - 1;
                long hi = causal || w > 0 ? Math.min(kv, offset + last + 1) : kv;
                long lo = w > 0 ? Math.max(0, offset + first - w + 1) : 0;
                for (long j = lo / tile.keys(); j * tile.keys() < hi; j++) {
                    boolean masked = false;
                    for (long i = first; i <= last && !masked; i++) {
                        for (long k = j * tile.keys(); k < (j + 1) * tile.keys() && !masked; k++) {
                            boolean visible = k < kv && (!(causal || w > 0) || k <= offset + i) && (w == 0 || k > offset + i - w);
                            masked = !visible;
                        }
                    }
                    expected += masked ? (last - first + 1) * (double) tile.keys() : 0;
                }
            }
            assertThat(AttentionModel.TileWalk.of(q, kv, causal, w, tile).maskedEntries())
                    .as("q %d kv %d causal %s w %d tile %s", q, kv, causal, w, tile).isEqualTo(expected);
        }
    }

    @Test
    void maskedTilesCostOnlyKernelsThatOverlapTheSoftmaxWithTheProducts() {
        double[] values = H100.parameters();
        values[Param.PREFILL_MASKED_TILE_COST.ordinal()] = 0;
        HardwareProfile free = H100.withParameters(values);
        values[Param.PREFILL_MASKED_TILE_COST.ordinal()] = 1;
        HardwareProfile costly = H100.withParameters(values);
        // FA3 (warpgroup MMA, softmax overlapped): a long causal prefill pays for its diagonal tiles.
        SimulationRequest fa3 = named("flash::FlashAttnFwdSm90", Requests.prefill(4, 8192, 32, 8, 128));
        double fa3Free = AttentionModel.estimate(fa3, free).seconds();
        double fa3Costly = AttentionModel.estimate(fa3, costly).seconds();
        assertThat(fa3Costly / fa3Free).isGreaterThan(1.02);
        // FlashAttention-2 (sm80 mma.sync, no such overlap) is unchanged on the same GPU.
        SimulationRequest fa2 = named("flash_fwd_kernel", Requests.prefill(4, 8192, 32, 8, 128));
        assertThat(AttentionModel.estimate(fa2, costly).seconds()).isEqualTo(AttentionModel.estimate(fa2, free).seconds());
    }

    @Test
    void aSlidingWindowCostsTheKeyTilesAroundBothItsEdges() {
        // A 192 x 160 tile (FA3's 8-bit tile at d = 64). Query tile m covers rows [192m, 192m + 191] and keys
        // [192m - 127, 192m + 191]: 2 or 3 key tiles of 160 (worked by hand: 3 tiles of 320 keys, 7 of 480).
        AttentionModel.TileWalk walk = AttentionModel.TileWalk.of(1920, 1920, true, 128, new AttentionKernel.Tile(192, 160));
        assertThat(walk.entries()).isEqualTo(192.0 * (3 * 320 + 7 * 480));
        assertThat(walk.mostKeys()).isEqualTo(480);
        // 3.5x the (query, key) pairs the window keeps.
        double kept = 128 * 129 / 2.0 + (1920 - 128) * 128.0;
        assertThat(walk.entries() / kept).isGreaterThan(3.4).isLessThan(3.6);
    }

    @ParameterizedTest
    @CsvSource({
        // d_qk, d_v, 8-bit, local, causal, paged KV through cp.async, one MMA warpgroup, rows, keys, softmax overlapped:
        // tile_size_fwd_sm90 of hopper/tile_size.h in sgl-project/sgl-attn at bcf72cc, as sglang builds FA3
        "64, 64, false, true, false, true, false, 192, 192, true",
        "64, 64, false, false, true, true, true, 64, 192, true",
        "128, 128, false, false, true, true, true, 64, 128, true",
        "128, 128, false, false, false, false, true, 64, 176, true",
        "64, 64, true, false, true, true, true, 64, 128, true",
        "128, 128, true, false, true, true, true, 64, 96, true",
        "64, 256, false, false, true, true, true, 128, 96, false",
        "64, 512, false, false, true, true, true, 64, 64, false",
        "64, 64, false, false, true, false, false, 192, 128, true",
        "64, 64, false, true, false, false, false, 192, 192, true",
        "64, 64, false, false, false, false, false, 192, 192, true",
        "64, 64, false, false, false, true, false, 192, 128, true",
        "64, 512, false, false, true, false, false, 64, 64, false",
        "128, 128, false, false, true, false, false, 128, 128, true",
        "128, 128, false, false, false, false, false, 128, 176, true",
        "128, 128, false, false, false, true, false, 128, 128, true",
        "192, 128, false, false, true, false, false, 128, 128, true",
        "192, 192, false, false, true, false, false, 128, 112, true",
        "192, 192, false, false, true, true, false, 128, 96, true",
        "192, 192, false, true, false, false, false, 128, 96, true",
        "256, 256, false, false, true, false, false, 128, 80, true",
        "256, 256, false, true, false, false, false, 128, 64, true",
        "128, 128, true, false, true, false, false, 128, 224, true",
        "128, 128, true, false, true, true, false, 128, 160, true",
        "192, 192, true, true, false, false, false, 128, 160, true",
        "192, 192, true, true, false, true, false, 128, 128, true",
        "256, 256, true, true, false, false, false, 128, 64, true",
        "256, 256, true, false, true, true, false, 128, 128, false",
    })
    void fa3TilesFollowItsTileSizeTable(long d, long dV, boolean eightBit, boolean local, boolean causal, boolean paged,
                                        boolean oneMmaWarpgroup, int rows, int keys, boolean overlap) {
        assertThat(AttentionKernel.sm90Tile(d, dV, eightBit, local, causal, paged, oneMmaWarpgroup))
                .isEqualTo(new AttentionKernel.Tile(rows, keys, overlap));
    }

    @Test
    void theKernelPicksItsTileByGpuImplementationAndWindow() {
        SimulationRequest fa3 = named("flash::FlashAttnFwdSm90", Requests.prefill(1, 1024, 32, 8, 64));
        AttentionKernel k = AttentionKernel.of(fa3, 64, H100);
        // FA3 reads a paged KV cache with cp.async: at d = 192 its causal tile is 128 x 96 (128 x 112 through TMA).
        assertThat(k.tile(H100, 64, 64, false, false, false, true, 4096)).isEqualTo(new AttentionKernel.Tile(192, 128));
        assertThat(k.tile(H100, 192, 192, false, false, false, true, 4096)).isEqualTo(new AttentionKernel.Tile(128, 96));
        assertThat(k.tile(H100, 128, 128, false, true, false, true, 4096)).isEqualTo(new AttentionKernel.Tile(128, 160));
        // A short extend (16 tokens, 4 query heads per KV head: 64 rows) runs sgl-attn's one-warpgroup kernel.
        assertThat(k.tile(H100, 128, 128, false, false, true, true, 64)).isEqualTo(new AttentionKernel.Tile(64, 128));
        assertThat(k.tile(H100, 128, 128, false, false, true, true, 65)).isEqualTo(new AttentionKernel.Tile(128, 128));
        // Absorbed MLA runs as head dimension 64 with a 512-wide value: 64 x 64.
        assertThat(k.tile(H100, 576, 512, true, false, false, true, 4096)).isEqualTo(new AttentionKernel.Tile(64, 64, false));
        // Below Hopper the generic kernel is FlashAttention-2: 128 x 64 at d = 128 on an A100.
        AttentionKernel generic = AttentionKernel.of(Requests.prefill(1, 1024, 32, 8, 128), 128, A100);
        assertThat(generic.tile(A100, 128, 128, false, false, false, true, 4096)).isEqualTo(new AttentionKernel.Tile(128, 64));
        // FlashInfer names its tile in the template: CTA_Q x CTA_KV.
        SimulationRequest fi = named("void flashinfer::PrefillWithKVCacheKernel<flashinfer::CollectiveMainloop<"
                + "RaggedParams::AdditionalParams, flashinfer::AttentionKernelTraits<true, 192, 128, 128, 96, 2, "
                + "cutlass::bfloat16_t, cutlass::bfloat16_t, cutlass::bfloat16_t, int, flashinfer::StandardAttention>, true>>",
                Requests.prefill(1, 1024, 32, 8, 192));
        assertThat(AttentionKernel.of(fi, 192, H100).tile(H100, 192, 128, false, false, false, true, 4096))
                .isEqualTo(new AttentionKernel.Tile(128, 96));
    }

    @Test
    void aWindowedPrefillPaysForTheEdgeTilesOfItsWindow() {
        // With a window of 128 keys and 192 x 160 tiles a long sequence computes about 3.5x the kept pairs:
        // far more than the window's share of the full causal work.
        SimulationRequest full = named("flash::FlashAttnFwdSm90", Requests.prefill(8, 16384, 64, 8, 64));
        SimulationRequest windowed = Requests.kernel(OperationFamily.ATTENTION, full.operands(),
                "attention.phase", "prefill", "attention.batch", 8, "attention.q_len", 16384,
                "attention.kv_len", 16384, "attention.causal", true, "attention.window", 128);
        windowed = named("flash::FlashAttnFwdSm90", windowed);
        double ratio = KernelModel.estimate(windowed, H100).seconds() / KernelModel.estimate(full, H100).seconds();
        double pairsRatio = 128.0 / (16384 / 2.0);
        assertThat(ratio).isGreaterThan(3 * pairsRatio).isLessThan(0.2);
    }

    private static SimulationRequest mlaDecode(long batch, long heads, long kvLen, DataType cache) {
        return Requests.kernel(OperationFamily.ATTENTION, List.of(in("q", DataType.BF16, batch, heads, 576),
                        in("kv_cache", cache, batch * kvLen, 1, 576)),
                "attention.phase", "decode", "attention.kind", "mla", "attention.batch", batch, "attention.q_len", 1,
                "attention.kv_len", kvLen, "attention.head_dim_v", 512);
    }

    @Test
    void mlaDecodeOverAnEightBitLatentConvertsEveryCachedElementOnTheSms() {
        long batch = 64;
        long kvLen = 32768;
        double converted = (double) batch * kvLen * 576;
        double bound = converted / (H100.smCount() * H100.get(Param.DECODE_LATENT_FP8_GELEMENTS_PER_SM) * 1e9);
        Estimate few = KernelModel.estimate(mlaDecode(batch, 4, kvLen, DataType.FP8_E4M3), H100);
        Estimate many = KernelModel.estimate(mlaDecode(batch, 64, kvLen, DataType.FP8_E4M3), H100);
        assertThat(few.seconds()).isGreaterThanOrEqualTo(bound).isLessThan(1.2 * bound);
        // The conversion is per cached element: the query heads do not change it.
        assertThat(many.seconds()).isCloseTo(few.seconds(), within(0.05 * few.seconds()));
        // An 8-bit cache is then slower to read than a 16-bit one, though it moves half the bytes.
        assertThat(few.seconds()).isGreaterThan(2 * KernelModel.estimate(mlaDecode(batch, 4, kvLen, DataType.BF16), H100).seconds());
        // A 16-bit cache does not depend on the conversion rate.
        double[] values = H100.parameters();
        values[Param.DECODE_LATENT_FP8_GELEMENTS_PER_SM.ordinal()] *= 4;
        HardwareProfile faster = H100.withParameters(values);
        assertThat(KernelModel.estimate(mlaDecode(batch, 4, kvLen, DataType.BF16), faster).seconds())
                .isEqualTo(KernelModel.estimate(mlaDecode(batch, 4, kvLen, DataType.BF16), H100).seconds());
        assertThat(KernelModel.estimate(mlaDecode(batch, 4, kvLen, DataType.FP8_E4M3), faster).seconds())
                .isLessThan(0.5 * few.seconds());
    }

    private static SimulationRequest named(String name, SimulationRequest r) {
        return new SimulationRequest(name, r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), r.attributes());
    }
}
