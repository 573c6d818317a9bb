package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flowsim validate} with the bundled analytical backend on a table mixing rows it prices and rows of
 * implementations it has no model for: the unpriced rows are counted in their groups' rows, not in the predicted
 * column or any accuracy figure, and listed under the backend's reasons; none is a "skipped" row of the reader.
 * The tables are HAND-MADE here (aiconfigurator's vLLM and TensorRT-LLM attention headers, made-up latencies).
 * Skipped when the plugin zips are not built.
 */
class UnmodelledRowsValidateEndToEndTest {

    private static final String HEADER = "framework,version,device,op_name,kernel_source,batch_size,isl,num_heads,"
            + "num_key_value_heads,head_dim,beam_width,attn_dtype,kv_cache_dtype,step,window_size,latency\n";

    @TempDir
    Path dir;

    @Test
    void rowsTheBackendDoesNotModelAreCountedUnderItsReasonsAndNeverInAFigure() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        String row = "VLLM,0.0.0,NVIDIA H100 80GB HBM3,generation_attention,";
        Path vllm = Files.createDirectories(dir.resolve("tables/h100_sxm/attention/vllm/0.0.0"))
                .resolve("generation_attention_perf.csv");
        Files.writeString(vllm, HEADER
                + row + "vllm_flash_attn_fa3,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_flash_attn_fa3,16,1,32,8,128,1,bfloat16,bfloat16,2047,0,0.040\n"
                + row + "vllm_flash_attn_fa4,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n"
                + row + "vllm_flashinfer_trtllmdecode,8,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.030\n");
        Path trtllm = Files.createDirectories(dir.resolve("tables/h100_sxm/attention/trtllm/0.0.0"))
                .resolve("context_attention_perf.csv");
        Files.writeString(trtllm, HEADER + "TRTLLM,0.0.0,NVIDIA H100 80GB HBM3,context_attention,torch_flow,1,1024,32,"
                + "8,128,1,bfloat16,bfloat16,0,0,0.100\n");

        CliRun r = BundledPluginRun.run(plugins, "validate", dir.resolve("tables").toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        String out = r.out();
        // rows, then predicted: the fa3 group is fully priced, the others counted with no figure
        assertThat(out).containsPattern("generation attention bf16/bf16 \\(vllm fa3\\) +2 +2 +[0-9.]+%")
                .containsPattern("generation attention bf16/bf16 \\(vllm fa4\\) +1 +0 +- +- +- +-")
                .containsPattern("generation attention bf16/bf16 \\(vllm trtllm-gen\\) +1 +0 +- +- +- +-")
                .containsPattern("context attention bf16/bf16 \\(trtllm\\) +1 +0 +- +- +- +-");
        assertThat(out).contains("Not predicted by the backend:")
                .contains("(vllm fa4): 1 x attention_decode: no model for FlashAttention 4's attention kernels")
                .contains("(vllm trtllm-gen): 1 x attention_decode: no model for FlashInfer's TensorRT-LLM-gen"
                        + " attention kernels")
                .contains("context attention bf16/bf16 (trtllm): 1 x attention_prefill: no model for TensorRT-LLM's"
                        + " attention kernels")
                .doesNotContain("Rows skipped").doesNotContain("not predicted:");
    }
}
