package io.flowsim.plugin.tables;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.MeasuredTable;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TensorRT-LLM and vLLM tables of aiconfigurator's layout ({@code <system>/<op>/<framework>/<version>/<table>}). Every
 * table here is HAND-MADE in a {@code @TempDir}: the header as the collector source writes it
 * ({@code collector/{trtllm,vllm}/collect_*.py}, {@code collector/network/collect_all_reduce.py} and {@code log_perf}'s
 * framework, version, device, op_name and kernel_source columns) and a few rows written here with made-up latencies.
 * No measured value is copied.
 */
class FrameworkTablesTest {

    private static final String H100 = "NVIDIA H100 80GB HBM3";
    private static final String GEMM = "framework,version,device,op_name,kernel_source,gemm_dtype,m,n,k,latency\n";
    private static final String ATTENTION = "framework,version,device,op_name,kernel_source,batch_size,isl,num_heads,"
            + "num_key_value_heads,head_dim,beam_width,attn_dtype,kv_cache_dtype,step,window_size,latency\n";
    private static final String MOE = "framework,version,device,op_name,kernel_source,moe_dtype,num_tokens,hidden_size,"
            + "inter_size,topk,num_experts,moe_tp_size,moe_ep_size,distribution,latency\n";

    @TempDir
    Path dir;

