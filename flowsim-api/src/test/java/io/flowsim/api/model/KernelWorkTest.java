package io.flowsim.api.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KernelWorkTest {

    private static ResolvedKernel kernel(OperationFamily family, List<Operand> operands, Map<String, String> attributes) {
        KernelRecord r = KernelRecord.builder(0, "k").duration(10_000).build();
        return new ResolvedKernel(r, family, "", "", "", List.of(), operands,
                new Resolution(ResolutionSource.EXACT_NAME, "test", "#1"), attributes);
    }

    private static Operand in(String name, DataType type, long... shape) {
        return new Operand(name, Direction.INPUT, java.util.Arrays.stream(shape).boxed().toList(), type, "");
    }

    private static Operand out(String name, DataType type, long... shape) {
        return new Operand(name, Direction.OUTPUT, java.util.Arrays.stream(shape).boxed().toList(), type, "");
    }

    @Test
    void gemmCountsTwoFlopsPerMultiplyAddAndItsThreeMatrices() {
        KernelWork w = KernelWork.of(kernel(OperationFamily.GEMM,
                List.of(in("A", DataType.BF16, 64, 128), in("B", DataType.BF16, 128, 256)), Map.of()));
        assertThat(w.known()).isTrue();
        assertThat(w.flops()).isEqualTo(2.0 * 64 * 128 * 256);
        // C is not recorded: [64, 256] in A's type
        assertThat(w.bytes()).isEqualTo(2.0 * (64 * 128 + 128 * 256 + 64 * 256));
        assertThat(w.computeType()).isEqualTo(DataType.BF16);
        assertThat(w.network()).isFalse();
    }

    @Test
    void fp32GemmOnTf32TensorCoresComputesInTf32() {
        List<Operand> operands = List.of(in("A", DataType.FP32, 64, 128), in("B", DataType.FP32, 128, 256));
        assertThat(KernelWork.of(named("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4>"
                + "(cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4::Params)", operands)).computeType())
                .isEqualTo(DataType.TF32);
        assertThat(KernelWork.of(named("sm80_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x16", operands))
                .computeType()).isEqualTo(DataType.TF32);
        // SIMT sgemm and unnamed fp32 GEMMs stay fp32; a tf32 in the arguments does not count
        assertThat(KernelWork.of(named("ampere_sgemm_32x128_nn", operands)).computeType()).isEqualTo(DataType.FP32);
        assertThat(KernelWork.of(named("gemm_kernel(tf32_params)", operands)).computeType()).isEqualTo(DataType.FP32);
        // 16-bit operands keep their type whatever the name says
        assertThat(KernelWork.of(named("tf32_lookalike", List.of(in("A", DataType.BF16, 64, 128),
                in("B", DataType.BF16, 128, 256)))).computeType()).isEqualTo(DataType.BF16);
    }

    @Test
    void aSplitKReductionCountsItsPartialSumsAndOutputNotTheGemmsWork() {
        // cuBLAS launches the reduction under the same aten::mm, so it is resolved with the GEMM's operands
        List<Operand> operands = List.of(in("A", DataType.BF16, 8, 4096), in("B", DataType.BF16, 4096, 14336),
                out("C", DataType.BF16, 8, 14336));
        KernelWork gemm = KernelWork.of(named("nvjet_sm90_tst_128x8_64x12_2x1_v_bz_TNT", operands));
        KernelWork reduce = KernelWork.of(named("void cublasLt::splitKreduce_kernel<32, 16, int, float, "
                + "__nv_bfloat16, float, __nv_bfloat16, true, false, false>(cublasLt::cublasSplitKParams<float>, "
                + "float const*, __nv_bfloat16 const*, __nv_bfloat16*)", operands));
        assertThat(gemm.flops()).isEqualTo(2.0 * 8 * 4096 * 14336);
        assertThat(reduce.known()).isTrue();
        assertThat(reduce.flops()).isEqualTo(8.0 * 14336);
        assertThat(reduce.bytes()).isEqualTo(8.0 * 14336 * (4 + 4 + 2));
        assertThat(reduce.computeType()).isEqualTo(DataType.FP32);
        // a GEMM whose arguments merely mention a reduction keeps the GEMM's work
        assertThat(KernelWork.of(named("gemm_kernel(splitKreduce_params)", operands)).flops())
                .isEqualTo(gemm.flops());
    }

    private static ResolvedKernel named(String name, List<Operand> operands) {
        KernelRecord r = KernelRecord.builder(0, name).duration(10_000).build();
        return new ResolvedKernel(r, OperationFamily.GEMM, "", "", "", List.of(), operands,
                new Resolution(ResolutionSource.EXACT_NAME, "test", "#1"), Map.of());
    }

    @Test
    void memoryTrafficIsTheBytesOfABandwidthBoundKernelAndEmptyWithoutShapes() {
        List<Operand> copy = List.of(in("src", DataType.BF16, 1024, 64), out("dst", DataType.BF16, 1024, 64));
        // a copy moves what it writes, read once and written once
        assertThat(KernelWork.memoryTraffic(OperationFamily.COPY, copy)).hasValue(2.0 * 2 * 1024 * 64);
        assertThat(KernelWork.memoryTraffic(OperationFamily.COPY, copy).getAsDouble())
                .isEqualTo(KernelWork.of(kernel(OperationFamily.COPY, copy, Map.of())).bytes());
        assertThat(KernelWork.memoryTraffic(OperationFamily.ELEMENTWISE,
                List.of(new Operand("x", Direction.INPUT, List.of(), DataType.BF16, "")))).isEmpty();
    }

    @Test
    void batchedGemmMultipliesByTheBatch() {
        KernelWork w = KernelWork.of(kernel(OperationFamily.BMM,
                List.of(in("A", DataType.FP16, 8, 64, 128), in("B", DataType.FP16, 8, 128, 32)), Map.of()));
        assertThat(w.flops()).isEqualTo(2.0 * 8 * 64 * 128 * 32);
    }

    @Test
    void decodeAttentionReadsTheCacheOncePerQueryToken() {
        KernelWork w = KernelWork.of(kernel(OperationFamily.ATTENTION,
                List.of(in("q", DataType.BF16, 4, 32, 128), in("k", DataType.BF16, 4100, 8, 128),
                        in("v", DataType.BF16, 4100, 8, 128)),
                Map.of("attention.batch", "4", "attention.q_len", "1", "attention.kv_len", "1025")));
        // QK^T and PV: 2 * heads * tokens * kv_len * (d + d_v)
        assertThat(w.flops()).isEqualTo(2.0 * 32 * 4 * 1025 * 256);
        assertThat(w.bytes()).isEqualTo(2.0 * (4 * 32 * 128 + 2 * 4100 * 8 * 128 + 4 * 32 * 128));
    }

    @Test
    void causalPrefillCountsHalfTheScores() {
        ResolvedKernel k = kernel(OperationFamily.ATTENTION, List.of(in("q", DataType.BF16, 1024, 32, 128),
                in("k", DataType.BF16, 1024, 8, 128)), Map.of("attention.causal", "true"));
        assertThat(KernelWork.of(k).flops()).isEqualTo(2.0 * 32 * 1024 * 1024 * 256 / 2);
    }

    /** FlashInfer's paged MLA run as the FlowSim H200 trace records it: the pool of 29,081,174 one-token pages. */
    private static List<Operand> pagedMla(long queries, long pages) {
        return List.of(in("q", DataType.BF16, queries, 32, 512), in("q_pe", DataType.BF16, queries, 32, 64),
                in("kv_cache", DataType.BF16, 29_081_174, 1, 512), in("kpe_cache", DataType.BF16, 29_081_174, 1, 64),
                in("kv_indices", DataType.INT32, pages), out("o", DataType.BF16, queries, 32, 512));
    }

    @Test
    void pagedMlaDecodeCountsThePagesOfItsBatchNotThePool() {
        // 32 sequences of 1,025 cached tokens: 32,800 pages of one token (mask_mode 0: no causal mask)
        KernelWork w = KernelWork.of(kernel(OperationFamily.ATTENTION, pagedMla(32, 32_800),
                Map.of("attention.kind", "mla", "attention.causal", "0")));
        assertThat(w.known()).isTrue();
        // one query per sequence, each over its 1,025 keys: 2 * heads * 32 * 1025 * (512 + 64 + 512)
        assertThat(w.flops()).isEqualTo(2.0 * 32 * 32 * 1025 * (512 + 64 + 512));
        // q, q_pe, o; the 32,800 pages of both caches (1,024 + 128 bytes each) and their indices
        assertThat(w.bytes()).isEqualTo(2.0 * 32 * 32 * (512 + 64 + 512) + 32_800.0 * (1024 + 128) + 32_800.0 * 4);
        // the batch told: four queries per sequence over the same pages
        KernelWork told = KernelWork.of(kernel(OperationFamily.ATTENTION, pagedMla(32, 32_800),
                Map.of("attention.causal", "false", "attention.batch", "8")));
        assertThat(told.flops()).isEqualTo(2.0 * 32 * 32 * (32_800 / 8.0) * (512 + 64 + 512));
    }

    @Test
    void aPagedCacheWithoutItsPagesOrItsSplitIsUnknownWorkNotThePool() {
        // causal (mask_mode 1, an extend): 6,145 queries over 7,168 keys in an unrecorded number of sequences
        assertThat(KernelWork.of(kernel(OperationFamily.ATTENTION, pagedMla(6145, 7168),
                Map.of("attention.causal", "1"))).known()).isFalse();
        // no mask recorded: unknown too
        assertThat(KernelWork.of(kernel(OperationFamily.ATTENTION, pagedMla(32, 32_800), Map.of())).known()).isFalse();
        // no page list: the 33.5 GB pool is not what it reads
        List<Operand> noPages = pagedMla(32, 32_800).stream().filter(o -> !o.name().equals("kv_indices")).toList();
        assertThat(KernelWork.of(kernel(OperationFamily.ATTENTION, noPages, Map.of("attention.causal", "0"))).known())
                .isFalse();
        // a cached length told keeps the operands' count
        assertThat(KernelWork.of(kernel(OperationFamily.ATTENTION, noPages,
                Map.of("attention.batch", "32", "attention.kv_len", "1025"))).flops())
                .isEqualTo(2.0 * 32 * 32 * 1025 * (512 + 64 + 512));
    }

    @Test
    void aRaggedCausalPrefillCountsItsSequencesFromTheOffsets() {
        // FlashInfer's ragged prefill: 8 sequences of 1,024 tokens, qo_indptr [9], mask_mode 1 (causal)
        List<Operand> operands = List.of(in("q", DataType.BF16, 8192, 32, 192), in("k", DataType.BF16, 8192, 32, 192),
                in("v", DataType.BF16, 8192, 32, 128), in("qo_indptr", DataType.INT32, 9),
                in("kv_indptr", DataType.INT32, 9), out("o", DataType.BF16, 8192, 32, 128));
        KernelWork w = KernelWork.of(kernel(OperationFamily.ATTENTION, operands,
                Map.of("attention.causal", "1", "attention.head_dim_v", "128")));
        assertThat(w.flops()).isEqualTo(2.0 * 32 * 8192 * 1024 * (192 + 128) / 2);
    }

    @Test
    void aMoeTopKSumReadsTheExpertOutputsNotTheWeights() {
        List<Operand> operands = List.of(in("hidden", DataType.BF16, 8192, 7168), in("w1", DataType.BF16, 257, 1024, 7168),
                in("w2", DataType.BF16, 257, 7168, 512), in("topk_weights", DataType.FP32, 8192, 9),
                in("topk_ids", DataType.INT32, 8192, 9));
        KernelWork w = KernelWork.of(kernel(OperationFamily.MOE, operands, Map.of("moe.stage", "reduce")));
        assertThat(w.flops()).isEqualTo(8192.0 * 7168 * 9);
        assertThat(w.bytes()).isEqualTo(8192.0 * 7168 * (9 + 1) * 2);
        assertThat(KernelWork.of(kernel(OperationFamily.MOE, operands.subList(0, 3), Map.of("moe.stage", "reduce")))
                .known()).isFalse();
    }

    private static ResolvedKernel launched(String name, OperationFamily family, List<Operand> operands, long grid,
                                           long block, Map<String, String> attributes) {
        KernelRecord r = KernelRecord.builder(0, name).duration(10_000)
                .launch(new LaunchConfig(new Dim3(grid, 1, 1), new Dim3(block, 1, 1), 0, 0)).build();
        return new ResolvedKernel(r, family, "", "", "", List.of(), operands,
                new Resolution(ResolutionSource.EXACT_NAME, "test", "#1"), attributes);
    }

    /** sglang's fused MoE layer as the FlowSim H200 trace records it (DeepSeek at TP4): both GEMMs' weights. */
    private static List<Operand> fusedMoe(long tokens) {
        return List.of(in("hidden", DataType.BF16, tokens, 7168), in("w1", DataType.BF16, 257, 1024, 7168),
                in("w2", DataType.BF16, 257, 7168, 512), in("topk_weights", DataType.FP32, tokens, 9),
                in("topk_ids", DataType.INT32, tokens, 9));
    }

    @Test
    void eachLaunchOfTheFusedMoeKernelIsOneOfTheLayersTwoGemmsToldByItsGrid() {
        // 32 tokens x 9 slots; BLOCK_M 16, BLOCK_N 32: ceil((288 + 257 * 15) / 16) = 259 row tiles, times
        // 1024 / 32 = 32 column tiles for gate_up, 7168 / 32 = 224 for down (the trace's grids 8,288 and 58,016)
        KernelWork gateUp = KernelWork.of(launched("fused_moe_kernel", OperationFamily.MOE, fusedMoe(32), 8288, 128,
                Map.of()));
        KernelWork down = KernelWork.of(launched("fused_moe_kernel", OperationFamily.MOE, fusedMoe(32), 58_016, 128,
                Map.of()));
        // 288 slots reach 257 * (1 - (256/257)^288) = 173 experts on average under uniform routing
        assertThat(gateUp.flops()).isEqualTo(2.0 * 288 * 1024 * 7168);
        assertThat(gateUp.bytes()).isEqualTo(173.0 * 1024 * 7168 * 2 + 288.0 * (7168 + 1024) * 2);
        assertThat(down.flops()).isEqualTo(2.0 * 288 * 7168 * 512);
        assertThat(down.bytes()).isEqualTo(173.0 * 7168 * 512 * 2 + 288.0 * (512 + 7168) * 2);
        // a grid neither pass explains: one of the two, not both
        assertThat(KernelWork.of(launched("fused_moe_kernel", OperationFamily.MOE, fusedMoe(32), 1000, 128, Map.of()))
                .known()).isFalse();
        // a stage told wins; no launch and no stage is the whole layer
        assertThat(KernelWork.of(launched("fused_moe_kernel", OperationFamily.MOE, fusedMoe(32), 1000, 128,
                Map.of("moe.stage", "down")))).isEqualTo(down);
        KernelWork layer = KernelWork.of(kernel(OperationFamily.MOE, fusedMoe(32), Map.of()));
        assertThat(layer.flops()).isEqualTo(gateUp.flops() + down.flops());
        assertThat(layer.bytes()).isEqualTo(gateUp.bytes() + down.bytes());
        // 1,024 tokens: 9,216 slots reach every expert; balanced routing reaches as many as there are slots
        assertThat(KernelWork.of(launched("fused_moe_kernel", OperationFamily.MOE, fusedMoe(1024), 44_464, 128,
                Map.of())).bytes()).isEqualTo(257.0 * 7168 * 512 * 2 + 9216.0 * (512 + 7168) * 2);
        assertThat(KernelWork.of(kernel(OperationFamily.MOE, fusedMoe(16),
                Map.of("moe.stage", "gate_up", "moe.distribution", "balanced"))).bytes())
                .isEqualTo(144.0 * 1024 * 7168 * 2 + 144.0 * (7168 + 1024) * 2);
    }

    @Test
    void anIndexKernelWithOnlyItsIndexedTensorMovesWhatItsLaunchCoversNotTheTensor() {
        // x[idx] with TensorList indices (sglang's last-token gather): the trace records x [8192, 7168] and no index;
        // index_elementwise_kernel<128, 4> covers 112 blocks x 128 threads x 4 elements = 8 rows of 7,168
        List<Operand> operands = List.of(in("self", DataType.BF16, 8192, 7168));
        String name = "void at::native::index_elementwise_kernel<128, 4, at::native::gpu_index_kernel<"
                + "at::native::index_kernel_impl<at::native::OpaqueType<2> >(at::TensorIteratorBase&, "
                + "c10::ArrayRef<long>, c10::ArrayRef<long>)::{lambda(char*, char const*, long)#1}>(...)";
        KernelWork w = KernelWork.of(launched(name, OperationFamily.COPY, operands, 112, 128, Map.of()));
        assertThat(w.known()).isTrue();
        assertThat(w.bytes()).isEqualTo(2.0 * 8 * 7168 * 2);
        // without the launch how many rows it moves is not told
        assertThat(KernelWork.of(new ResolvedKernel(KernelRecord.builder(0, name).duration(10_000).build(),
                OperationFamily.COPY, "", "", "", List.of(), operands,
                new Resolution(ResolutionSource.EXACT_NAME, "test", "#1"), Map.of())).known()).isFalse();
        // an index_put_ whose values are fewer than its launch covers keeps the values' count
        List<Operand> put = List.of(new Operand("output", Direction.INPUT_OUTPUT, List.of(4096L, 163_844L),
                DataType.INT32, ""), in("values", DataType.INT32, 32));
        assertThat(KernelWork.of(launched(name, OperationFamily.COPY, put, 1, 128, Map.of())).bytes())
                .isEqualTo(2.0 * 32 * 4);
    }

    @Test
    void aVectorizedGatherReadsOneIndexPerRowNotTheIndexAtTheOutputsShape() {
        // torch.gather(logits-like [128256, 4096], 0, idx[:, None].expand(4096, 4096)): the trace records the index
        // expanded to the output's shape; the kernel writes 4,096 rows, reads as many table rows and 4,096 indices
        List<Operand> operands = List.of(in("input", DataType.BF16, 128_256, 4096), in("index", DataType.INT64, 4096, 4096));
        KernelWork w = KernelWork.of(launched("void at::native::vectorized_gather_kernel<16, long>(char*, char*, long*, "
                + "int, long, long, long, long, bool)", OperationFamily.COPY, operands, 4096, 128, Map.of()));
        assertThat(w.bytes()).isEqualTo(2.0 * 4096 * 4096 * 2 + 4096 * 8);
        // a table smaller than the output is read at most once
        List<Operand> small = List.of(in("input", DataType.BF16, 4096, 2048), in("index", DataType.INT64, 32_768, 2048));
        assertThat(KernelWork.of(launched("vectorized_gather_kernel<16, long>", OperationFamily.COPY, small, 32_768, 128,
                Map.of())).bytes()).isEqualTo(32_768.0 * 2048 * 2 + 4096.0 * 2048 * 2 + 32_768 * 8);
    }

    @Test
    void aRotaryOverTheWholeCosSinCacheReadsOnlyItsPositionsRows() {
        // sgl-kernel's apply_rope_pos_ids_cos_sin_cache as the FlowSim trace records it: the 42 MB DeepSeek cache
        List<Operand> operands = List.of(in("q", DataType.BF16, 1024, 32, 64), in("k", DataType.BF16, 1024, 1, 64),
                in("cos_sin_cache", DataType.FP32, 163_840, 64), in("positions", DataType.INT64, 1024));
        KernelWork w = KernelWork.of(kernel(OperationFamily.ELEMENTWISE, operands, Map.of()));
        assertThat(w.bytes()).isEqualTo(2.0 * 2 * (1024 * 32 * 64 + 1024 * 64) + 1024 * 8 + 1024 * 64 * 4);
        assertThat(w.flops()).isEqualTo(1024.0 * 33 * 64);
        assertThat(w.computeType()).isEqualTo(DataType.BF16);
    }

    @Test
    void theRulesBackendsShareCountNothingWhenTheOperandsDoNotTell() {
        // the public rules the analytical backend prices by: empty, not zero, when an operand lacks a shape or a type
        assertThat(KernelWork.vectorizedGatherTraffic(List.of(in("input", DataType.BF16, 4096, 2048),
                in("index", DataType.UNKNOWN, 32_768, 2048)))).isEmpty();
        assertThat(KernelWork.vectorizedGatherTraffic(List.of(in("index", DataType.INT64, 32_768, 2048)))).isEmpty();
        assertThat(KernelWork.rotaryTraffic(List.of(in("q", DataType.BF16, 1024, 32, 64),
                in("k", DataType.BF16, 1024, 1, 64)))).isEmpty();
        assertThat(KernelWork.rotaryTraffic(List.of(in("q", DataType.BF16, 1024, 32, 64),
                in("cos_sin_cache", DataType.UNKNOWN, 163_840, 64)))).isEmpty();
        List<Operand> indexed = List.of(in("self", DataType.BF16, 8192, 7168));
        assertThat(KernelWork.indexElementwiseTraffic(indexed, 0, 4)).isEmpty();
        assertThat(KernelWork.indexElementwiseTraffic(List.of(in("self", DataType.UNKNOWN, 8192, 7168)), 14_336, 4))
                .isEmpty();
        assertThat(KernelWork.indexElementwiseTraffic(indexed, 14_336, 4)).hasValue(2.0 * 14_336 * 4 * 2);
        // vt is the template's second argument, 4 when the name does not give it
        assertThat(KernelWork.indexElementsPerThread("void at::native::index_elementwise_kernel<128, 8, "
                + "at::native::gpu_index_kernel<...>(...)")).isEqualTo(8);
        assertThat(KernelWork.indexElementsPerThread("index_elementwise_kernel")).isEqualTo(4);
        assertThat(KernelWork.indexElementwiseKernel("index_elementwise_kernel")).isFalse();
        assertThat(KernelWork.vectorizedGatherKernel("void at::native::vectorized_gather_kernel<16, long>(...)"))
                .isTrue();
    }

    @Test
    void thePagedKeysRaggedBatchAndTf32RulesTellOnlyWhatTheOperandsAndNamesSay() {
        // 32,800 pages of one token; a page of 16 tokens gives 16 times the keys
        Operand pool = in("kv_cache", DataType.BF16, 29_081_174, 1, 512);
        Operand pages = in("kv_indices", DataType.INT32, 32_800);
        assertThat(KernelWork.pagedKeys(pool, List.of(pool, pages))).hasValue(32_800);
        assertThat(KernelWork.pagedKeys(in("kv_cache", DataType.BF16, 100, 16, 512), List.of(pages)))
                .hasValue(32_800 * 16);
        // no page list, a page list of another rank, a cache whose layout does not tell its page size
        assertThat(KernelWork.pagedKeys(pool, List.of(pool))).isEmpty();
        assertThat(KernelWork.pagedKeys(pool, List.of(in("kv_indices", DataType.INT32, 32, 1025)))).isEmpty();
        assertThat(KernelWork.pagedKeys(in("kv_cache", DataType.BF16, 100, 16, 1, 512), List.of(pages))).isEmpty();
        assertThat(KernelWork.pagedKeys(in("kv_cache", DataType.BF16, 2, 1L << 40, 1), List.of(
                in("kv_indices", DataType.INT32, 1L << 40)))).hasValue(Long.MAX_VALUE);

        // the first offsets operand that is a [batch + 1] vector tells the batch
        assertThat(KernelWork.raggedBatch(List.of(in("cu_seqlens_q", DataType.INT32, 9)))).hasValue(8);
        assertThat(KernelWork.raggedBatch(List.of(in("kv_indptr", DataType.INT32, 33),
                in("qo_indptr", DataType.INT32, 9)))).hasValue(8);
        assertThat(KernelWork.raggedBatch(List.of(in("qo_indptr", DataType.INT32, 1),
                in("cu_seqlens", DataType.INT32, 5)))).hasValue(4);
        assertThat(KernelWork.raggedBatch(List.of(in("qo_indptr", DataType.INT32, 1)))).isEmpty();
        assertThat(KernelWork.raggedBatch(List.of(in("seq_lens", DataType.INT32, 9)))).isEmpty();
        assertThat(OperandRoles.BATCH_OFFSETS).containsExactly("qo_indptr", "cu_seqlens_q", "cu_seqlens",
                "kv_indptr");

        // TF32 tags before the arguments, in any case, GEMMs and CUTLASS convolutions alike
        assertThat(KernelWork.tf32Kernel("cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4")).isTrue();
        assertThat(KernelWork.tf32Kernel("cutlass_80_tensorop_s16816gemm_64x64_32x6_nn_align4")).isTrue();
        assertThat(KernelWork.tf32Kernel("sm80_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x16")).isTrue();
        assertThat(KernelWork.tf32Kernel("cutlass_80_tensorop_s1688fprop_optimized_64x64_16x10_nhwc_align4")).isTrue();
        assertThat(KernelWork.tf32Kernel("CUTLASS_80_TENSOROP_S16816WGRAD_ANALYTIC_128X128_32X3_NHWC")).isTrue();
        assertThat(KernelWork.tf32Kernel("ampere_sgemm_32x128_nn")).isFalse();
        assertThat(KernelWork.tf32Kernel("gemm_kernel(tf32_params)")).isFalse();
        assertThat(KernelWork.tf32Kernel("cutlass_80_tensorop_h16816gemm_128x128_32x3_nt_align8")).isFalse();
    }

    @Test
    void aPagedCacheUnderAnyOfItsNamesIsCountedByItsPages() {
        // a v_cache pool (not kernels.json's name, but one of OperandRoles.PAGED_CACHES) of 1,000,000 one-token pages,
        // 4,100 of them listed for 4 decode queries: the pages are read, not the pool
        List<Operand> operands = List.of(in("q", DataType.BF16, 4, 32, 512), in("v_cache", DataType.BF16, 1_000_000, 1, 512),
                in("kv_indices", DataType.INT32, 4100), out("o", DataType.BF16, 4, 32, 512));
        KernelWork w = KernelWork.of(kernel(OperationFamily.ATTENTION, operands, Map.of("attention.causal", "0")));
        assertThat(w.known()).isTrue();
        assertThat(w.bytes()).isEqualTo(2.0 * (4 * 32 * 512 + 4100 * 512 + 4 * 32 * 512) + 4100 * 4);
        // 4 sequences of 1,025 keys
        assertThat(w.flops()).isEqualTo(2.0 * 32 * 4 * 1025 * (512 + 512));
    }

    @Test
    void allReduceLinkBytesFollowTheRingFactor() {
        KernelRecord r = KernelRecord.builder(0, "ncclDevKernel_AllReduce").duration(20_000)
                .category(KernelCategory.COMMUNICATION)
                .collective(new CollectiveInfo("allreduce", 1024, 1024, 4, "BFloat16", Optional.of("0"),
                        Optional.empty(), List.of()))
                .build();
        KernelWork w = KernelWork.of(ResolvedKernel.unresolved(r));
        assertThat(w.network()).isTrue();
        assertThat(w.networkBytes()).isEqualTo(2048.0 * 2 * 3 / 4);
        assertThat(KernelWork.busFactor("_allgather_base", 8)).isEqualTo(7.0 / 8);
        assertThat(KernelWork.busFactor("broadcast", 8)).isEqualTo(1.0);
    }

    @Test
    void anEmbeddingGatherMovesOnlyTheRowsItLooksUp() {
        KernelWork w = KernelWork.of(kernel(OperationFamily.COPY,
                List.of(in("input", DataType.BF16, 128256, 4096), in("index", DataType.INT64, 4)), Map.of()));
        assertThat(w.bytes()).isEqualTo(2.0 * 4 * 4096 * 2 + 4 * 8);
    }

    @Test
    void elementwiseReadsInputsAndWritesOutputs() {
        KernelWork w = KernelWork.of(kernel(OperationFamily.ELEMENTWISE,
                List.of(in("input", DataType.FP32, 1000), in("other", DataType.FP32, 1000),
                        out("output", DataType.FP32, 1000)), Map.of()));
        assertThat(w.bytes()).isEqualTo(12_000.0);
        assertThat(w.flops()).isEqualTo(1000.0);
    }

    @Test
    void operandsReadOrWrittenCountOnceAndNoOutputIsAssumedBesideThem() {
        // a TorchInductor kernel's pointer arguments: which one is written is not recorded, but it is one of them
        List<Operand> arguments = List.of(readOrWritten("arg0", DataType.FP32, 10, 10),
                readOrWritten("arg1", DataType.FP32, 10, 10), readOrWritten("arg2", DataType.FP32, 10, 10));
        for (OperationFamily family : List.of(OperationFamily.ELEMENTWISE, OperationFamily.REDUCTION,
                OperationFamily.COPY)) {
            assertThat(KernelWork.of(kernel(family, arguments, Map.of())).bytes()).as(family.id()).isEqualTo(1200.0);
            assertThat(KernelWork.memoryTraffic(family, arguments)).as(family.id()).hasValue(1200.0);
        }
        // beside an operand marked written, one read or written counts once too
        assertThat(KernelWork.of(kernel(OperationFamily.ELEMENTWISE, List.of(readOrWritten("arg0", DataType.FP32, 100),
                out("output", DataType.FP32, 100)), Map.of())).bytes()).isEqualTo(800.0);
    }

    private static Operand readOrWritten(String name, DataType type, long... shape) {
        return new Operand(name, Direction.UNKNOWN, java.util.Arrays.stream(shape).boxed().toList(), type, "");
    }

    @Test
    void withoutShapesNothingIsCounted() {
        assertThat(KernelWork.of(kernel(OperationFamily.GEMM, List.of(), Map.of())).known()).isFalse();
        assertThat(KernelWork.of(kernel(OperationFamily.OTHER, List.of(), Map.of()))).isEqualTo(KernelWork.UNKNOWN);
    }

    @Test
    void efficiencyUsesTheLargerRoofAndCallsShortSlowKernelsLatencyBound() {
        GpuPeaks peaks = new GpuPeaks("test GPU", Map.of(DataType.BF16, 1000e12, DataType.FP32, 60e12), 4e12, 0.4e12);
        // 2e12 FLOPs at 1000 TFLOP/s = 2 ms; 4e9 bytes at 4 TB/s = 1 ms: compute-bound, 2 ms roofline
        KernelWork gemm = new KernelWork(2e12, 4e9, 0, DataType.BF16, true);
        KernelEfficiency e = KernelEfficiency.of(gemm, 4_000_000, Optional.of(peaks));
        assertThat(e.bound()).isEqualTo(Bound.COMPUTE);
        assertThat(e.rooflineNs().getAsDouble()).isCloseTo(2_000_000, within(1e-6));
        assertThat(e.percentOfPeak().getAsDouble()).isCloseTo(50.0, within(1e-9));
        assertThat(e.lostNs()).isCloseTo(2_000_000, within(1e-6));
        assertThat(e.flopsPerSecond()).isCloseTo(5e14, within(1.0));

        // 4 KB in 5 us: roofline 1 ns, far below a quarter of a short duration
        KernelEfficiency tiny = KernelEfficiency.of(new KernelWork(1000, 4000, 0, DataType.FP32, true), 5_000,
                Optional.of(peaks));
        assertThat(tiny.bound()).isEqualTo(Bound.LATENCY);

        KernelEfficiency link = KernelEfficiency.of(new KernelWork(0, 8e6, 4e6, DataType.UINT8, true), 20_000,
                Optional.of(peaks));
        assertThat(link.bound()).isEqualTo(Bound.NETWORK);
        assertThat(link.rooflineNs().getAsDouble()).isCloseTo(10_000, within(1e-6));
        // a collective is latency-bound by the same rule: 4 KB over the link (10 ns) in 9 us
        KernelEfficiency smallLink = KernelEfficiency.of(new KernelWork(0, 8e3, 4e3, DataType.UINT8, true), 9_000,
                Optional.of(peaks));
        assertThat(smallLink.bound()).isEqualTo(Bound.LATENCY);
        assertThat(smallLink.rooflineNs().getAsDouble()).isCloseTo(10, within(1e-9));
        // and stays network-bound when longer than the limit, however far from its roofline
        assertThat(KernelEfficiency.of(new KernelWork(0, 8e3, 4e3, DataType.UINT8, true), 30_000,
                Optional.of(peaks)).bound()).isEqualTo(Bound.NETWORK);

        KernelEfficiency noPeaks = KernelEfficiency.of(gemm, 4_000_000, Optional.empty());
        assertThat(noPeaks.bound()).isEqualTo(Bound.UNKNOWN);
        assertThat(noPeaks.percentOfPeak()).isEmpty();
        assertThat(noPeaks.flopsPerSecond()).isCloseTo(5e14, within(1.0));
    }

    @Test
    void totalsAddUpAndKeepTheirCoverage() {
        EfficiencyTotals a = new EfficiencyTotals(1, 100, 1, 80, 10, 20, 100, 50, 100, 40, 80,
                Map.of(Bound.COMPUTE, 100L));
        EfficiencyTotals b = new EfficiencyTotals(2, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(Bound.UNKNOWN, 300L));
        EfficiencyTotals sum = a.plus(b);
        assertThat(sum.count()).isEqualTo(3);
        assertThat(sum.kernelTimeNs()).isEqualTo(400);
        assertThat(sum.percentOfPeak().getAsDouble()).isEqualTo(50.0);
        assertThat(sum.bound()).isEqualTo(Bound.UNKNOWN);
        assertThat(a.bound()).isEqualTo(Bound.COMPUTE);
        assertThat(sum.fields(true)).containsEntry("count", 3L).containsEntry("bound", "unknown")
                .containsEntry("percent_of_peak", 50.0);
    }
}
