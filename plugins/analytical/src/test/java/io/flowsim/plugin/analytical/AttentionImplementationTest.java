package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Attention implementations: each is told from its kernel name (or {@code attention.implementation}),
 * and the facts of its source code change the prediction the way the hardware says they should.
 * Kernel names are real names of the libraries (FlashAttention-2/3, PyTorch, cuDNN, vLLM, sglang,
 * FlashInfer); the FlashInfer and cuDNN ones are from the shared FlowSim trace and the demo traces.
 */
class AttentionImplementationTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");
    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");

    private static SimulationRequest named(String name, SimulationRequest r) {
        return new SimulationRequest(name, r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), r.attributes());
    }

    private static SimulationRequest withAttribute(SimulationRequest r, String key, String value) {
        Map<String, String> attrs = new HashMap<>(r.attributes());
        attrs.put(key, value);
        return new SimulationRequest(r.kernelName(), r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), attrs);
    }

    private static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Estimate e = KernelModel.estimate(r, hw);
        assertThat(e.supported()).as(e.reason()).isTrue();
        return e;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "void flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4, false, false, cutlass::bfloat16_t>, false, true, false, false, true, true, false, false>(Flash_fwd_params) | FA2 | false",
        "void flash_fwd_splitkv_kernel<Flash_fwd_kernel_traits<128, 64, 128, 4, false, false, cutlass::half_t>, false, false, false, false, true, false, true, false>(Flash_fwd_params) | FA2 | false",
        "void pytorch_flash::flash_fwd_kernel<pytorch_flash::Flash_fwd_kernel_traits<64, 128, 128, 4, false, false, cutlass::half_t>, true, false, false, false, false, true, false, false>(pytorch_flash::Flash_fwd_params) | FA2 | false",
        "void cutlass::device_kernel<flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<flash::CollectiveMainloopFwdSm90<2, cute::tuple<cute::C<1>, cute::C<1>, cute::C<1> >, cute::tuple<cute::C<128>, cute::C<128>, cute::C<128> >, 128, cutlass::bfloat16_t, float, cutlass::arch::Sm90, true, false, false, true, true, false, false, true, true, false, false>>>>(flash::FlashAttnFwdSm90) | FA3 | true",
        "fmha_cutlassF_f16_aligned_64x64_rf_sm80(PyTorchMemEffAttention::AttentionKernel<cutlass::half_t, cutlass::arch::Sm80, true, 64, 64, 64, true, true>::Params) | SDPA_EFFICIENT | false",
        "cudnn_generated_fort_native_sdpa_sm80_flash_fprop_wmma_f16_knob_35_16x128x128_1x4x1_cga1x1x1_kernel0_0 | CUDNN | false",
        "cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_3_64x128x128_4x1x1_kernel0_0 | CUDNN | true",
        "void vllm::paged_attention_v2_kernel<__nv_bfloat16, __nv_bfloat16, 128, 16, 128, (vllm::Fp8KVCacheDataType)0, false, 512>(float*, float*, __nv_bfloat16*, __nv_bfloat16 const*, __nv_bfloat16 const*, __nv_bfloat16 const*, int, float, int const*, int const*, int, float const*, int, int, int, float const*, float const*, int, int, int) | PAGED | false",
        "_fwd_grouped_kernel_stage1 | TRITON | true",
        "_fwd_kernel | TRITON | true",
        "kernel_unified_attention_2d | TRITON | true",
        "void flashinfer::PrefillWithKVCacheKernel<flashinfer::CollectiveMainloop<RaggedParams::AdditionalParams, flashinfer::AttentionKernelTraits<true, 192, 128, 128, 128, 2, cutlass::bfloat16_t, cutlass::bfloat16_t, cutlass::bfloat16_t, int, flashinfer::StandardAttention>, true>> | FLASHINFER | true",
        "void flashinfer::BatchPrefillWithPagedKVCacheKernel<(flashinfer::MaskMode)1, 128u, 1u, 4u, 8u, 8u, 1u, (flashinfer::PosEncodingMode)0, __nv_bfloat16, __nv_bfloat16, __nv_bfloat16, int>(flashinfer::BatchPrefillPagedParams) | FLASHINFER | false",
        "some_custom_attention_kernel | GENERIC | true",
    })
    void theImplementationAndItsTensorCoreInstructionsComeFromTheKernelName(String name, String implementation,
                                                                           boolean wgmma) {
        AttentionKernel k = AttentionKernel.of(named(name.trim(), Requests.prefill(1, 1024, 32, 8, 128)), 128, H100);
        assertThat(k.implementation()).isEqualTo(AttentionKernel.Implementation.valueOf(implementation));
        assertThat(k.warpgroupMma()).isEqualTo(wgmma);
    }

    @Test
    void theAttributeNamesTheImplementationWhenTheKernelNameCannot() {
        SimulationRequest r = withAttribute(Requests.prefill(1, 1024, 32, 8, 128), "attention.implementation", "triton");
        assertThat(AttentionKernel.of(r, 128, H100).implementation()).isEqualTo(AttentionKernel.Implementation.TRITON);
        SimulationRequest sdpa = withAttribute(Requests.prefill(1, 1024, 32, 8, 128), "attention.implementation",
                "sdpa-flash");
        assertThat(AttentionKernel.of(sdpa, 128, H100).implementation()).isEqualTo(AttentionKernel.Implementation.FA2);
    }

    @Test
    void flashInfersTileComesFromItsTemplateAndSglangsTritonTileFromTheHeadDimension() {
        SimulationRequest fi = named("void flashinfer::PrefillWithKVCacheKernel<flashinfer::CollectiveMainloop<"
                + "RaggedParams::AdditionalParams, flashinfer::AttentionKernelTraits<true, 192, 128, 64, 128, 2, "
                + "cutlass::bfloat16_t>>>", Requests.prefill(1, 1024, 32, 8, 192));
        assertThat(AttentionKernel.of(fi, 192, H100).blockQ()).isEqualTo(64);
        SimulationRequest triton = named("_fwd_kernel", Requests.prefill(1, 1024, 32, 8, 512));
        assertThat(AttentionKernel.of(triton, 512, H100).blockQ()).isEqualTo(32);
        assertThat(AttentionKernel.of(triton, 256, H100).blockQ()).isEqualTo(128);
        assertThat(AttentionKernel.of(triton, 256, A100).blockQ()).isEqualTo(64);
    }

    @Test
    void anSm80KernelOnHopperRunsAtTheMmaSyncShareOfThePeakAndAtFullRateOnAnA100() {
        SimulationRequest big = Requests.prefill(4, 8192, 32, 8, 128);
        SimulationRequest fa2 = named("void flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4>>", big);
        SimulationRequest fa3 = named("flash::FlashAttnFwdSm90<flash::CollectiveMainloopFwdSm90<>>", big);
        double fraction = H100.get(Param.PREFILL_MMA_SYNC_FRACTION);
        assertThat(fraction).isLessThan(1);
        double ratio = estimate(fa2, H100).seconds() / estimate(fa3, H100).seconds();
        // compute-bound: the time scales with 1 / fraction, less the fixed latency both share
        assertThat(ratio).isCloseTo(1 / fraction, within(0.05 / fraction));
        assertThat(A100.get(Param.PREFILL_MMA_SYNC_FRACTION)).isEqualTo(1.0);
        assertThat(estimate(fa2, A100).seconds()).isEqualTo(estimate(fa3, A100).seconds());
    }

    @Test
    void tritonVisitsEveryTileOfASlidingWindowButOnlyComputesTheTilesInsideIt() {
        SimulationRequest full = named("_fwd_kernel", Requests.prefill(1, 16384, 16, 8, 256));
        SimulationRequest windowed = withAttribute(full, "attention.window", "1024");
        double tritonFull = estimate(full, H100).seconds();
        double tritonWindowed = estimate(windowed, H100).seconds();
        assertThat(tritonWindowed).isLessThan(tritonFull);
        // A skipped tile is still visited (its mask built and reduced): free skipping would be faster.
        double[] values = H100.parameters();
        values[Param.TRITON_PREFILL_SKIPPED_TILE_LATENCY.ordinal()] = 0;
        values[Param.TRITON_PREFILL_SKIPPED_TILE_TRAFFIC.ordinal()] = 0;
        assertThat(estimate(windowed, H100.withParameters(values)).seconds()).isLessThan(tritonWindowed);
        assertThat(estimate(full, H100.withParameters(values)).seconds()).isEqualTo(tritonFull);
        // FlashAttention never visits the tiles outside the window.
        SimulationRequest fa3Full = named("flash::FlashAttnFwdSm90", full);
        SimulationRequest fa3Windowed = named("flash::FlashAttnFwdSm90", windowed);
        assertThat(estimate(fa3Windowed, H100).seconds()).isLessThan(estimate(fa3Full, H100).seconds() / 4);
    }

    @ParameterizedTest
    @CsvSource({
        // first key the block's first row can see, tile width, tiles wholly before it
        "-5, 64, 0",
        "0, 64, 0",
        "63, 64, 0",
        "64, 64, 1",
        "1000, 64, 15",
        "1024, 64, 16",
    })
    void aTileIsSkippedWhenItsLastKeyIsBeforeTheFirstVisibleKey(long firstKey, long n, long skipped) {
        assertThat(AttentionModel.tilesBefore(firstKey, n)).isEqualTo(skipped);
    }

    @Test
    void theBlockScheduleIsGreedyDealingInLaunchOrder() {
        java.util.Random random = new java.util.Random(14);
        for (int trial = 0; trial < 200; trial++) {
            int slots = 1 + random.nextInt(20);
            AttentionModel.BlockSchedule schedule = new AttentionModel.BlockSchedule(slots);
            java.util.PriorityQueue<Double> free = new java.util.PriorityQueue<>();
            for (int i = 0; i < slots; i++) {
                free.add(0.0);
            }
            double cost = 0;
            int levels = 1 + random.nextInt(12);
            for (int level = 0; level < levels; level++) {
                cost += random.nextDouble();  // launch order: costs never decrease
                int count = 1 + random.nextInt(3 * slots);
                schedule.deal(count, cost);
                for (int b = 0; b < count; b++) {
                    free.add(free.poll() + cost);
                }
            }
            double makespan = free.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat(schedule.makespan()).isCloseTo(makespan, within(1e-9 * makespan));
        }
    }

    @Test
    void onlyATileTooLargeForTheRegistersSpills() {
        // Hopper: d = 256 runs 128 x 64 tiles with a 128 x 256 fp32 accumulator (128 registers a thread of
        // 256): it spills. d = 512 runs 32 x 64 tiles (a 64-register accumulator): it does not.
        double[] values = H100.parameters();
        values[Param.TRITON_PREFILL_SPILL_BANDWIDTH_GBPS.ordinal()] *= 4;
        HardwareProfile fasterSpills = H100.withParameters(values);
        SimulationRequest spilling = named("_fwd_kernel", Requests.prefill(8, 8192, 16, 8, 256));
        SimulationRequest fitting = named("_fwd_kernel", Requests.prefill(8, 8192, 16, 2, 512));
        assertThat(estimate(spilling, fasterSpills).seconds()).isLessThan(0.9 * estimate(spilling, H100).seconds());
        assertThat(estimate(fitting, fasterSpills).seconds()).isEqualTo(estimate(fitting, H100).seconds());
    }

    @Test
    void tritonMultipliesEightBitTilesAtTheEightBitRateOnlyWhereItEmitsWarpgroupMma() {
        // One block of 16 query rows: its latency alone. The 128-row Hopper tile (d = 256) is a warpgroup MMA, which
        // multiplies fp8 at twice the bf16 rate; the 32-row tile (d = 512) is below wgmma's 64 rows: mma.sync.
        assertThat(AttentionKernel.tritonWarpgroupMma(H100, 128, 8)).isTrue();
        assertThat(AttentionKernel.tritonWarpgroupMma(H100, 32, 8)).isFalse();
        assertThat(AttentionKernel.tritonWarpgroupMma(A100, 128, 8)).isFalse();
        SimulationRequest bf16 = named("_fwd_kernel", Requests.prefill(1, 16, 1, 1, 256));
        SimulationRequest fp8 = named("_fwd_kernel", Requests.prefill(1, 16, 1, 1, 256, DataType.FP8_E4M3));
        double share = H100.get(Param.TRITON_PREFILL_PRODUCT_SHARE);
        double[] values = H100.parameters();
        values[Param.TRITON_PREFILL_PRODUCT_SHARE.ordinal()] = 0;
        HardwareProfile noShare = H100.withParameters(values);
        double tile = 2.0 * 128 * 64 * (256 + 256) / (H100.peakFlops("bf16").getAsDouble() / H100.smCount()
                * H100.get(Param.TRITON_PREFILL_COMPUTE_EFFICIENCY));
        assertThat(estimate(bf16, H100).seconds() - estimate(fp8, H100).seconds())
                .isCloseTo(share / 2 * tile, within(1e-3 * tile));
        // (the block's spill traffic, smaller for fp8's Q and P, adds a trace through the p-norm)
        assertThat(estimate(fp8, noShare).seconds()).isCloseTo(estimate(bf16, noShare).seconds(),
                within(1e-4 * estimate(bf16, noShare).seconds()));
        assertThat(estimate(bf16, noShare).seconds()).isEqualTo(estimate(bf16, H100).seconds());
        SimulationRequest bf16Narrow = named("_fwd_kernel", Requests.prefill(1, 16, 1, 1, 512));
        SimulationRequest fp8Narrow = named("_fwd_kernel", Requests.prefill(1, 16, 1, 1, 512, DataType.FP8_E4M3));
        assertThat(estimate(fp8Narrow, H100).seconds()).isCloseTo(estimate(bf16Narrow, H100).seconds(),
                within(1e-4 * estimate(bf16Narrow, H100).seconds()));
    }

    @Test
    void aSkippedTritonTileSpillsOnlyItsLoopCarriedState() {
        // d = 256 in bf16, 128 x 64 tiles of 256 threads: the accumulator (128 registers a thread) and Q (64) are
        // carried through every iteration, the score tile (32) and P (16) only through a computed one. With 60
        // registers of overhead the carried state fits in 255 (252) and a computed tile's does not (300): skipped
        // tiles then cost nothing beyond their visit, whatever share of a spill they are priced at.
        SimulationRequest windowed = withAttribute(named("_fwd_kernel", Requests.prefill(4, 8192, 16, 8, 256)),
                "attention.window", "1024");
        double[] values = H100.parameters();
        values[Param.TRITON_PREFILL_REGISTER_OVERHEAD.ordinal()] = 60;
        HardwareProfile carriedFits = H100.withParameters(values);
        values[Param.TRITON_PREFILL_SKIPPED_TILE_LATENCY.ordinal()] = 0;
        values[Param.TRITON_PREFILL_SKIPPED_TILE_TRAFFIC.ordinal()] = 0;
        HardwareProfile freeSkips = H100.withParameters(values);
        assertThat(estimate(windowed, carriedFits).seconds()).isEqualTo(estimate(windowed, freeSkips).seconds());
        // With the default overhead the carried state spills too, and skipped tiles cost their share of it.
        double[] defaults = H100.parameters();
        defaults[Param.TRITON_PREFILL_SKIPPED_TILE_LATENCY.ordinal()] = 0;
        defaults[Param.TRITON_PREFILL_SKIPPED_TILE_TRAFFIC.ordinal()] = 0;
        assertThat(estimate(windowed, H100).seconds())
                .isGreaterThan(estimate(windowed, H100.withParameters(defaults)).seconds());
    }

    @Test
    void fewTritonBlocksRunAtTheirOwnLatencyAndTheirSumIsNotSharedOverIdleSms() {
        // One sequence of one head: 8 blocks of 128 rows on 132 SMs. The time is the last (heaviest) block's,
        // so doubling the heads (16 blocks, still one wave) changes nothing.
        SimulationRequest one = named("_fwd_kernel", Requests.prefill(1, 1024, 1, 1, 512));
        SimulationRequest two = named("_fwd_kernel", Requests.prefill(1, 1024, 2, 2, 512));
        assertThat(estimate(two, H100).seconds()).isCloseTo(estimate(one, H100).seconds(),
                within(0.02 * estimate(one, H100).seconds()));
    }

    @Test
    void pagedAttentionMultipliesOnTheCudaCores() {
        // A large GQA group makes the dot products outweigh the cache: the FP32 rate, not the tensor peak, bounds it.
        long batch = 64;
        long kv = 4096;
        long heads = 64;
        long kvHeads = 1;
        long d = 128;
        SimulationRequest r = named("void vllm::paged_attention_v1_kernel<__nv_bfloat16, __nv_bfloat16, 128, 16, 128>",
                Requests.decode(batch, kv, heads, kvHeads, d));
        Estimate paged = estimate(r, H100);
        double flops = 2.0 * batch * heads * kv * (d + d);
        assertThat(paged.seconds()).isGreaterThanOrEqualTo(flops / H100.peakFlops("fp32").getAsDouble());
        assertThat(paged.bound()).isEqualTo("compute");
        Estimate generic = estimate(Requests.decode(batch, kv, heads, kvHeads, d), H100);
        assertThat(paged.seconds()).isGreaterThan(generic.seconds());
        assertThat(paged.model()).isEqualTo("attention-decode-paged");
    }

    @Test
    void aOnePassKernelOverAContiguousCachePaysItsOwnPerWaveCost() {
        // the cuDNN decode kernel of the H200 demo traces: 4 sequences, 32 query heads, 8 KV heads, 1,025 keys
        SimulationRequest base = Requests.decode(4, 1025, 32, 8, 128);
        SimulationRequest cudnn = named("cudnn_generated_fort_native_sdpa_sm80_flash_fprop_wmma_f16_knob_35_16x128x128_"
                + "1x4x1_cga1x1x1_kernel0_0", base);
        HardwareProfile h200 = Profiles.bundled("h200-sxm");
        double[] values = h200.parameters();
        values[Param.CONTIGUOUS_DECODE_CTA_OVERHEAD_US.ordinal()] += 5;
        HardwareProfile slower = h200.withParameters(values);
        assertThat(estimate(cudnn, slower).seconds() - estimate(cudnn, h200).seconds()).isCloseTo(5e-6, within(1e-6));
        assertThat(estimate(base, slower).seconds()).isEqualTo(estimate(base, h200).seconds());
        assertThat(KernelModel.fitGroup(cudnn, estimate(cudnn, h200))).isEqualTo(Param.FitGroup.ATTENTION_DECODE_CONTIGUOUS);
    }

    @Test
    void tritonAndPagedHaveTheirOwnFitGroupOrTheGenericOne() {
        SimulationRequest triton = named("_fwd_grouped_kernel_stage1", Requests.decode(8, 4096, 32, 8, 128));
        Estimate e = estimate(triton, H100);
        assertThat(KernelModel.fitGroup(triton, e)).isEqualTo(Param.FitGroup.ATTENTION_DECODE_TRITON);
        SimulationRequest fa2 = named("flash_fwd_splitkv_kernel<>", Requests.decode(8, 4096, 32, 8, 128));
        assertThat(KernelModel.fitGroup(fa2, estimate(fa2, H100))).isEqualTo(Param.FitGroup.ATTENTION_DECODE);
        SimulationRequest generic = Requests.prefill(1, 1024, 32, 8, 128);
        assertThat(estimate(generic, H100).model()).isEqualTo("attention-prefill");
        assertThat(estimate(named("_fwd_kernel", generic), H100).model()).isEqualTo("attention-prefill-triton");
    }

    @Test
    void tritonComputesInSixteenBitsEvenWithAnEightBitCache() {
        SimulationRequest fp8 = named("_fwd_kernel", Requests.kernel(io.flowsim.api.model.OperationFamily.ATTENTION,
                java.util.List.of(Requests.in("q", DataType.FP8_E4M3, 8192, 16, 128),
                        Requests.in("k", DataType.FP8_E4M3, 8192, 8, 128), Requests.in("v", DataType.FP8_E4M3, 8192, 8, 128)),
                "attention.phase", "prefill", "attention.batch", 1, "attention.q_len", 8192, "attention.kv_len", 8192));
        // An A100 has no FP8 peak: the FA3-style model cannot predict it, Triton (16-bit math) can.
        assertThat(KernelModel.estimate(named("flash::FlashAttnFwdSm90", fp8), A100).supported()).isFalse();
        assertThat(KernelModel.estimate(fp8, A100).supported()).isTrue();
    }

    @Test
    void unevenHeadDimensionsLoseTheShareOfTheirMeanToTheSoftmax() {
        // DeepSeek's non-absorbed prefill (d_qk 192, d_v 128, FlashInfer's 128 x 128 template; two 4,096-token
        // sequences) multiplies as much per (query, key) entry as d_qk = d_v = 160, and its softmax costs the same per
        // entry: the same time. Priced by d_qk alone it would run at the efficiency of 192 and be faster.
        SimulationRequest r = named("void flashinfer::PrefillWithKVCacheKernel<flashinfer::CollectiveMainloop<"
                + "RaggedParams::AdditionalParams, flashinfer::AttentionKernelTraits<true, 192, 128, 128, 128, 2, "
                + "cutlass::bfloat16_t, cutlass::bfloat16_t, cutlass::bfloat16_t, int, flashinfer::StandardAttention>, true>>",
                Requests.prefill(2, 4096, 32, 32, 192));
        AttentionKernel kernel = AttentionKernel.of(r, 192, H100);
        AttentionModel.Problem uneven = new AttentionModel.Problem(2, 4096, 4096, 32, 32, 192, 128, false, true, 0, false,
                DataType.BF16, DataType.BF16);
        AttentionModel.Problem even = new AttentionModel.Problem(2, 4096, 4096, 32, 32, 160, 160, false, true, 0, false,
                DataType.BF16, DataType.BF16);
        double unevenSeconds = AttentionModel.prefill(uneven, H100, kernel).seconds();
        double evenSeconds = AttentionModel.prefill(even, H100, kernel).seconds();
        assertThat(AttentionModel.prefill(uneven, H100, kernel).bound()).isEqualTo("compute");
        assertThat(unevenSeconds).isCloseTo(evenSeconds, within(evenSeconds * 1e-9));
    }
}
