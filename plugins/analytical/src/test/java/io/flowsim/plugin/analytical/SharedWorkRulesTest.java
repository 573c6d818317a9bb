package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.FbgemmTraffic;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.MoePass;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperandRoles;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The analytical model prices the work the API counts ({@link KernelWork}, the efficiency columns) by the rules the
 * two share: which GEMM a fused MoE launch runs, the traffic of PyTorch's vectorized gather and advanced-indexing
 * kernels, of a rotary embedding over its cos/sin cache and of fbgemm_gpu's quantizers and permutes, which operands
 * are a paged KV cache (the first usable one of its names) and how many keys its pages hold, which operands give a ragged batch's sequences, and which
 * kernel names run fp32 GEMMs on TF32 tensor cores. Each case hands one resolved kernel to both sides and compares
 * what they observably do, so the test fails if either side gets its own copy of a rule again and the copies drift.
 * Shapes are those of the FlowSim H200 trace, the demo traces and the HTA sampled training traces.
 */
class SharedWorkRulesTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");

    private static ResolvedKernel resolved(String name, OperationFamily family, String opMapping, List<Operand> operands,
                                           long grid, long block, Object... attributes) {
        KernelRecord.Builder record = KernelRecord.builder(0, name).duration(10_000);
        if (grid > 0) {
            record.launch(new LaunchConfig(new Dim3(grid, 1, 1), new Dim3(block, 1, 1), 0, 0));
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            attrs.put(String.valueOf(attributes[i]), String.valueOf(attributes[i + 1]));
        }
        return new ResolvedKernel(record.build(), family, opMapping, "", "", List.of(), operands,
                new Resolution(ResolutionSource.EXACT_NAME, "test", "#1"), attrs);
    }

    private static Estimate priced(ResolvedKernel k) {
        return KernelModel.estimate(SimulationRequest.of(k), H200);
    }

    /** A small fused MoE layer: 32 tokens x top-2 over 8 experts, w1 [8, 256, 512], w2 [8, 512, 128]. */
    private static ResolvedKernel fusedMoe(long grid, String stage) {
        List<Operand> operands = List.of(in("hidden", DataType.BF16, 32, 512), in("w1", DataType.BF16, 8, 256, 512),
                in("w2", DataType.BF16, 8, 512, 128), in("topk_ids", DataType.INT32, 32, 2));
        return stage == null
                ? resolved("fused_moe_kernel", OperationFamily.MOE, "fused_moe", operands, grid, 128, "moe.top_k", 2)
                : resolved("fused_moe_kernel", OperationFamily.MOE, "fused_moe", operands, grid, 128, "moe.top_k", 2,
                "moe.stage", stage);
    }

    @Test
    void everyGridIsTheSameMoePassForTheWorkCountAndTheModel() {
        // Every grid up to well past the largest a tile explains (16-row tiles: 12 row blocks x 16 column blocks):
        // without moe.stage, the work count takes the grid's pass (or none) and so must the model.
        int[] seen = new int[3];
        for (long grid = 1; grid <= 400; grid++) {
            KernelWork counted = KernelWork.of(fusedMoe(grid, null));
            KernelWork countedGateUp = KernelWork.of(fusedMoe(grid, MoePass.GATE_UP));
            KernelWork countedDown = KernelWork.of(fusedMoe(grid, MoePass.DOWN));
            assertThat(countedGateUp.flops()).isNotEqualTo(countedDown.flops());
            Estimate model = priced(fusedMoe(grid, null));
            if (!counted.known()) {
                assertThat(model.supported()).as("grid %d: no pass counted, none priced", grid).isFalse();
                assertThat(model.reason()).contains("which pass");
                seen[0]++;
                continue;
            }
            String stage = counted.equals(countedGateUp) ? MoePass.GATE_UP : MoePass.DOWN;
            assertThat(counted).isEqualTo(stage.equals(MoePass.GATE_UP) ? countedGateUp : countedDown);
            assertThat(model.supported()).as("grid %d: counted as %s", grid, stage).isTrue();
            // the model told the same pass: the estimate it gives when told that pass (with this launch) outright,
            // and not the other one
            String other = stage.equals(MoePass.GATE_UP) ? MoePass.DOWN : MoePass.GATE_UP;
            assertThat(model.seconds()).as("grid %d priced as %s", grid, stage)
                    .isEqualTo(priced(fusedMoe(grid, stage)).seconds())
                    .isNotEqualTo(priced(fusedMoe(grid, other)).seconds());
            seen[stage.equals(MoePass.GATE_UP) ? 1 : 2]++;
        }
        // the sweep met grids of both passes and grids of neither
        assertThat(seen).as("grids of neither pass, gate_up, down").doesNotContain(0);
    }

    /** The model's time is its access pattern's {@code t0 + bytes / (B * e)} at the bytes the work count counts. */
    private static void assertPricedAtTheCountedBytes(ResolvedKernel k, Param latency, Param efficiency) {
        double t = H200.get(latency) * 1e-6
                + KernelWork.of(k).bytes() / (H200.hbmBytesPerSecond() * H200.get(efficiency));
        assertThat(priced(k).seconds()).isCloseTo(t, within(1e-15));
    }

    @Test
    void theModelPricesTheVectorizedGatherTrafficTheWorkCounts() {
        // the qwen3 demo trace's MoE dispatch: 32,768 slots gather 4,096 rows; the index recorded at the output's shape
        ResolvedKernel k = resolved("void at::native::vectorized_gather_kernel<16, long>(char*, char*, long*, int, long,"
                + " long, long, long, bool)", OperationFamily.COPY, "gather",
                List.of(in("input", DataType.BF16, 4096, 2048), in("index", DataType.INT64, 32768, 2048)), 32768, 256);
        assertThat(KernelWork.of(k).bytes()).isLessThan(32768.0 * 2048 * 8);
        assertPricedAtTheCountedBytes(k, Param.VECTORIZED_FIXED_LATENCY_US, Param.VECTORIZED_MEMORY_EFFICIENCY);
    }

    @Test
    void theModelPricesTheMultiTensorBoundTheWorkCounts() {
        // PyTorch's _foreach_mul_ over a TensorList of unrecorded shapes (the HTA sampled traces): 220 blocks
        ResolvedKernel k = resolved("void at::native::(anonymous namespace)::multi_tensor_apply_kernel<at::native::"
                + "(anonymous namespace)::TensorListMetadata<1>, at::native::(anonymous namespace)::BinaryOpScalarFunctor"
                + "<float, 1, 1, 0>, std::multiplies<float>, float>(...)", OperationFamily.ELEMENTWISE, "_foreach",
                List.of(), 220, 512);
        assertThat(KernelWork.of(k).bytes()).isEqualTo(220 * 65_536.0 * 8);
        assertPricedAtTheCountedBytes(k, Param.VECTORIZED_FIXED_LATENCY_US, Param.VECTORIZED_MEMORY_EFFICIENCY);
    }

    @Test
    void theModelPricesTheRotaryTrafficTheWorkCounts() {
        // DeepSeek's rope over 1,024 positions of its [163840, 64] fp32 cache
        ResolvedKernel k = resolved("void flashinfer::BatchQKApplyRotaryPosIdsCosSinCacheHeadParallelismKernel<true, 64u,"
                + " 8u, 8u, __nv_bfloat16, long>(...)", OperationFamily.ELEMENTWISE, "rotary_embedding",
                List.of(in("q", DataType.BF16, 1024, 32, 64), in("k", DataType.BF16, 1024, 1, 64),
                        in("cos_sin_cache", DataType.FP32, 163840, 64), in("positions", DataType.INT64, 1024)), 0, 0);
        assertThat(KernelWork.of(k).bytes()).isLessThan(163840 * 64 * 4.0);
        assertPricedAtTheCountedBytes(k, Param.ELEMENTWISE_FIXED_LATENCY_US, Param.ELEMENTWISE_MEMORY_EFFICIENCY);
    }

    @Test
    void theModelBoundsAnIndexKernelByTheTrafficTheWorkCounts() {
        // the FlowSim trace's last-token gather x[idx]: [8192, 7168] recorded, 8 rows moved (112 x 128 threads x 4)
        ResolvedKernel k = resolved("void at::native::index_elementwise_kernel<128, 4, at::native::gpu_index_kernel<"
                + "at::native::index_kernel_impl<at::native::OpaqueType<2> >(...)>(...)", OperationFamily.COPY, "index",
                List.of(in("self", DataType.BF16, 8192, 7168)), 112, 128);
        KernelWork counted = KernelWork.of(k);
        assertThat(counted.bytes()).isLessThan(8192.0 * 7168 * 2);
        assertThat(MemoryModel.indexElementwiseTraffic(SimulationRequest.of(k))).isEqualTo(counted.bytes());
    }

    /**
     * FlashInfer's paged MLA decode of 32 queries with a page list of 32,800 pages of one token, its cache pool under
     * {@code name}.
     */
    private static ResolvedKernel pagedDecode(String name, long pool, Object... attributes) {
        List<Operand> operands = List.of(in("q", DataType.BF16, 32, 32, 512), in("q_pe", DataType.BF16, 32, 32, 64),
                in(name, DataType.BF16, pool, 1, 512), out("o", DataType.BF16, 32, 32, 512),
                in(OperandRoles.KV_INDICES, DataType.INT32, 32_800));
        return resolved("BatchMLAPageAttentionHopperKernel", OperationFamily.ATTENTION, "attention", operands, 0, 0,
                attributes);
    }

    @Test
    void everyPagedCacheNameIsThePoolForTheWorkCountAndTheModel() {
        assertThat(OperandRoles.PAGED_CACHES).contains(OperandRoles.KV_CACHE, OperandRoles.KPE_CACHE);
        for (String name : OperandRoles.PAGED_CACHES) {
            // the 29,081,174-token pool of the FlowSim trace and its page list, against the same batch told outright
            ResolvedKernel paged = pagedDecode(name, 29_081_174, "attention.kind", "mla", "attention.causal", "0");
            // a pool of just those pages, and the 32 sequences of 1,025 keys the list holds said outright
            ResolvedKernel told = pagedDecode(name, 32_800, "attention.kind", "mla", "attention.batch", 32,
                    "attention.q_len", 1, "attention.kv_len", 1025, "attention.causal", "0");
            assertThat(KernelWork.of(paged)).as(name).isEqualTo(KernelWork.of(told));
            Estimate model = priced(paged);
            assertThat(model.supported()).as(name + ": " + model.reason()).isTrue();
            assertThat(model.seconds()).as(name).isEqualTo(priced(told).seconds());
        }
    }

    @Test
    void aPagedCacheNameWithoutAShapeOrTypeGivesWayToTheNextForTheWorkCountAndTheModel() {
        // the first cache name present but not usable (no shape, or no element type recorded), the pool under the
        // next one: both sides read the same pool, the one the batch told outright reads
        ResolvedKernel told = pagedDecode("ckv_cache", 32_800, "attention.kind", "mla", "attention.batch", 32,
                "attention.q_len", 1, "attention.kv_len", 1025, "attention.causal", "0");
        for (Operand unusable : List.of(in(OperandRoles.KV_CACHE, DataType.BF16),
                in(OperandRoles.KV_CACHE, DataType.UNKNOWN, 29_081_174, 1, 512))) {
            List<Operand> operands = List.of(in("q", DataType.BF16, 32, 32, 512), in("q_pe", DataType.BF16, 32, 32, 64),
                    unusable, in("ckv_cache", DataType.BF16, 29_081_174, 1, 512), out("o", DataType.BF16, 32, 32, 512),
                    in(OperandRoles.KV_INDICES, DataType.INT32, 32_800));
            ResolvedKernel paged = resolved("BatchMLAPageAttentionHopperKernel", OperationFamily.ATTENTION,
                    "attention", operands, 0, 0, "attention.kind", "mla", "attention.causal", "0");
            assertThat(KernelWork.pagedCache(operands)).as(unusable.toString()).contains(operands.get(3));
            assertThat(KernelWork.of(paged).flops()).as(unusable.toString()).isEqualTo(KernelWork.of(told).flops());
            Estimate model = priced(paged);
            assertThat(model.supported()).as(unusable + ": " + model.reason()).isTrue();
            assertThat(model.seconds()).as(unusable.toString()).isEqualTo(priced(told).seconds());
        }
    }

    @Test
    void theModelPricesTheFbgemmTrafficTheWorkCounts() {
        // the HTA sampled training traces' quantizers and permutes (rank 0), one of each op mapping
        Operand rows = in("input", DataType.FP32, 1_492_704, 256);
        assertPricedAtTheCountedBytes(resolved("void fbgemm_gpu::(anonymous namespace)::"
                        + "_get_FP8_qparam_cuda_kernel<float>(float const*, int, int, unsigned char*, bool)",
                OperationFamily.REDUCTION, FbgemmTraffic.FP8_ROWWISE_QPARAMS, List.of(rows), 0, 0),
                Param.REDUCTION_FIXED_LATENCY_US, Param.REDUCTION_MEMORY_EFFICIENCY);
        assertPricedAtTheCountedBytes(resolved("void fbgemm_gpu::(anonymous namespace)::"
                        + "_compute_FP8_quantize_cuda_kernel<float>(float const*, int, int, unsigned char*, bool)",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_QUANTIZE, List.of(rows), 0, 0),
                Param.ELEMENTWISE_FIXED_LATENCY_US, Param.ELEMENTWISE_MEMORY_EFFICIENCY);
        assertPricedAtTheCountedBytes(resolved("void fbgemm_gpu::(anonymous namespace)::"
                        + "_FP8rowwise_to_float_cuda_kernel<float>(unsigned char const*, int, int, float*, bool)",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE,
                List.of(in("input", DataType.UINT8, 1_638_400, 264)), 0, 0),
                Param.ELEMENTWISE_FIXED_LATENCY_US, Param.ELEMENTWISE_MEMORY_EFFICIENCY);
        assertPricedAtTheCountedBytes(resolved("void at::native::vectorized_elementwise_kernel<4, fbgemm_gpu::"
                        + "_float_to_hfp8_gpu(at::Tensor const&, int, int, double)::{lambda(float)#1}>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.HFP8_QUANTIZE,
                List.of(in("input", DataType.FP32, 419_430_400)), 0, 0),
                Param.VECTORIZED_FIXED_LATENCY_US, Param.VECTORIZED_MEMORY_EFFICIENCY);
        assertPricedAtTheCountedBytes(resolved("void at::native::vectorized_elementwise_kernel<4, fbgemm_gpu::"
                        + "_hfp8_to_float_gpu(at::Tensor const&, int, int)::{lambda(unsigned char)#1}>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.HFP8_DEQUANTIZE,
                List.of(in("input", DataType.UINT8, 419_430_400)), 0, 0),
                Param.VECTORIZED_FIXED_LATENCY_US, Param.VECTORIZED_MEMORY_EFFICIENCY);
        assertPricedAtTheCountedBytes(resolved("void fbgemm_gpu::permute_2D_data_kernel<true, int, int, float>",
                OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_INDICES, List.of(in("permute", DataType.INT32, 1280),
                        in("lengths", DataType.INT32, 1280, 2048), in("indices", DataType.INT32, 38_965_632),
                        in("weights", DataType.FP32, 38_965_632)), 0, 0),
                Param.COPY_FIXED_LATENCY_US, Param.COPY_MEMORY_EFFICIENCY);
        assertPricedAtTheCountedBytes(resolved("void fbgemm_gpu::permute_2D_lengths_kernel<int>(int, int, int const*,"
                        + " int const*, int*)", OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_LENGTHS,
                List.of(in("permute", DataType.INT32, 1390), in("lengths", DataType.INT32, 1334, 2048)), 0, 0),
                Param.COPY_FIXED_LATENCY_US, Param.COPY_MEMORY_EFFICIENCY);

        // a permute that repeats features: neither side counts nor prices it, for the same reason
        ResolvedKernel repeating = resolved("void fbgemm_gpu::permute_2D_data_kernel<false, int, int,"
                        + " decltype(nullptr)>", OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_INDICES,
                List.of(in("permute", DataType.INT32, 1390), in("lengths", DataType.INT32, 1334, 2048),
                        in("indices", DataType.INT32, 64_274_609)), 0, 0);
        assertThat(KernelWork.of(repeating).known()).isFalse();
        assertThat(priced(repeating).supported()).isFalse();
        assertThat(priced(repeating).reason()).isEqualTo(FbgemmTraffic.of(repeating.opMapping(),
                repeating.kernel().name(), repeating.operands()).orElseThrow().problem());
    }

    /** FlashInfer's paged decode of 32 queries over the pages of a {@code [pages, page_size, 512]} cache. */
    private static ResolvedKernel pagedDecode(long pool, long pageSize, Operand pages, Object... attributes) {
        return resolved("BatchMLAPageAttentionHopperKernel", OperationFamily.ATTENTION, "attention",
                List.of(in("q", DataType.BF16, 32, 32, 512), in("q_pe", DataType.BF16, 32, 32, 64),
                        in(OperandRoles.KV_CACHE, DataType.BF16, pool, pageSize, 512),
                        out("o", DataType.BF16, 32, 32, 512), pages), 0, 0, attributes);
    }

    @Test
    void thePagesOfAPagedCacheHoldTheSameKeysForTheWorkCountAndTheModel() {
        // 2,050 pages of 16 tokens for 32 sequences: 1,025 keys each, as if told outright; then a page list whose
        // element type the trace did not record, which still lists the pages
        for (Operand pages : List.of(in(OperandRoles.KV_INDICES, DataType.INT32, 2050),
                in(OperandRoles.KV_INDICES, DataType.UNKNOWN, 2050))) {
            ResolvedKernel paged = pagedDecode(1_817_574, 16, pages, "attention.kind", "mla", "attention.causal", "0");
            ResolvedKernel told = pagedDecode(2050, 16, pages, "attention.kind", "mla", "attention.batch", 32,
                    "attention.q_len", 1, "attention.kv_len", 1025, "attention.causal", "0");
            assertThat(KernelWork.of(paged).known()).as(pages.toString()).isTrue();
            assertThat(KernelWork.of(paged).flops()).as(pages.toString()).isEqualTo(KernelWork.of(told).flops());
            Estimate model = priced(paged);
            assertThat(model.supported()).as(pages + ": " + model.reason()).isTrue();
            assertThat(model.seconds()).as(pages.toString()).isEqualTo(priced(told).seconds());
        }
    }

    /** FlashInfer's ragged causal prefill of 8 sequences of 1,024 tokens, its offsets as {@code offsets}. */
    private static ResolvedKernel raggedPrefill(List<Operand> offsets, Object... attributes) {
        List<Operand> operands = new java.util.ArrayList<>(List.of(in("q", DataType.BF16, 8192, 32, 128),
                in("k", DataType.BF16, 8192, 8, 128), in("v", DataType.BF16, 8192, 8, 128),
                out("o", DataType.BF16, 8192, 32, 128)));
        operands.addAll(offsets);
        return resolved("BatchPrefillWithRaggedKVCacheKernel", OperationFamily.ATTENTION, "attention", operands, 0, 0,
                attributes);
    }

    @Test
    void everyOffsetsNameGivesTheSameSequencesToTheWorkCountAndTheModel() {
        ResolvedKernel told = raggedPrefill(List.of(), "attention.causal", "1", "attention.batch", 8);
        List<List<Operand>> cases = new java.util.ArrayList<>();
        for (String name : OperandRoles.BATCH_OFFSETS) {
            cases.add(List.of(in(name, DataType.INT32, 9)));
        }
        // a first name present but no [batch + 1] vector: the next one that is tells
        cases.add(List.of(in(OperandRoles.BATCH_OFFSETS.get(0), DataType.INT32, 1),
                in(OperandRoles.BATCH_OFFSETS.get(2), DataType.INT32, 9)));
        for (List<Operand> offsets : cases) {
            ResolvedKernel ragged = raggedPrefill(offsets, "attention.causal", "1");
            // the same scores (the offsets' own bytes aside)
            assertThat(KernelWork.of(ragged).known()).as(offsets.toString()).isTrue();
            assertThat(KernelWork.of(ragged).flops()).as(offsets.toString()).isEqualTo(KernelWork.of(told).flops());
            Estimate model = priced(ragged);
            assertThat(model.supported()).as(offsets + ": " + model.reason()).isTrue();
            assertThat(model.seconds()).as(offsets.toString()).isEqualTo(priced(told).seconds());
        }
    }

    @Test
    void theWorkCountAndTheModelComputeTheSameFp32GemmsInTf32() {
        List<Operand> fp32 = List.of(in("A", DataType.FP32, 1024, 512), in("B", DataType.FP32, 512, 256));
        int tf32 = 0;
        for (String name : List.of("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x128_16x5_tn_align4>(...)",
                "cutlass_80_tensorop_s16816gemm_64x64_32x6_nn_align4",
                "sm80_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x16",
                "cutlass_80_tensorop_s1688fprop_optimized_64x64_16x10_nhwc_align4",
                "cutlass_80_tensorop_s16816wgrad_analytic_128x128_32x3_nhwc", "ampere_sgemm_32x128_nn",
                "gemm_kernel(tf32_params)", "nvjet_tst_64x8_64x16_4x1_v_bz_splitK_TNT")) {
            boolean counted = KernelWork.of(resolved(name, OperationFamily.GEMM, "matmul", fp32, 0, 0)).computeType()
                    == DataType.TF32;
            assertThat(GemmKernelName.of(name).mode() == GemmKernelName.MathMode.TF32).as(name).isEqualTo(counted);
            tf32 += counted ? 1 : 0;
        }
        assertThat(tf32).isEqualTo(5);
    }
}