    private Path table(String framework, String op, String name, String content) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("h100_sxm").resolve(op).resolve(framework).resolve("0.0.0"));
        return Files.writeString(folder.resolve(name), content);
    }

    private static MeasuredTable read(Path f) {
        return MeasurementTables.read(f, Optional.empty());
    }

    private static List<String> names(Measurement m) {
        return m.kernels().stream().map(SimulationRequest::kernelName).toList();
    }

    @Test
    void vllmGemmRowsAreItsLinearLayersKernels() throws IOException {
        String row = "VLLM,0.0.0," + H100 + ",gemm,";
        MeasuredTable t = read(table("vllm", "gemm", "gemm_perf.csv", GEMM
                + row + "torch.nn.functional.linear,bfloat16,128,4096,4096,0.020\n"
                + row + "CutlassFP8ScaledMMLinearKernel,fp8,128,4096,4096,0.015\n"
                + row + "DeepGemmFp8BlockScaledMMKernel,fp8_block,256,4096,4096,0.018\n"
                + row + "CutlassNvFp4LinearKernel,nvfp4,128,4096,4096,0.010\n"
                + row + "PerTensorTorchScaledMMLinearKernel,fp8,128,4096,4096,0.015\n"));
        assertThat(t.rows()).isEqualTo(5);
        assertThat(t.measurements()).hasSize(4);
        // a per-tensor kernel: the max reduction, the quantization, then the per-tensor scaled GEMM
        assertThat(names(t.measurements().get(3))).containsExactly("segmented_max_reduction",
                "scaled_fp8_quant_kernel", "PerTensorTorchScaledMMLinearKernel");
        assertThat(t.measurements().get(3).subjectKernel().attributes()).containsEntry("gemm.scaling", "per-tensor");
        assertThat(t.skipped()).containsOnlyKeys(
                "gemm_dtype nvfp4 (vllm): the reader does not map FP4 block-scaled GEMM rows to kernels"
                        + " (their FP4 activation quantization and per-16-element scales)");

        Measurement bf16 = t.measurements().get(0);
        assertThat(bf16.group()).isEqualTo("gemm bf16 (vllm)");
        assertThat(bf16.kernels()).hasSize(1);
        assertThat(bf16.subjectKernel().family()).isEqualTo(OperationFamily.GEMM);

        // dynamic activations quantized per token, then the row-wise scaled GEMM vLLM selected
        Measurement fp8 = t.measurements().get(1);
        assertThat(names(fp8)).containsExactly("dynamic_per_token_scaled_fp8_quant_kernel",
                "CutlassFP8ScaledMMLinearKernel");
        assertThat(fp8.subjectKernel().kernelName()).isEqualTo("CutlassFP8ScaledMMLinearKernel");
        assertThat(fp8.subjectKernel().attributes()).containsEntry("gemm.scaling", "per-token");
        assertThat(fp8.subjectKernel().operand("A").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);

        Measurement block = t.measurements().get(2);
        assertThat(names(block)).containsExactly("per_token_group_quant_fp8", "DeepGemmFp8BlockScaledMMKernel");
        assertThat(block.subjectKernel().attributes()).containsEntry("gemm.scaling", "block");
        assertThat(block.kernels().get(0).operand("scale").orElseThrow().shape()).containsExactly(256L, 32L);
        assertThat(bf16.key()).startsWith("aiconfigurator_gemm|vllm|");
    }

    @Test
    void trtllmGemmRowsAreItsOwnQuantizationAndGemmKernels() throws IOException {
        String row = "TRTLLM,0.0.0," + H100 + ",gemm,";
        MeasuredTable t = read(table("trtllm", "gemm", "gemm_perf.csv", GEMM
                + row + "torch_flow,bfloat16,128,4096,4096,0.020\n"
                + row + "torch_flow,fp8,128,4096,4096,0.015\n"
                + row + "torch_flow,fp8_block,128,4096,4096,0.018\n"
                + row + "deepgemm,fp8_block,128,4096,4096,0.018\n"
                + row + "torch_flow,nvfp4,128,4096,4096,0.010\n"));
        assertThat(t.measurements()).hasSize(4);
        assertThat(t.skipped()).containsOnlyKeys(
                "gemm_dtype nvfp4 (trtllm): the reader does not map FP4 block-scaled GEMM rows to kernels"
                        + " (their FP4 activation quantization and per-16-element scales)");
        assertThat(t.measurements().get(0).group()).isEqualTo("gemm bf16 (trtllm)");
        assertThat(names(t.measurements().get(1))).containsExactly("computeFP8QuantizeScale",
                "quantize_e4m3_per_tensor", "cublas_scaled_mm");
        // Hopper: fp8_quantize_1x128 + fp8_block_scaling_gemm; Blackwell's rows say deepgemm
        assertThat(names(t.measurements().get(2))).containsExactly("fp8_quantize_1x128", "fp8_block_scaling_gemm");
        assertThat(names(t.measurements().get(3))).containsExactly("fp8_quantize_1x128", "deepgemm");
    }

    /**
     * TensorRT-LLM's attention (fused QKV preprocessing, RoPE and the KV-cache write in front of its FMHA / XQA
     * kernels) is one request per row with the operands and attributes of the rows that are priced, and its
     * implementation: a backend that models it can price it; whether one does is the backend's answer.
     */
    @Test
    void trtllmAttentionRowsAreOneRequestCarryingTheirImplementation() throws IOException {
        String row = "TRTLLM,0.0.0," + H100 + ",";
        MeasuredTable t = read(table("trtllm", "attention", "context_attention_perf.csv", ATTENTION
                + row + "context_attention,torch_flow,1,1024,32,8,128,1,bfloat16,bfloat16,0,0,0.100\n"
                + row + "context_attention,torch_flow,2,1024,32,8,128,1,fp8,fp8,0,0,0.080\n"));
        assertThat(t.rows()).isEqualTo(2);
        assertThat(t.skipped()).isEmpty();
        assertThat(t.measurements()).extracting(Measurement::group).containsExactly(
                "context attention bf16/bf16 (trtllm)", "context attention fp8_e4m3/fp8_e4m3 (trtllm)");
        Measurement fp8 = t.measurements().get(1);
        assertThat(names(fp8)).containsExactly("attention_prefill");
        assertThat(fp8.subjectKernel().attributes()).containsEntry("attention.implementation", "trtllm")
                .containsEntry("attention.phase", "prefill").containsEntry("attention.batch", "2")
                .containsEntry("attention.q_len", "1024").containsEntry("attention.kind", "gqa");
        assertThat(fp8.subjectKernel().operand("k").orElseThrow().shape()).containsExactly(2048L, 8L, 128L);
        assertThat(fp8.subjectKernel().operand("q").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);
        assertThat(fp8.key()).startsWith("aiconfigurator_attention|trtllm|");
    }

    @Test
    void vllmAttentionRowsNameTheirBackendsKernel() throws IOException {
        String row = "VLLM,0.0.0," + H100 + ",generation_attention,";
        MeasuredTable t = read(table("vllm", "attention", "generation_attention_perf.csv", ATTENTION
                + row + "vllm_flash_attn_fa3,8,1,32,8,128,1,bfloat16,fp8,1023,0,0.030\n"
                + row + "vllm_flash_attn_fa2,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_flashinfer_fidecode,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_flashinfer_trtllmdecode,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_triton_attn,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_flash_attn_fa4,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_flex_attention,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + ",8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"));
        assertThat(t.measurements()).extracting(m -> m.subjectKernel().attributes().get("attention.implementation"))
                .containsExactly("fa3", "fa2", "flashinfer", "trtllm-gen", "triton", "fa4",
                        "vllm_flex_attention");
        assertThat(t.measurements()).extracting(Measurement::group).startsWith(
                "generation attention bf16/fp8_e4m3 (vllm fa3)", "generation attention bf16/bf16 (vllm fa2)",
                "generation attention bf16/bf16 (vllm flashinfer)");
        // the KV-cache store and the attention kernel: reshape_and_cache_flash converts to fp8 itself and the
        // collector casts the queries before the timed call, so an fp8 cache adds no cast kernel
        Measurement fa3 = t.measurements().get(0);
        assertThat(fa3.kernels()).hasSize(2);
        assertThat(fa3.kernels().get(0).operand("k_cache").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);
        assertThat(fa3.subjectKernel().family()).isEqualTo(OperationFamily.ATTENTION);
        // every backend's row is the same two kernels; only a row naming no backend is the table's own gap
        assertThat(t.measurements()).allSatisfy(m -> assertThat(names(m)).containsExactly("store_kv_cache",
                "attention_decode"));
        assertThat(t.skipped()).containsOnlyKeys("vllm attention row without a kernel_source: the table does not say"
                + " which backend's kernels it timed");
    }

    @Test
    void sglangsNewerBackendsAreNamedFlashInferAndTrtllmGen() throws IOException {
        // sglang's collector picks flashinfer on SM89/SM120 and trtllm_mha on SM100/103 (its kernel_source)
        String row = "SGLang,0.0.0,NVIDIA L40S,generation_attention,";
        MeasuredTable t = read(table("sglang", "attention", "generation_attention_perf.csv", ATTENTION
                + row + "flashinfer,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "trtllm_mha,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"));
        assertThat(t.measurements()).hasSize(2);
        assertThat(t.measurements().get(0)).satisfies(m -> {
            assertThat(m.group()).isEqualTo("generation attention bf16/bf16 (flashinfer)");
            assertThat(m.subjectKernel().attributes()).containsEntry("attention.implementation", "flashinfer");
        });
        assertThat(t.measurements().get(1)).satisfies(m -> {
            assertThat(m.group()).isEqualTo("generation attention bf16/bf16 (trtllm_mha)");
            assertThat(m.subjectKernel().attributes()).containsEntry("attention.implementation", "trtllm-gen");
            assertThat(names(m)).containsExactly("store_kv_cache", "attention_decode");
        });
        assertThat(t.skipped()).isEmpty();
    }

    @Test
    void moeRowsAreTheTritonKernelsOrOneRequestNamingTheirImplementation() throws IOException {
        String v = "VLLM,0.0.0," + H100 + ",moe,";
        MeasuredTable vllm = read(table("vllm", "moe", "moe_perf.csv", MOE
                + v + "vllm_unquantizedfusedmoe_triton_tritonexperts,bfloat16,64,4096,1536,8,128,1,1,uniform,0.2\n"
                + v + "vllm_fp8moe_flashinfer_cutlass_flashinfercutlassexperts,fp8_block,64,4096,1536,8,128,1,1,"
                + "uniform,0.2\n"));
        assertThat(vllm.measurements()).hasSize(2);
        Measurement m = vllm.measurements().get(0);
        assertThat(m.group()).isEqualTo("moe bfloat16 uniform (vllm)");
        assertThat(names(m)).containsExactly("moe_align_block_size", "fused_moe_kernel", "silu_and_mul",
                "fused_moe_kernel", "moe_sum_reduce");
        assertThat(m.subjectKernel().attributes()).containsEntry("moe.implementation", "triton");
        String cutlass = "vllm_fp8moe_flashinfer_cutlass_flashinfercutlassexperts";
        assertThat(vllm.measurements().get(1)).satisfies(c -> {
            assertThat(names(c)).containsExactly("fused_moe");
            assertThat(c.subjectKernel().attributes()).containsEntry("moe.implementation", cutlass)
                    .containsEntry("moe.stage", "fused").containsEntry("moe.top_k", "8");
            assertThat(c.subjectKernel().operand("w1").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);
            assertThat(c.subjectKernel().operand("w1").orElseThrow().shape()).containsExactly(128L, 3072L, 4096L);
        });
        assertThat(vllm.skipped()).isEmpty();

        String t = "TRTLLM,0.0.0," + H100 + ",moe,";
        MeasuredTable trtllm = read(table("trtllm", "moe", "moe_perf.csv", MOE
                + t + "moe_torch_flow,bfloat16,64,4096,1536,8,128,1,1,uniform,0.2\n"
                + t + "moe_torch_flow_cutlass,fp8_block,64,4096,1536,8,128,1,1,uniform,0.2\n"));
        assertThat(trtllm.measurements()).extracting(x -> x.subjectKernel().attributes().get("moe.implementation"))
                .containsExactly("moe_torch_flow", "moe_torch_flow_cutlass");
        assertThat(trtllm.skipped()).isEmpty();

        // a row that names no kernels is the table's gap: counted with that reason, not guessed as Triton
        MeasuredTable unnamed = read(table("vllm", "moe", "moe_perf.csv", MOE
                + v + ",bfloat16,64,4096,1536,8,128,1,1,uniform,0.2\n"));
        assertThat(unnamed.measurements()).isEmpty();
        assertThat(unnamed.skipped()).containsOnlyKeys("vllm moe row without a kernel_source: the table does not say"
                + " which MoE kernels it timed");
    }

    @Test
    void mlaRowsOfOtherFrameworksCarryTheirImplementationAndMlaBmmIsPricedWhereItIsAPlainBmm() throws IOException {
        MeasuredTable mla = read(table("trtllm", "mla", "generation_mla_perf.csv",
                "framework,version,device,op_name,kernel_source,mla_dtype,kv_cache_dtype,num_heads,batch_size,isl,"
                        + "tp_size,step,latency\n"
                        + "TRTLLM,0.0.0," + H100 + ",mla_generation,default,bfloat16,bfloat16,16,8,1,8,1024,0.05\n"));
        assertThat(mla.skipped()).isEmpty();
        assertThat(mla.measurements()).singleElement().satisfies(m -> {
            assertThat(m.group()).isEqualTo("generation mla bf16 (trtllm)");
            assertThat(m.subjectKernel().attributes()).containsEntry("attention.implementation", "trtllm")
                    .containsEntry("attention.kind", "mla").containsEntry("attention.kv_len", "1025");
            assertThat(m.subjectKernel().operand("q").orElseThrow().shape()).containsExactly(8L, 16L, 576L);
        });

        // vLLM's prefill runs non-absorbed: 192-wide queries and keys, 128-wide values; its backend is the source
        MeasuredTable vllmMla = read(table("vllm", "mla", "context_mla_perf.csv",
                "framework,version,device,op_name,kernel_source,mla_dtype,kv_cache_dtype,num_heads,batch_size,isl,"
                        + "tp_size,step,latency\n"
                        + "VLLM,0.0.0," + H100 + ",mla_context,vllm_flashmla,bfloat16,bfloat16,16,2,512,8,0,0.05\n"
                        + "VLLM,0.0.0," + H100 + ",mla_context,,bfloat16,bfloat16,16,2,512,8,0,0.05\n"));
        assertThat(vllmMla.measurements()).singleElement().satisfies(m -> {
            assertThat(m.group()).isEqualTo("context mla bf16 (vllm)");
            assertThat(m.subjectKernel().attributes()).containsEntry("attention.implementation", "vllm_flashmla");
            assertThat(m.subjectKernel().operand("k").orElseThrow().shape()).containsExactly(1024L, 16L, 192L);
            assertThat(m.subjectKernel().operand("v").orElseThrow().shape()).containsExactly(1024L, 16L, 128L);
        });
        assertThat(vllmMla.skipped()).containsOnlyKeys("vllm mla row without a kernel_source: the table does not say"
                + " which MLA backend's kernels it timed");

        String header = "framework,version,device,op_name,kernel_source,bmm_dtype,num_tokens,num_heads,latency\n";
        MeasuredTable trtllm = read(table("trtllm", "mla_bmm", "mla_bmm_perf.csv", header
                + "TRTLLM,0.0.0," + H100 + ",mla_gen_pre,trtllm_bmm_out,bfloat16,64,16,0.01\n"
                + "TRTLLM,0.0.0," + H100 + ",mla_gen_pre,trtllm_fp8_block_scaling_bmm_out,fp8,64,16,0.01\n"));
        assertThat(trtllm.measurements()).hasSize(1);
        assertThat(trtllm.measurements().get(0).subjectKernel().family()).isEqualTo(OperationFamily.BMM);
        assertThat(trtllm.measurements().get(0).key()).startsWith("aiconfigurator_mla_bmm|trtllm|");
        assertThat(trtllm.skipped().keySet()).singleElement().asString()
                .startsWith("trtllm mla_bmm fp8 (trtllm_fp8_block_scaling_bmm_out): the reader does not map");

        MeasuredTable vllm = read(table("vllm", "mla_bmm", "mla_bmm_perf.csv", header
                + "VLLM,0.0.0," + H100 + ",mla_gen_post,vllm_torch_bmm,bfloat16,64,16,0.01\n"));
        assertThat(vllm.measurements()).singleElement().satisfies(m -> assertThat(m.subjectKernel().operand("A")
                .orElseThrow().shape()).containsExactly(16L, 64L, 512L));
    }

    @Test
    void allReduceRowsOfOtherFrameworksCarryTheFrameworksDispatch() throws IOException {
        // TensorRT-LLM's table has an implementation column where sglang's and vLLM's have backend
        MeasuredTable trtllm = read(table("trtllm", "comm", "custom_allreduce_perf.csv",
                "framework,version,device,op_name,kernel_source,allreduce_dtype,num_gpus,message_size,latency,"
                        + "implementation\n"
                        + "TRTLLM,0.0.0," + H100 + ",all_reduce,TRTLLM,bfloat16,8,1024,0.01,trtllm\n"));
        assertThat(trtllm.format()).isEqualTo(TableFormat.AICONFIGURATOR_CUSTOM_ALLREDUCE.label());
        assertThat(trtllm.skipped()).isEmpty();
        assertThat(trtllm.measurements()).singleElement().satisfies(m -> {
            assertThat(m.group()).isEqualTo("all_reduce < 1 MiB (trtllm)");
            assertThat(m.subjectKernel().attributes()).containsEntry("collective.implementation", "trtllm")
                    .containsEntry("collective.group_size", "8");
            assertThat(m.subjectKernel().operand("input").orElseThrow().shape()).containsExactly(1024L);
        });

        String row = "vLLM,0.0.0," + H100 + ",all_reduce,";
        MeasuredTable vllm = read(table("vllm", "comm", "custom_allreduce_perf.csv",
                "framework,version,device,op_name,kernel_source,allreduce_dtype,num_gpus,message_size,latency,backend\n"
                        + row + "vLLM_custom_graph,bfloat16,8,1024,0.01,vllm_graph\n"
                        + row + "vLLM_custom_eager,bfloat16,8,1024,0.04,vllm_eager\n"));
        assertThat(vllm.measurements()).singleElement().satisfies(m -> assertThat(m.subjectKernel().attributes())
                .containsEntry("collective.implementation", "vllm"));
        assertThat(vllm.skipped()).containsOnlyKeys(
                "eager timing (adds 30-40 us of host overhead; the graph rows are the kernel reference)");
    }

    @Test
    void ncclRowsAreNcclWhateverFrameworkTagsThem() throws IOException {
        MeasuredTable t = read(table("trtllm", "comm", "nccl_perf.csv",
                "framework,version,device,op_name,kernel_source,nccl_dtype,num_gpus,message_size,latency\n"
                        + "TRTLLM,2.0.0," + H100 + ",all_reduce,NCCL,half,8,1048576,0.05\n"));
        assertThat(t.measurements()).singleElement().satisfies(m -> assertThat(m.subjectKernel().kernelName())
                .isEqualTo("nccl:all_reduce"));
    }

    @Test
    void withoutAFrameworkColumnTheFolderTellsItAndAnUnknownFrameworkIsCountedNotGuessed() throws IOException {
        MeasuredTable folder = read(table("vllm", "gemm", "gemm_perf.csv",
                "device,gemm_dtype,m,n,k,latency\n" + H100 + ",fp8,128,4096,4096,0.015\n"));
        assertThat(folder.measurements()).singleElement().satisfies(m -> assertThat(m.group())
                .isEqualTo("gemm fp8 (+ per-token quantization) (vllm)"));

        // a folder named after a framework above aiconfigurator's <framework>/<version>/ levels says nothing
        Path deeper = Files.createDirectories(dir.resolve("vllm").resolve("h100_sxm").resolve("gemm").resolve("mine"));
        MeasuredTable own = read(Files.writeString(deeper.resolve("gemm_perf.csv"),
                "device,gemm_dtype,m,n,k,latency\n" + H100 + ",fp8,128,4096,4096,0.015\n"));
        assertThat(own.measurements()).singleElement().satisfies(m -> assertThat(m.group()).doesNotContain("vllm"));

        MeasuredTable other = read(table("myserve", "gemm", "gemm_perf.csv",
                GEMM + "MyServe,1.0," + H100 + ",gemm,own,bfloat16,128,4096,4096,0.02\n"));
        assertThat(other.measurements()).isEmpty();
        assertThat(other.skipped().keySet()).singleElement().asString()
                .startsWith("framework MyServe: the reader knows");
    }

    @Test
    void aTableKindFlowSimDoesNotReadIsBadInputNamingTheFileAndTheKindEvenWithAKnownHeader() throws IOException {
        // encoder attention shares the attention columns but is bidirectional: not priced as causal context attention
        Path encoder = table("vllm", "encoder_attention", "encoder_attention_perf.csv", ATTENTION
                + "VLLM,0.0.0," + H100 + ",encoder_attention,vllm_flash_attn_fa3,1,1024,16,16,64,1,bfloat16,bfloat16,"
                + "0,0,0.05\n");
        assertThatThrownBy(() -> read(encoder)).isInstanceOf(FlowsimException.class)
                .hasMessageStartingWith(encoder + ": aiconfigurator table kind 'encoder_attention_perf' is not one"
                        + " FlowSim reads")
                .satisfies(e -> assertThat(((FlowsimException) e).code()).isEqualTo(ErrorCode.BAD_INPUT));

        Path mamba = table("trtllm", "linear_attention", "mamba2_perf.csv",
                "framework,version,device,op_name,kernel_source,batch_size,isl,d_state,latency\n"
                        + "TRTLLM,0.0.0," + H100 + ",mamba2,torch_flow,1,1024,128,0.1\n");
        assertThatThrownBy(() -> read(mamba)).isInstanceOf(FlowsimException.class)
                .hasMessageStartingWith(mamba + ": aiconfigurator table kind 'mamba2_perf' is not one FlowSim reads;"
                        + " it reads gemm_perf, ");
    }
}
