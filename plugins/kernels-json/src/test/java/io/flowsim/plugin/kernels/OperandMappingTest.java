package io.flowsim.plugin.kernels;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.ResolvedKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.flowsim.plugin.kernels.Records.kernel;
import static io.flowsim.plugin.kernels.Records.op;
import static io.flowsim.plugin.kernels.Records.scalar;
import static io.flowsim.plugin.kernels.Records.tensor;
import static io.flowsim.plugin.kernels.Records.tensorList;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operands built from the launching operator through the bundled kernels.json, checked against
 * docs/operand-conventions.md: A is [batch..., M, K] and B is [batch..., K, N] after transposes.
 */
class OperandMappingTest {

    private static final String BF16 = "c10::BFloat16";
    private static KernelsJsonSession session;

    @BeforeAll
    static void open() {
        session = Databases.sessionWithBundled();
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static ResolvedKernel resolve(String kernelName, OperatorCall operator) {
        return session.resolve(kernel(kernelName, operator)).orElseThrow();
    }

    private static Map<String, List<Long>> shapes(ResolvedKernel k) {
        return k.operands().stream().collect(Collectors.toMap(Operand::name, Operand::shape));
    }

    /** M, N and K as a simulator reads them from A and B. */
    private static long[] mnk(ResolvedKernel k) {
        List<Long> a = shapes(k).get("A");
        List<Long> b = shapes(k).get("B");
        assertThat(a.get(a.size() - 1)).as("A's K equals B's K").isEqualTo(b.get(b.size() - 2));
        return new long[] {a.get(a.size() - 2), b.get(b.size() - 1), a.get(a.size() - 1)};
    }

    @Test
    void mmTakesSelfAsAAndMat2AsB() {
        ResolvedKernel k = resolve("nvjet_tst_256x128_64x4_1x2_h_bz_coopA_TNT",
                op("aten::mm", tensor(BF16, 1024, 7168), tensor(BF16, 7168, 2112)));
        assertThat(k.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(k.opMapping()).isEqualTo("matmul");
        assertThat(mnk(k)).containsExactly(1024, 2112, 7168);
        assertThat(k.operands()).allSatisfy(o -> assertThat(o.dataType()).isEqualTo(DataType.BF16));
    }

    @Test
    void addmmSkipsTheBiasForAAndBAndKeepsItAsBias() {
        ResolvedKernel k = resolve("sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize64x64x64",
                op("aten::addmm", tensor(BF16, 2112), tensor(BF16, 1024, 7168), tensor(BF16, 7168, 2112),
                        scalar("1"), scalar("1")));
        assertThat(mnk(k)).containsExactly(1024, 2112, 7168);
        assertThat(shapes(k)).containsEntry("bias", List.of(2112L));
    }

    @Test
    void linearTransposesTheWeightAndFoldsLeadingDimensionsIntoM() {
        ResolvedKernel k = resolve("ampere_bf16_s16816gemm_bf16_128x128_ldg8_f2f_stages_32x5_tn",
                op("aten::linear", tensor(BF16, 4, 1024, 4096), tensor(BF16, 6144, 4096), tensor("", new long[0])));
        assertThat(k.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(shapes(k)).containsEntry("A", List.of(4096L, 4096L)).containsEntry("B", List.of(4096L, 6144L))
                .doesNotContainKey("bias");
        assertThat(mnk(k)).containsExactly(4 * 1024, 6144, 4096);
    }

    @Test
    void linearWithBiasKeepsTheBias() {
        ResolvedKernel k = resolve("cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x4_tn_align8",
                op("aten::linear", tensor(BF16, 8, 512), tensor(BF16, 256, 512), tensor(BF16, 256)));
        assertThat(mnk(k)).containsExactly(8, 256, 512);
        assertThat(shapes(k)).containsEntry("bias", List.of(256L));
    }

    @Test
    void bmmKeepsTheBatchDimension() {
        ResolvedKernel k = resolve("nvjet_tst_128x176_64x5_1x2_h_bz_TNT",
                op("aten::bmm", tensor(BF16, 32, 6145, 128), tensor(BF16, 32, 128, 512)));
        assertThat(k.family()).isEqualTo(OperationFamily.BMM);
        assertThat(k.opMapping()).isEqualTo("bmm");
        assertThat(shapes(k)).containsEntry("A", List.of(32L, 6145L, 128L)).containsEntry("B", List.of(32L, 128L, 512L));
        assertThat(mnk(k)).containsExactly(6145, 512, 128);
    }

    @Test
    void matmulOverATwoDimensionalWeightIsAGemmWithFoldedRows() {
        ResolvedKernel k = resolve("nvjet_sm90_tst_320x128_64x3_1x2_h_bz_coopB_TNT",
                op("aten::matmul", tensor(BF16, 4, 1024, 4096), tensor(BF16, 4096, 6144)));
        assertThat(k.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(mnk(k)).containsExactly(4096, 6144, 4096);
    }

    @Test
    void matmulWithBatchesOnBothSidesBroadcastsAndBecomesABmm() {
        ResolvedKernel k = resolve("nvjet_sm90_tst_64x8_64x16_4x1_v_bz_TNT",
                op("aten::matmul", tensor(BF16, 2, 1, 8, 64), tensor(BF16, 3, 64, 16)));
        assertThat(k.family()).isEqualTo(OperationFamily.BMM);
        assertThat(shapes(k)).containsEntry("A", List.of(2L, 3L, 8L, 64L)).containsEntry("B", List.of(2L, 3L, 64L, 16L));
    }

    @Test
    void aVectorOperandBecomesARowOrAColumn() {
        ResolvedKernel k = resolve("gemv2T_kernel_val", op("aten::mv", tensor("float", 128, 256), tensor("float", 256)));
        assertThat(shapes(k)).containsEntry("A", List.of(128L, 256L)).containsEntry("B", List.of(256L, 1L));
    }

    @Test
    void disagreeingInnerDimensionsGiveNoOperandsRatherThanWrongOnes() {
        ResolvedKernel k = resolve("nvjet_tst_64x8", op("aten::mm", tensor(BF16, 8, 16), tensor(BF16, 32, 64)));
        assertThat(k.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(k.operands()).isEmpty();
    }

    @Test
    void anOperatorWithoutShapesGivesNoOperands() {
        ResolvedKernel k = resolve("nvjet_tst_64x8", op("aten::mm"));
        assertThat(k.opMapping()).isEqualTo("matmul");
        assertThat(k.operands()).isEmpty();
    }

    @Test
    void attentionInputsBecomeTokensHeadsDimWithDerivedAttributes() {
        OperatorCall sdpa = op("aten::_cudnn_attention_forward", tensor(BF16, 4, 32, 1024, 128),
                tensor(BF16, 4, 8, 1024, 128), tensor(BF16, 4, 8, 1024, 128), tensor("", new long[0]),
                tensor("", new long[0]), tensor("", new long[0]), scalar("1024"), scalar("1024"), scalar("False"),
                scalar("0."), scalar("True"), scalar("False"), tensor("", new long[0]));
        ResolvedKernel k = resolve("cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_7_64x128x128", sdpa);
        assertThat(k.family()).isEqualTo(OperationFamily.ATTENTION);
        assertThat(shapes(k)).containsEntry("q", List.of(4096L, 32L, 128L)).containsEntry("k", List.of(4096L, 8L, 128L))
                .containsEntry("v", List.of(4096L, 8L, 128L));
        assertThat(k.attributes()).containsEntry("attention.batch", "4").containsEntry("attention.q_len", "1024")
                .containsEntry("attention.kv_len", "1024").containsEntry("attention.kind", "gqa")
                .containsEntry("attention.causal", "true");
    }

    @Test
    void fusedExpertsGiveMoeOperands() {
        OperatorCall experts = op("sglang::inplace_fused_experts", tensor(BF16, 1024, 7168),
                tensor(BF16, 257, 1024, 7168), tensor(BF16, 257, 7168, 512), tensor("float", 1024, 9),
                tensor("int", 1024, 9));
        ResolvedKernel k = resolve("fused_moe_kernel", experts);
        assertThat(k.family()).isEqualTo(OperationFamily.MOE);
        assertThat(shapes(k)).containsEntry("hidden", List.of(1024L, 7168L)).containsEntry("w1", List.of(257L, 1024L, 7168L))
                .containsEntry("w2", List.of(257L, 7168L, 512L)).containsEntry("topk_ids", List.of(1024L, 9L));
        assertThat(k.operands().stream().filter(o -> o.name().equals("topk_ids")).findFirst().orElseThrow().dataType())
                .isEqualTo(DataType.INT32);
    }

    @Test
    void outputsKeepTheirDirection() {
        ResolvedKernel k = resolve("void flashinfer::norm::RMSNormKernel<8u, __nv_bfloat16>", op("sgl_kernel::rmsnorm",
                tensor(BF16, 1024, 7168), tensor(BF16, 1024, 7168), tensor(BF16, 7168), scalar("1e-06"), scalar("True")));
        assertThat(k.operands()).extracting(Operand::name, Operand::direction).containsExactly(
                org.assertj.core.groups.Tuple.tuple("input", Direction.INPUT),
                org.assertj.core.groups.Tuple.tuple("weight", Direction.INPUT),
                org.assertj.core.groups.Tuple.tuple("output", Direction.OUTPUT));
    }

    @Test
    void typesAreNormalizedWhateverTheSpelling() {
        for (String spelling : List.of("c10::BFloat16", "torch.bfloat16", "bfloat16", "BFloat16", "bf16")) {
            ResolvedKernel k = resolve("nvjet_x", op("aten::mm", tensor(spelling, 2, 3), tensor(spelling, 3, 4)));
            assertThat(k.operands()).as(spelling).allSatisfy(o -> assertThat(o.dataType()).isEqualTo(DataType.BF16));
        }
        ResolvedKernel fp8 = resolve("nvjet_x", op("aten::_scaled_mm", tensor("c10::Float8_e4m3fn", 16, 32),
                tensor("c10::Float8_e4m3fn", 32, 64), tensor("float", new long[0]), tensor("float", new long[0])));
        assertThat(fp8.operands().get(0).dataType()).isEqualTo(DataType.FP8_E4M3);
        assertThat(fp8.operands()).extracting(Operand::name).containsExactly("A", "B", "scale_a", "scale_b");
        ResolvedKernel ints = resolve("void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<long>>",
                op("aten::add", tensor("long int", 8), tensor("long int", 8), scalar("1")));
        assertThat(ints.operands()).allSatisfy(o -> assertThat(o.dataType()).isEqualTo(DataType.INT64));
    }

    @Test
    void tensorListElementsAndNamedInputsAreAddressable() {
        OperandSpec element = new OperandSpec("input", 0, "", java.util.OptionalInt.of(1), Direction.INPUT, List.of(),
                false, "");
        OperandMapper.Mapping m = OperandMapper.map(List.of(element),
                op("aten::cat", tensorList(new long[] {2, 3}, new long[] {4, 3}), scalar("0")), OperationFamily.COPY);
        assertThat(m.problem()).isEmpty();
        assertThat(m.operands().get(0).shape()).containsExactly(4L, 3L);

        OperandSpec byName = new OperandSpec("index", -1, "req_pool_indices", java.util.OptionalInt.empty(),
                Direction.INPUT, List.of(), false, "");
        OperandMapper.Mapping named = OperandMapper.map(List.of(byName), op("write_req_to_token_pool_triton",
                Records.named("req_to_token", "torch.int32", 4096, 163844), Records.named("req_pool_indices",
                        "torch.int64", 8)), OperationFamily.COPY);
        assertThat(named.operands().get(0).shape()).containsExactly(8L);
        assertThat(named.operands().get(0).dataType()).isEqualTo(DataType.INT64);

        OperandSpec missing = new OperandSpec("x", 5, "", java.util.OptionalInt.empty(), Direction.INPUT, List.of(),
                false, "");
        assertThat(OperandMapper.map(List.of(missing), op("aten::y", tensor("float", 1)), OperationFamily.OTHER)
                .problem()).hasValueSatisfying(p -> assertThat(p).contains("operand x (input #5 of aten::y): no such input"));
        OperandSpec scalarInput = new OperandSpec("x", 0, "", java.util.OptionalInt.empty(), Direction.INPUT, List.of(),
                false, "");
        assertThat(OperandMapper.map(List.of(scalarInput), op("aten::y", scalar("3")), OperationFamily.OTHER)
                .problem()).hasValueSatisfying(p -> assertThat(p).contains("not a tensor"));
    }

    /** PyTorch's generic cat kernel as the demo H200 traces name it (the element is type-erased to 2 bytes). */
    private static final String CAT = "void at::native::(anonymous namespace)::CatArrayBatchedCopy<at::native::"
            + "(anonymous namespace)::OpaqueType<2u>, unsigned int, 4, 64, 64>(at::native::(anonymous namespace)::"
            + "OpaqueType<2u>*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<at::native::(anonymous "
            + "namespace)::OpaqueType<2u>, unsigned int, 64, 64>, at::native::(anonymous namespace)::TensorSizeStride"
            + "<unsigned int, 4u>, int, unsigned int)";

    @Test
    void aCatOfATensorListReadsEveryTensorAndWritesTheirConcatenation() {
        // demo llama3-8b: rotate_half's cat of two [4, 32, 1024, 64] halves along the last dimension
        ResolvedKernel k = resolve(CAT, op("aten::cat", tensorList(new long[] {4, 32, 1024, 64},
                new long[] {4, 32, 1024, 64}), scalar("-1")));
        assertThat(k.family()).isEqualTo(OperationFamily.COPY);
        assertThat(k.opMapping()).isEqualTo("cat");
        assertThat(shapes(k)).containsEntry("input", List.of(2L * 4 * 32 * 1024 * 64))
                .containsEntry("output", List.of(4L, 32L, 1024L, 128L));
        assertThat(k.operands()).allSatisfy(o -> assertThat(o.dataType().bytes()).isEqualTo(2.0));
        assertThat(k.operands().get(1).direction()).isEqualTo(Direction.OUTPUT);
        assertThat(k.attributes()).containsEntry("list.tensors", "2").containsEntry("list.largest",
                Long.toString(4L * 32 * 1024 * 64));
        // the copy count: every element read and written once
        assertThat(io.flowsim.api.model.KernelWork.of(k).bytes()).isEqualTo(2.0 * 2 * (2L * 4 * 32 * 1024 * 64));
    }

    @Test
    void olderCatKernelsNameTheirElementTypeAndEmptyOneDimensionalTensorsAreSkipped() {
        // PyTorch before 2.1 (the HTA traces) named the element type: CatArrayBatchedCopy<float, unsigned int, 2, 128, 1>
        ResolvedKernel k = resolve("void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, "
                + "128, 1>(float*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<float, unsigned int, 128, "
                + "1>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)",
                op("aten::cat", tensorList(new long[] {3, 5}, new long[] {0}, new long[] {4, 5}), scalar("0")));
        assertThat(k.operands()).allSatisfy(o -> assertThat(o.dataType()).isEqualTo(DataType.FP32));
        assertThat(shapes(k)).containsEntry("input", List.of(35L)).containsEntry("output", List.of(7L, 5L));
    }

    @Test
    void listsThatDoNotConcatenateOrWereNotRecordedGetNoOperands() {
        ResolvedKernel mismatched = resolve(CAT, op("aten::cat", tensorList(new long[] {4, 64}, new long[] {3, 32}),
                scalar("1")));
        assertThat(mismatched.operands()).isEmpty();
        assertThat(mismatched.attributes().get("operands.problem")).contains("do not concatenate along dimension 1");
        ResolvedKernel outOfRange = resolve(CAT, op("aten::cat", tensorList(new long[] {4, 64}, new long[] {4, 64}),
                scalar("2")));
        assertThat(outOfRange.attributes().get("operands.problem")).contains("out of range");
        // the qwen3 demo trace records some cats as [[], []]: nothing recorded, nothing said but "no shapes"
        ResolvedKernel unrecorded = resolve(CAT, op("aten::cat", tensor("TensorList"), scalar("0")));
        assertThat(unrecorded.operands()).isEmpty();
        assertThat(unrecorded.attributes()).doesNotContainKey("operands.problem");
        ResolvedKernel partly = resolve(CAT, op("aten::cat", tensorList(new long[] {4, 64}, new long[0]), scalar("0")));
        assertThat(partly.operands()).isEmpty();
        assertThat(partly.attributes()).doesNotContainKey("operands.problem");
    }

    @Test
    void shapesWhoseCountOverflowsOrIsNegativeAreTheKernelsRecordedProblemNeverAWrappedOperand() {
        long huge = Long.MAX_VALUE;
        ResolvedKernel mm = resolve("nvjet_tst_256x128_64x4_1x2_h_bz_coopA_TNT",
                op("aten::mm", tensor(BF16, huge, 4), tensor(BF16, 4, 8)));
        assertThat(mm.operands()).isEmpty();
        assertThat(mm.attributes().get("operands.problem")).contains("operand A (input #0 of aten::mm)")
                .contains("[9223372036854775807, 4] has more elements than a 64-bit count holds");
        ResolvedKernel negative = resolve("nvjet_tst_256x128_64x4_1x2_h_bz_coopA_TNT",
                op("aten::mm", tensor(BF16, 4, 8), tensor(BF16, 8, -1)));
        assertThat(negative.operands()).isEmpty();
        assertThat(negative.attributes().get("operands.problem")).contains("operand B").contains("[8, -1] has a negative size");
        ResolvedKernel cat = resolve(CAT, op("aten::cat", tensorList(new long[] {huge, 4}, new long[] {1, 4}), scalar("0")));
        assertThat(cat.operands()).isEmpty();
        assertThat(cat.attributes().get("operands.problem")).contains("[9223372036854775807, 4] has more elements");
        // each tensor counts, but together they do not: the sum overflows
        ResolvedKernel sum = resolve(CAT, op("aten::cat", tensorList(new long[] {huge / 2 + 1}, new long[] {huge / 2 + 1}),
                scalar("0")));
        assertThat(sum.operands()).isEmpty();
        assertThat(sum.attributes().get("operands.problem")).contains("the list has more elements than a 64-bit count");
        // B's batch broadcast onto A: each counts, the broadcast A does not
        ResolvedKernel broadcast = resolve("nvjet_tst_256x128_64x4_1x2_h_bz_coopA_TNT",
                op("aten::matmul", tensor(BF16, 1L << 40, 1, 1L << 20, 4), tensor(BF16, 1, 1L << 20, 4, 8)));
        assertThat(broadcast.operands()).isEmpty();
    }

    @Test
    void aListWithoutAnElementTypeIsNotGuessed() {
        OperandSpec all = new OperandSpec("input", 0, "", java.util.OptionalInt.empty(), Direction.INPUT, List.of(),
                false, "", OperandSpec.ListMode.ALL, "", "");
        OperandMapper.Mapping m = OperandMapper.map(List.of(all),
                op("aten::cat", tensorList(new long[] {2, 3}, new long[] {4, 3}), scalar("0")), OperationFamily.COPY);
        assertThat(m.problem()).hasValueSatisfying(p -> assertThat(p).contains("element type of the list is not recorded"));
        assertThat(m.recorded()).as("a type that was never recorded is not a problem of the recorded shapes").isFalse();
        OperandSpec typed = new OperandSpec("input", 0, "", java.util.OptionalInt.empty(), Direction.INPUT, List.of(),
                false, "", OperandSpec.ListMode.ALL, "", "bf16");
        OperandMapper.Mapping ok = OperandMapper.map(List.of(typed),
                op("aten::cat", tensorList(new long[] {2, 3}, new long[] {4, 3}), scalar("0")), OperationFamily.COPY);
        assertThat(ok.operands().get(0).shape()).containsExactly(18L);
        assertThat(ok.operands().get(0).dataType()).isEqualTo(DataType.BF16);
        assertThat(OperandSpec.elementType("8")).isEqualTo(DataType.INT64);
        assertThat(OperandSpec.elementType("c10::Half")).isEqualTo(DataType.FP16);
        assertThat(OperandSpec.elementType("3")).isEqualTo(DataType.UNKNOWN);
    }

    @Test
    void transformsReshapeAsDocumented() {
        assertThat(OperandMapper.apply(OperandSpec.Transform.TRANSPOSE, List.of(2L, 3L, 4L))).contains(List.of(2L, 4L, 3L));
        assertThat(OperandMapper.apply(OperandSpec.Transform.FLATTEN, List.of(2L, 3L, 4L))).contains(List.of(6L, 4L));
        assertThat(OperandMapper.apply(OperandSpec.Transform.BHSD, List.of(2L, 8L, 16L, 64L))).contains(List.of(32L, 8L, 64L));
        assertThat(OperandMapper.apply(OperandSpec.Transform.BSHD, List.of(2L, 16L, 8L, 64L))).contains(List.of(32L, 8L, 64L));
        assertThat(OperandMapper.apply(OperandSpec.Transform.TRANSPOSE, List.of(5L))).isEmpty();
        // folded extents are counted exactly: a zero extent makes no elements, a product past a long is no shape
        long huge = Long.MAX_VALUE;
        assertThat(OperandMapper.apply(OperandSpec.Transform.FLATTEN, List.of(huge, huge, 0L, 4L))).contains(List.of(0L, 4L));
        assertThat(OperandMapper.apply(OperandSpec.Transform.FLATTEN, List.of(huge, huge, 4L))).isEmpty();
        assertThat(OperandMapper.apply(OperandSpec.Transform.BSHD, List.of(huge, 3L, 0L, 64L))).isEmpty();
    }

    /** An int-list input as PyTorch 2 records it with record_shapes (type ScalarList, concrete value text). */
    private static io.flowsim.api.model.OperatorInput intList(String value) {
        return new io.flowsim.api.model.OperatorInput(java.util.Optional.empty(), "ScalarList",
                io.flowsim.api.model.Dims.EMPTY, io.flowsim.api.model.Dims.EMPTY, java.util.Optional.of(value));
    }

    /**
     * Hand-made convolution operators (ResNet-50 shapes, the argument order of PyTorch's schemas; no
     * shared trace records a convolution with shapes): the kernels become GEMM-like work with their
     * input, weight and the stride, padding, dilation and groups the analytical backend needs.
     */
    @Test
    void convolutionKernelsGetTheirTensorsAndGeometry() {
        ResolvedKernel fprop = resolve("sm80_xmma_fprop_implicit_gemm_tf32f32_tf32f32_f32_nhwckrsc_nchw_tilesize128x128x16"
                        + "_stage4_warpsize2x2x1_g1_tensor16x8x8_execute_kernel__5x_cudnn",
                op("aten::cudnn_convolution", tensor("float", 32, 3, 224, 224), tensor("float", 64, 3, 7, 7),
                        intList("[3, 3]"), intList("[2, 2]"), intList("[1, 1]"), scalar("1"), scalar("False"),
                        scalar("False"), scalar("True")));
        assertThat(fprop.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(fprop.opMapping()).isEqualTo("convolution");
        assertThat(shapes(fprop)).containsEntry("input", List.of(32L, 3L, 224L, 224L))
                .containsEntry("weight", List.of(64L, 3L, 7L, 7L));
        assertThat(fprop.attributes()).containsEntry("conv.stride", "[2, 2]").containsEntry("conv.padding", "[3, 3]")
                .containsEntry("conv.dilation", "[1, 1]").containsEntry("conv.groups", "1");

        ResolvedKernel conv = resolve("implicit_convolve_sgemm",
                op("aten::convolution", tensor("float", 8, 64, 56, 56), tensor("float", 256, 64, 1, 1),
                        tensor("float", 256), intList("[1, 1]"), intList("[0, 0]"), intList("[1, 1]"), scalar("False"),
                        intList("[0, 0]"), scalar("1")));
        assertThat(conv.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(shapes(conv)).containsEntry("bias", List.of(256L));
        assertThat(conv.attributes()).containsEntry("conv.transposed", "false").containsEntry("conv.padding", "[0, 0]");

        ResolvedKernel wgrad = resolve("sm80_xmma_wgrad_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc",
                op("aten::convolution_backward", tensor(BF16, 32, 128, 28, 28), tensor(BF16, 32, 64, 56, 56),
                        tensor(BF16, 128, 64, 3, 3), intList("[0]"), intList("[2, 2]"), intList("[1, 1]"),
                        intList("[1, 1]"), scalar("False"), intList("[0, 0]"), scalar("1"), intList("[True, True, False]")));
        assertThat(wgrad.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(wgrad.opMapping()).isEqualTo("convolution_backward");
        assertThat(shapes(wgrad)).containsEntry("grad_output", List.of(32L, 128L, 28L, 28L))
                .containsEntry("input", List.of(32L, 64L, 56L, 56L)).containsEntry("weight", List.of(128L, 64L, 3L, 3L));
        assertThat(wgrad.attributes()).containsEntry("conv.stride", "[2, 2]").containsEntry("conv.groups", "1");
    }

    @Test
    void aKernelOfTheRecordIsReturnedUnchanged() {
        KernelRecord r = kernel("nvjet_x", op("aten::mm", tensor(BF16, 2, 3), tensor(BF16, 3, 4)));
        assertThat(session.resolve(r).orElseThrow().kernel()).isSameAs(r);
    }
}
