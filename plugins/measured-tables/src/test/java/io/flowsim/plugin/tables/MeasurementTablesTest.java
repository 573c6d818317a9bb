package io.flowsim.plugin.tables;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.MeasuredTable;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MeasurementTablesTest {

    static Path fixture(String name) {
        try {
            return Paths.get(MeasurementTablesTest.class.getResource("/handwritten/tables/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Property flowsim.shared.dir, else FLOWSIM_SHARED_DIR, else the test is skipped. */
    static Path shared() {
        String prop = System.getProperty("flowsim.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Paths.get(prop);
        }
        String env = System.getenv("FLOWSIM_SHARED_DIR");
        assumeTrue(env != null && Files.isDirectory(Paths.get(env)), "shared data not available");
        return Paths.get(env);
    }

    @Test
    void gemmRowsBecomeTheKernelsTheyTimed() {
        MeasuredTable t = MeasurementTables.read(fixture("gemm_small.csv"), Optional.empty());
        assertThat(t.format()).isEqualTo(TableFormat.AICONFIGURATOR_GEMM.label());
        assertThat(t.gpu()).isEqualTo("NVIDIA H100 80GB HBM3");
        assertThat(t.rows()).isEqualTo(4);
        assertThat(t.measurements()).hasSize(3);
        assertThat(t.skipped()).containsOnlyKeys("gemm_dtype int4: no mapping to operand types");

        Measurement bf16 = t.measurements().get(0);
        assertThat(bf16.measuredNs()).isEqualTo(20_000);
        assertThat(bf16.group()).isEqualTo("gemm bf16");
        SimulationRequest g = bf16.subjectKernel();
        assertThat(g.family()).isEqualTo(OperationFamily.GEMM);
        assertThat(g.operand("A").orElseThrow().shape()).containsExactly(128L, 4096L);
        assertThat(g.operand("B").orElseThrow().shape()).containsExactly(4096L, 4096L);

        Measurement fp8 = t.measurements().get(1);
        assertThat(fp8.kernels()).hasSize(2);
        assertThat(fp8.kernels().get(0).family()).isEqualTo(OperationFamily.ELEMENTWISE);
        assertThat(fp8.subjectKernel().operand("A").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);
        assertThat(fp8.subjectKernel().attributes()).containsEntry("gemm.scaling", "per-token");

        Measurement block = t.measurements().get(2);
        assertThat(block.subjectKernel().attributes()).containsEntry("gemm.scaling", "block");
        assertThat(block.key()).isNotEqualTo(bf16.key());
    }

    @Test
    void fp8MlaBmmRowsTimeTheTwoKernelsOfThePerTensorQuantizationAndTheBmm() {
        MeasuredTable t = MeasurementTables.read(fixture("mla_bmm_small.csv"), Optional.empty());
        assertThat(t.measurements()).hasSize(2);
        assertThat(t.measurements().get(0).kernels()).hasSize(1);

        Measurement fp8 = t.measurements().get(1);
        assertThat(fp8.group()).isEqualTo("mla_bmm fp8 (+ quantization)");
        assertThat(fp8.kernels()).extracting(SimulationRequest::kernelName)
                .containsExactly("_per_tensor_quant_mla_fp8_stage1", "_per_tensor_quant_mla_fp8_stage2", "bmm_fp8");
        SimulationRequest absmax = fp8.kernels().get(0);
        assertThat(absmax.family()).isEqualTo(OperationFamily.REDUCTION);
        assertThat(absmax.operand("input").orElseThrow().shape()).containsExactly(16L * 64, 128L);
        // one Triton program per (token, head) row, each with its own atomic on the scale
        assertThat(absmax.launch().orElseThrow().grid().volume()).isEqualTo(16L * 64);
        assertThat(fp8.kernels().get(1).launch().orElseThrow().grid().volume()).isEqualTo(16L * 64);
        assertThat(fp8.subjectKernel().family()).isEqualTo(OperationFamily.BMM);
        assertThat(fp8.subjectKernel().operand("A").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);
    }

    @Test
    void mlaBmmRowsSayTheirLoopReplaysOneCallOnTheSameTensors() {
        MeasuredTable t = MeasurementTables.read(fixture("mla_bmm_small.csv"), Optional.empty());
        // mla_gen_pre, 16 heads x 64 tokens: [64, 128] x [128, 512] -> [64, 512] per head
        SimulationRequest bf16 = t.measurements().get(0).subjectKernel();
        assertThat(bf16.attributes()).containsEntry(Attributes.MEASUREMENT_LOOP_BYTES.name(),
                String.valueOf(16L * (64 * 128 + 128 * 512 + 64 * 512) * 2));
        assertThat(bf16.attributes()).containsEntry(Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), "1");
        // fp8: also the quantized activations; the weight is 8-bit
        SimulationRequest fp8 = t.measurements().get(1).subjectKernel();
        assertThat(fp8.attributes()).containsEntry(Attributes.MEASUREMENT_LOOP_BYTES.name(),
                String.valueOf(16L * (64 * 128 * 3 + 128 * 512 + 64 * 512 * 2)));
        assertThat(fp8.attributes()).doesNotContainKey(Attributes.MEASUREMENT_CALLS_PER_REPLAY.name());
        assertThat(t.measurements().get(1).kernels().get(0).attributes())
                .doesNotContainKey(Attributes.MEASUREMENT_LOOP_BYTES.name());
    }

    @Test
    void gzipIsDetectedByItsMagicBytes(@TempDir Path dir) throws IOException {
        Path gz = dir.resolve("renamed.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(fixture("gemm_small.csv")));
        }
        assertThat(MeasurementTables.read(gz, Optional.empty()).measurements()).hasSize(3);
    }

    @Test
    void theGpuComesFromThePathWithoutADeviceColumnAndMultiNodeRowsCarryTheirLayout() {
        MeasuredTable t = MeasurementTables.read(fixture("a100/all_reduce.csv"), Optional.empty());
        assertThat(t.format()).isEqualTo(TableFormat.VIDUR_ALL_REDUCE.label());
        assertThat(t.gpu()).isEqualTo("A100");
        assertThat(t.measurements()).hasSize(2);
        assertThat(t.measurements().get(0).subjectKernel().collective().orElseThrow().groupSize()).isEqualTo(8);
        assertThat(t.measurements().get(0).group()).isEqualTo("vidur all_reduce >= 1 MiB");
        assertThat(t.measurements().get(0).subjectKernel().attributes())
                .doesNotContainKey(Attributes.COLLECTIVE_GPUS_PER_NODE.name());
        // 16 workers, 8 per node: two nodes, its own group, the layout as an attribute
        assertThat(t.measurements().get(1).subjectKernel().collective().orElseThrow().groupSize()).isEqualTo(16);
        assertThat(t.measurements().get(1).group()).isEqualTo("vidur all_reduce across nodes >= 1 MiB");
        assertThat(t.measurements().get(1).subjectKernel().attributes())
                .containsEntry(Attributes.COLLECTIVE_GPUS_PER_NODE.name(), "8");
        assertThat(t.skippedRows()).isZero();
        assertThat(MeasurementTables.read(fixture("a100/all_reduce.csv"), Optional.of("H100")).gpu()).isEqualTo("H100");
    }

    /**
     * aiconfigurator's system folders (read from its public systems/*.yaml specs) and vidur's: each names the GPU
     * its profile answers to; the PCIe folders the PCIe cards (aiconfigurator's a100_pcie system is the 80 GB
     * card); the 141 GB H20's folders (h20e_sxm, h20_3e) as H20E, not the 96 GB H20. The folder nearest the table
     * decides.
     */
    @ParameterizedTest
    @CsvSource({
        "a100_sxm, A100", "a100_dgx, A100", "a100, A100", "a100_pcie, A100 80GB PCIe", "h100_sxm, H100",
        "h100_pcie, H100 PCIe", "h200_sxm, H200", "h800_sxm, H800", "h800, H800", "h20_sxm, H20", "h20, H20",
        "h20e_sxm, H20E", "h20_3e, H20E", "b200_sxm, B200", "gb200, GB200", "gb200_sxm, GB200", "b300_sxm, B300",
        "gb300, GB300", "l40s, L40S", "l4, L4", "a30, A30", "a10, A10", "a40, A40", "v100, V100", "t4, T4",
        "L40S-runs, L40S", "rtx_pro_6000_server, NVIDIA RTX PRO 6000 Blackwell Server Edition",
        "b60, Intel Arc Pro B60"})
    void everySystemFolderNamesItsGpu(String folder, String gpu, @TempDir Path dir) throws IOException {
        Path table = Files.createDirectories(dir.resolve("h100_sxm").resolve(folder).resolve("gemm").resolve("sglang"))
                .resolve("gemm_perf.csv");
        // hand-made: the header of aiconfigurator's GEMM table without its device column, one row written here
        Files.writeString(table, "framework,version,op_name,kernel_source,gemm_dtype,m,n,k,latency\n"
                + "SGLang,0.0.0,gemm,handwritten,bfloat16,128,4096,4096,0.050\n");
        MeasuredTable t = MeasurementTables.read(table, Optional.empty());
        assertThat(t.gpu()).isEqualTo(gpu);
        assertThat(t.measurements()).hasSize(1);
        assertThat(MeasurementTables.gpuFromPath(table)).hasValue(gpu);
    }

    @ParameterizedTest
    @CsvSource({"rtx_pro_6000", "b600", "a1000", "t40", "h2", "gemm"})
    void foldersThatNameNoKnownGpuLeaveItToTheUser(String folder, @TempDir Path dir) {
        assertThat(MeasurementTables.gpuFromPath(dir.resolve(folder).resolve("gemm_perf.csv"))).isEmpty();
    }

    @Test
    void unknownAndMissingTablesAreBadInputNamingTheFile() {
        Path unknown = fixture("unknown_format.csv");
        assertThatThrownBy(() -> MeasurementTables.read(unknown, Optional.of("H100")))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains(unknown.toString()).contains("unknown table format");
                });
        Path missing = unknown.resolveSibling("absent.csv");
        assertThatThrownBy(() -> MeasurementTables.read(missing, Optional.empty()))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.getMessage())
                        .contains("table not found").contains(missing.toString()));
    }

    /** A hand-written table without a device column, in a folder that names no GPU: its rows counted in the line. */
    @Test
    void aTableWhoseGpuCannotBeToldSaysHowManyRowsAreLeftOutAndWhatToPass(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("gemm_sweep.csv");
        Files.writeString(f, "gemm_dtype,m,n,k,latency\nbfloat16,1,4096,4096,0.015\nbfloat16,2,4096,4096,0.016\n"
                + "bfloat16,4,4096,4096,0.017\n");
        assertThatThrownBy(() -> MeasurementTables.read(f, Optional.empty()))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains(f.toString()).contains("its 3 rows are not used")
                            .contains("--gpu NAME").contains("give this table alone");
                });
        assertThat(MeasurementTables.read(f, Optional.of("H200")).measurements()).hasSize(3);
    }

    @Test
    void aMalformedNumberNamesTheLineAndColumn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "gemm_dtype,m,n,k,latency\nbfloat16,12x,4,4,0.1\n");
        assertThatThrownBy(() -> MeasurementTables.read(f, Optional.of("H100")))
                .isInstanceOfSatisfying(FlowsimException.class, e -> assertThat(e.getMessage())
                        .contains(f.toString()).contains("line 2").contains("column m"));
    }

    /** Row counts from the inventory in groundtruth/README.md (counted independently of this code). */
    @ParameterizedTest
    @CsvSource({
        "aiconfigurator/a100_sxm/gemm/sglang/0.5.10/gemm_perf.csv.gz, AICONFIGURATOR_GEMM, 35742",
        "aiconfigurator/h100_sxm/gemm/sglang/0.5.14/gemm_perf.csv.gz, AICONFIGURATOR_GEMM, 101010",
        "aiconfigurator/a100_sxm/attention/sglang/0.5.10/context_attention_perf.csv.gz, AICONFIGURATOR_ATTENTION, 5627",
        "aiconfigurator/h100_sxm/mla/sglang/0.5.14/generation_mla_perf.csv.gz, AICONFIGURATOR_MLA, 5792",
        "aiconfigurator/h100_sxm/mla_bmm/sglang/0.5.14/mla_bmm_perf.csv.gz, AICONFIGURATOR_MLA_BMM, 1696",
        "aiconfigurator/a100_sxm/moe/sglang/0.5.10/moe_perf.csv.gz, AICONFIGURATOR_MOE, 55566",
        "aiconfigurator/h100_sxm/comm/nccl/2.29.2/nccl_perf.csv.gz, AICONFIGURATOR_NCCL, 504",
        "aiconfigurator/a100_sxm/comm/sglang/0.5.10/custom_allreduce_perf.csv.gz, AICONFIGURATOR_CUSTOM_ALLREDUCE, 138",
        "vidur/compute/a100/microsoft/phi-2/mlp.csv, VIDUR_MLP, 261",
        "vidur/network/a100_dgx/send_recv.csv, VIDUR_SEND_RECV, 1988"})
    void readsEverySharedTable(String path, TableFormat format, long rows) {
        Path file = shared().resolve("data/groundtruth").resolve(path);
        assumeTrue(Files.exists(file), file + " absent");
        MeasuredTable t = MeasurementTables.read(file, Optional.empty());
        assertThat(t.format()).isEqualTo(format.label());
        assertThat(t.rows()).isEqualTo(rows);
        assertThat(t.measurements().size() + t.skippedRows())
                .as("every row is either a measurement or counted as skipped (a vidur mlp row holds one measurement"
                        + " per timed op: 9 for phi-2, which has no post-attention norm)")
                .isGreaterThanOrEqualTo(format == TableFormat.VIDUR_MLP ? rows * 9 : rows);
        assertThat(t.gpu()).isNotBlank();
    }

    @Test
    void anEightBitCacheUnderSixteenBitActivationsAlsoTimesTheCasts(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("generation_attention_perf.csv");
        String row = "SGLang,0.5.14,NVIDIA H100 80GB HBM3,generation_attention,";
        Files.writeString(f, "framework,version,device,op_name,kernel_source,batch_size,isl,num_heads,num_key_value_heads,"
                + "head_dim,beam_width,attn_dtype,kv_cache_dtype,step,window_size,latency\n"
                + row + "fa3,4,1,32,8,128,1,bfloat16,fp8,1023,0,0.02\n"
                + row + "triton,4,1,32,8,128,1,bfloat16,fp8,1023,0,0.02\n"
                + row + "fa3,4,1,32,8,128,1,bfloat16,bfloat16,1023,0,0.02\n");
        java.util.List<Measurement> ms = MeasurementTables.read(f, Optional.empty()).measurements();
        // FA3: the new K and V and the queries cast to fp8, then the store and the attention kernel
        assertThat(ms.get(0).kernels()).hasSize(5);
        assertThat(ms.get(0).subjectKernel().family()).isEqualTo(OperationFamily.ATTENTION);
        SimulationRequest q = ms.get(0).kernels().get(2);
        assertThat(q.operand("input").orElseThrow().shape()).containsExactly(4L, 32L, 128L);
        assertThat(q.operand("output").orElseThrow().dataType()).isEqualTo(DataType.FP8_E4M3);
        // Triton keeps 16-bit queries: K and V only
        assertThat(ms.get(1).kernels()).hasSize(4);
        assertThat(ms.get(1).subjectKernel().family()).isEqualTo(OperationFamily.ATTENTION);
        // a 16-bit cache casts nothing
        assertThat(ms.get(2).kernels()).hasSize(2);
    }

    /** One MLA context row of the aiconfigurator header, hand-made (made-up latency), measured on the given device. */
    private static Path mlaTable(Path dir, String device) throws IOException {
        Path f = dir.resolve("context_mla_perf.csv");
        Files.writeString(f, "framework,version,device,op_name,kernel_source,mla_dtype,kv_cache_dtype,num_heads,"
                + "batch_size,isl,tp_size,step,latency\n"
                + "SGLang,0.5.14," + device + ",context_mla,default,bfloat16,bfloat16,128,1,1024,1,0,0.5\n");
        return f;
    }

    private static long queryHeadDim(MeasuredTable t) {
        SimulationRequest attention = t.measurements().get(0).subjectKernel();
        assertThat(attention.family()).isEqualTo(OperationFamily.ATTENTION);
        java.util.List<Long> q = attention.operand("q").orElseThrow().shape();
        return q.get(q.size() - 1);
    }

    @Test
    void theMlaLayoutFollowsTheSimulatedGpuNotTheTablesDeviceColumn(@TempDir Path dir) throws IOException {
        // measured on an H200 (absorbed prefill: 576-wide latent queries) ...
        Path table = mlaTable(dir, "NVIDIA H200");
        assertThat(queryHeadDim(MeasurementTables.read(table, Optional.empty()))).isEqualTo(576);
        // ... but simulated on a B200, whose prefill is non-absorbed: 192-wide queries
        MeasuredTable onB200 = MeasurementTables.read(table, Optional.of("B200"));
        assertThat(onB200.gpu()).isEqualTo("B200");
        assertThat(queryHeadDim(onB200)).isEqualTo(192);
        // and the other way round: a Blackwell table simulated on an H100 gets the Hopper layout
        assertThat(queryHeadDim(MeasurementTables.read(mlaTable(dir, "NVIDIA B200"), Optional.of("H100"))))
                .isEqualTo(576);
    }

    @Test
    void withoutADeviceColumnTheGpuInThePathChoosesTheMlaLayout(@TempDir Path dir) throws IOException {
        Path b200 = Files.createDirectories(dir.resolve("b200_sxm/mla"));
        Path f = b200.resolve("context_mla_perf.csv");
        Files.writeString(f, "op_name,mla_dtype,kv_cache_dtype,num_heads,batch_size,isl,tp_size,step,latency\n"
                + "context_mla,bfloat16,bfloat16,128,1,1024,1,0,0.5\n");
        MeasuredTable t = MeasurementTables.read(f, Optional.empty());
        assertThat(t.gpu()).isEqualTo("B200");
        assertThat(queryHeadDim(t)).isEqualTo(192);
    }
}
