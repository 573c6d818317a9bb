package io.flowsim.plugin.kernels;

import io.flowsim.api.model.KernelCategory;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundled entries for fbgemm_gpu's quantizers and sparse-feature permutes map the operator inputs the trace
 * records (argument order of fbgemm_gpu's schemas), and kernels whose shapes were recorded but map to no operands
 * say why instead of "no operand shapes". Kernel names and shapes as the HTA sampled training traces record them,
 * written here by hand.
 */
class FbgemmEntriesTest {

    private static final String PROBLEM = "operands.problem";
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

    private static Map<String, String> operands(ResolvedKernel k) {
        return k.operands().stream().collect(Collectors.toMap(Operand::name,
                o -> o.shape() + " " + o.dataType().id()));
    }

    @Test
    void quantizersMapTheirInputAndNameTheirPass() {
        OperatorCall fp8 = op("fbgemm::FloatToFP8RowwiseQuantized", tensor("float", 1492704, 256), scalar("1"));
        ResolvedKernel qparams = resolve("void fbgemm_gpu::(anonymous namespace)::_get_FP8_qparam_cuda_kernel<float>("
                + "float const*, int, int, unsigned char*, bool)", fp8);
        assertThat(qparams.opMapping()).isEqualTo("fp8_rowwise_qparams");
        assertThat(qparams.family()).isEqualTo(OperationFamily.REDUCTION);
        assertThat(operands(qparams)).containsExactly(Map.entry("input", "[1492704, 256] fp32"));
        ResolvedKernel quantize = resolve("void fbgemm_gpu::(anonymous namespace)::_compute_FP8_quantize_cuda_kernel"
                + "<float>(float const*, int, int, unsigned char*, bool)", fp8);
        assertThat(quantize.opMapping()).isEqualTo("fp8_rowwise_quantize");
        assertThat(operands(quantize)).containsExactly(Map.entry("input", "[1492704, 256] fp32"));

        ResolvedKernel dequantize = resolve("void fbgemm_gpu::(anonymous namespace)::_FP8rowwise_to_float_cuda_kernel"
                + "<float>(unsigned char const*, int, int, float*, bool)",
                op("fbgemm::FP8RowwiseQuantizedToFloat", tensor("unsigned char", 1638400, 264), scalar("1")));
        assertThat(dequantize.opMapping()).isEqualTo("fp8_rowwise_dequantize");
        assertThat(operands(dequantize)).containsExactly(Map.entry("input", "[1638400, 264] uint8"));

        ResolvedKernel hfp8 = resolve("void at::native::vectorized_elementwise_kernel<4, fbgemm_gpu::_float_to_hfp8_gpu"
                + "(at::Tensor const&, int, int, double)::{lambda(float)#1}>",
                op("fbgemm::FloatToHFP8Quantized", tensor("float", 419430400), scalar("4"), scalar("14"),
                        scalar("1.0")));
        assertThat(hfp8.opMapping()).isEqualTo("hfp8_quantize");
        assertThat(operands(hfp8)).containsExactly(Map.entry("input", "[419430400] fp32"));
        ResolvedKernel back = resolve("void at::native::vectorized_elementwise_kernel<4, fbgemm_gpu::_hfp8_to_float_gpu"
                + "(at::Tensor const&, int, int)::{lambda(unsigned char)#1}>",
                op("fbgemm::HFP8QuantizedToFloat", tensor("unsigned char", 382132224), scalar("4"), scalar("14")));
        assertThat(back.opMapping()).isEqualTo("hfp8_dequantize");
        assertThat(operands(back)).containsExactly(Map.entry("input", "[382132224] uint8"));
    }

    @Test
    void permutesMapPermuteLengthsIndicesAndTheOptionalWeights() {
        OperatorCall permute = op("fbgemm::permute_2D_sparse_data", tensor("int", 1280), tensor("int", 1280, 2048),
                tensor("int", 38910814), tensor(""), scalar("0"));
        ResolvedKernel data = resolve("void fbgemm_gpu::permute_2D_data_kernel<false, int, int, decltype(nullptr)>"
                + "(int, int, int, int const*, int const*, int const*, int const*, decltype(nullptr), int*,"
                + " decltype(nullptr))", permute);
        assertThat(data.opMapping()).isEqualTo("permute_sparse_indices");
        assertThat(operands(data)).containsOnly(Map.entry("permute", "[1280] int32"),
                Map.entry("lengths", "[1280, 2048] int32"), Map.entry("indices", "[38910814] int32"));
        ResolvedKernel lengths = resolve("void fbgemm_gpu::permute_2D_lengths_kernel<int>(int, int, int const*,"
                + " int const*, int*)", permute);
        assertThat(lengths.opMapping()).isEqualTo("permute_sparse_lengths");
        assertThat(operands(lengths)).containsOnly(Map.entry("permute", "[1280] int32"),
                Map.entry("lengths", "[1280, 2048] int32"));

        ResolvedKernel features = resolve("void fbgemm_gpu::permute_indices_weights_kernel<true, int, float>(int, int,"
                + " int const*, int const*, int const*, float const*, int const*, int const*, int*, float*)",
                op("fbgemm::permute_sparse_features", tensor("int", 300), tensor("int", 300, 2048),
                        tensor("int", 16334339), tensor("float", 16334339)));
        assertThat(operands(features)).containsEntry("weights", "[16334339] fp32");
    }

    @Test
    void pooledEmbeddingsArePermutedForwardAndBackward() {
        String name = "void permute_pooled_embs_kernel<float>(float const*, long const*, long const*, long const*,"
                + " float*, long, long, long)";
        ResolvedKernel forward = resolve(name, op("fbgemm::permute_pooled_embs_auto_grad", tensor("float", 2048, 186588),
                tensor("long", 1391), tensor("long", 1390), tensor("long", 1391), tensor("long", 1390)));
        ResolvedKernel backward = resolve(name, op("torch::autograd::CppNode<fbgemm_gpu::PermutePooledEmbsFunction"
                + "<&fbgemm_gpu::permute_pooled_embs_gpu> >", tensor("float", 2048, 186588)));
        for (ResolvedKernel k : List.of(forward, backward)) {
            assertThat(k.family()).isEqualTo(OperationFamily.COPY);
            assertThat(operands(k)).containsExactly(Map.entry("input", "[2048, 186588] fp32"));
        }
    }

    @Test
    void recordedShapesWithoutAMappingNameTheOperatorAndUnrecordedOnesSayNothing() {
        String bounds = "void bounds_check_indices_kernel<long, false>(at::GenericPackedTensorAccessor<long, 1ul,"
                + " at::RestrictPtrTraits, int>)";
        ResolvedKernel shaped = resolve(bounds, op("fbgemm::bounds_check_indices", tensor("long", 9),
                tensor("long", 30111429), tensor("long", 2359297), scalar("1"), tensor("long", 1)));
        assertThat(shaped.operands()).isEmpty();
        assertThat(shaped.attributes()).containsEntry(PROBLEM,
                "the kernel database maps none for fbgemm::bounds_check_indices");
        ResolvedKernel unshaped = resolve(bounds, op("fbgemm::bounds_check_indices", tensor("long"), tensor("long"),
                tensor("long"), scalar("1")));
        assertThat(unshaped.attributes()).doesNotContainKey(PROBLEM);

        // a collective's size comes from its own arguments: no operand problem is said for it
        KernelRecord nccl = KernelRecord.builder(0, "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned"
                + " long, ncclWork*)").category(KernelCategory.COMMUNICATION).duration(1_000)
                .operator(op("record_param_comms", tensor("float", 1024))).build();
        assertThat(session.resolve(nccl).orElseThrow().attributes()).doesNotContainKey(PROBLEM);
    }

    @Test
    void tableBatchedEmbeddingsSayWhichSizesTheTraceLacks() {
        OperatorCall lookup = op("fbgemm::split_embedding_codegen_lookup_rowwise_adagrad_function", tensor("float", 0),
                tensor("c10::Half", 7722480160L), tensor("c10::Half", 0), tensor("c10::Half", 0, 0), tensor("int", 9),
                tensor("long", 9), tensor("int", 10), scalar("0"), scalar("0"), tensor("long", 10), scalar("0"),
                tensor("long", 30111429), tensor("long", 2359297));
        ResolvedKernel forward = resolve("void split_embedding_codegen_forward_unweighted_kernel<c10::Half, c10::Half,"
                + " float, false, long, 2ul, 32ul>", lookup);
        assertThat(forward.operands()).isEmpty();
        assertThat(forward.attributes().get(PROBLEM)).contains("embedding dim").contains("total_D");
        ResolvedKernel backward = resolve("void split_embedding_backward_codegen_rowwise_adagrad_unweighted_kernel_cta_"
                + "per_row_1<c10::Half, float, c10::Half, 2ul, 32ul>",
                op("torch::autograd::CppNode<SplitLookupFunction_rowwise_adagrad_Op>", tensor("float", 262144, 1440)));
        assertThat(backward.attributes().get(PROBLEM)).contains("pooled gradient");
        // captured without shapes: the trace lacks every shape, which is the reason, not the dims
        ResolvedKernel unshaped = resolve("void split_embedding_codegen_forward_unweighted_kernel<c10::Half,"
                + " c10::Half, float, false, long, 2ul, 32ul>",
                op("fbgemm::split_embedding_codegen_lookup_rowwise_adagrad_function", tensor("float"),
                        tensor("c10::Half")));
        assertThat(unshaped.attributes()).doesNotContainKey(PROBLEM);
    }
}
