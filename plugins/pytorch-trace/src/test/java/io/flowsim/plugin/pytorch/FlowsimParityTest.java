package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.ShapeSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row-by-row comparison with the original FlowSim parser's CSV for the H200 sglang trace
 * ({@code shared/data/flowsim/derived/test_trace.trace.csv}; reference-flowsim.md §8). Every cell
 * of Name, Duration, Dims, Data Type and Call Stack must be equal, except where the original is
 * wrong or blind, which docs/parity.md lists with the cause:
 * <ul>
 *   <li>the 10 call stacks the original takes from the wrong launch (data rows 60, 284, 492, 505,
 *       511, 524, 578, 591, 597, 610), and 10 more fused_moe_kernel rows with the same cause;</li>
 *   <li>the kernels launched inside sglang shape labels, which the original leaves {@code N/A}.</li>
 * </ul>
 */
class FlowsimParityTest {

    /** reference-flowsim.md §8: rows (1-based, header excluded) whose call stack the original gets wrong. */
    private static final Set<Integer> WRONG_STACK_ROWS = Set.of(60, 284, 492, 505, 511, 524, 578, 591, 597, 610);
    private static final Set<Integer> SPLIT_K_ROWS = Set.of(60, 492, 505, 511, 524, 578, 591, 597, 610);
    /**
     * Rows found by this comparison, not listed in reference-flowsim.md: the two fused_moe_kernel launches of
     * each sglang::inplace_fused_experts share its External id with the _moe_sum_reduce_kernel launch (from
     * moe_sum_reduce_triton) that follows, so the original shows that launch's python frame (same launch API, so the reference's
     * first-frame count did not see them).
     */
    private static final Set<Integer> FUSED_MOE_ROWS = Set.of(69, 71, 145, 147, 234, 236, 337, 339, 435, 437);

    private static List<CSVRecord> rows;
    private static List<KernelRecord> kernels;

    @BeforeAll
    static void parse() throws IOException {
        Path csv = SharedData.require(SharedData.PARITY_CSV);
        Path trace = SharedData.require(SharedData.H200);
        try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            rows = parser.getRecords();
        }
        // the original writes kernels in file order; the trace source emits them in start-time order
        kernels = Traces.parse(trace).kernels().stream()
                .sorted(Comparator.comparingLong(k -> Long.parseLong(k.attributes().get(KinetoTrace.EVENT_INDEX))))
                .toList();
    }

    @Test
    void sameKernelsInTheSameOrderWithTheSameDurations() {
        assertThat(kernels).hasSize(rows.size()).hasSize(664);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(kernels.get(i).name()).as("Name, row %d", i + 1).isEqualTo(rows.get(i).get("Name"));
            assertThat(OriginalCsvFormat.duration(kernels.get(i))).as("Duration, row %d", i + 1)
                    .isEqualTo(rows.get(i).get("Duration (us)"));
        }
    }

    @Test
    void callStacksEqualExceptWhereTheOriginalUsedAnotherLaunch() {
        Set<Integer> differing = new TreeSet<>();
        for (int i = 0; i < rows.size(); i++) {
            if (!kernels.get(i).callStackString().equals(rows.get(i).get("Call Stack"))) {
                differing.add(i + 1);
            }
        }
        Set<Integer> expected = new TreeSet<>(WRONG_STACK_ROWS);
        expected.addAll(FUSED_MOE_ROWS);
        assertThat(differing).isEqualTo(expected);
        for (int row : FUSED_MOE_ROWS) {
            List<String> ours = kernels.get(row - 1).callStack();
            List<String> theirs = List.of(rows.get(row - 1).get("Call Stack").split(java.util.regex.Pattern.quote(KernelRecord.CALL_STACK_SEPARATOR)));
            assertThat(kernels.get(row - 1).name()).isEqualTo("fused_moe_kernel");
            assertThat(ours).hasSameSizeAs(theirs);
            for (int i = 0; i < ours.size(); i++) {
                if (i == 5) {
                    assertThat(ours.get(i)).endsWith(": invoke_fused_moe_kernel");
                    assertThat(theirs.get(i)).endsWith(": moe_sum_reduce_triton");
                } else {
                    assertThat(ours.get(i)).as("row %d frame %d", row, i).isEqualTo(theirs.get(i));
                }
            }
        }
        for (int row : SPLIT_K_ROWS) {
            String ours = kernels.get(row - 1).callStackString();
            String theirs = rows.get(row - 1).get("Call Stack");
            // the splitK GEMM is launched by cuLaunchKernelEx; the original shows the cudaLaunchKernel of
            // the op's splitKreduce kernel, which overwrote its map entry
            assertThat(kernels.get(row - 1).name()).contains("splitK");
            assertThat(ours).startsWith("cuLaunchKernelEx <- aten::mm <- ");
            assertThat(theirs).startsWith("cudaLaunchKernel <- aten::mm <- ");
            assertThat(ours.substring("cuLaunchKernelEx".length()))
                    .isEqualTo(theirs.substring("cudaLaunchKernel".length()));
        }
        KernelRecord flashinfer = kernels.get(284 - 1);
        assertThat(flashinfer.name()).isEqualTo("create_flashinfer_kv_indices_triton");
        // the original took the stack of an aten::mm launch whose External id equals this kernel's correlation
        assertThat(rows.get(284 - 1).get("Call Stack")).startsWith("cuLaunchKernelEx <- aten::mm <- ");
        assertThat(flashinfer.callStackString()).startsWith("cuLaunchKernel <- <built-in function launch> <- ")
                .contains("create_flashinfer_kv_indices_triton[");
        assertThat(flashinfer.callStack()).doesNotContain("aten::mm");
    }

    @Test
    void shapesEqualWhereTheOriginalHasThem() {
        List<String> shapedFromLabels = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            KernelRecord k = kernels.get(i);
            CSVRecord row = rows.get(i);
            String theirDims = row.get("Dims");
            String theirTypes = row.get("Data Type");
            if (k.operator().map(o -> o.shapeSource() == ShapeSource.ANNOTATION).orElse(false)) {
                assertThat(theirDims).as("row %d", i + 1).isEqualTo("N/A");
                assertThat(theirTypes).as("row %d", i + 1).isEqualTo("N/A");
                assertThat(k.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.ANNOTATION);
                shapedFromLabels.add(k.name());
                continue;
            }
            assertThat(OriginalCsvFormat.dims(k)).as("Dims, row %d (%s)", i + 1, k.name()).isEqualTo(theirDims);
            assertThat(OriginalCsvFormat.dataType(k)).as("Data Type, row %d (%s)", i + 1, k.name())
                    .isEqualTo(theirTypes);
        }
        // trace-format.md §8.5: 17 Triton kernels launched inside a shape label (write_req_to_token_pool_triton 5,
        // compute_position_kernel 5, create_flashinfer_kv_indices_triton 7); plus the Inductor kernel of the 7
        // get_masked_input_and_mask[...] labels, whose cpu_op has no Input Dims
        assertThat(shapedFromLabels).hasSize(24);
        assertThat(shapedFromLabels.stream().filter(n -> n.equals("write_req_to_token_pool_triton"))).hasSize(5);
        assertThat(shapedFromLabels.stream().filter(n -> n.equals("compute_position_kernel"))).hasSize(5);
        assertThat(shapedFromLabels.stream().filter(n -> n.equals("create_flashinfer_kv_indices_triton"))).hasSize(7);
        assertThat(shapedFromLabels.stream().filter(n -> n.startsWith("fused_ge_lt"))).hasSize(7);
    }

    @Test
    void labelShapesAreTheLabelsArguments() {
        KernelRecord first = kernels.stream().filter(k -> k.name().equals("write_req_to_token_pool_triton"))
                .findFirst().orElseThrow();
        String label = first.attributes().get("shape_label");
        assertThat(label).startsWith("write_req_to_token_pool_triton[req_to_token=(4096, 163844),");
        var op = first.operator().orElseThrow();
        assertThat(op.name()).isEqualTo("write_req_to_token_pool_triton");
        assertThat(op.inputs()).hasSize(6);
        assertThat(op.inputs().get(0).name()).contains("req_to_token");
        assertThat(op.inputs().get(0).dims().format()).isEqualTo("[4096, 163844]");
        assertThat(op.inputs().get(0).type()).isEqualTo("torch.int32");
        assertThat(op.inputs().get(5).type()).isEqualTo("torch.int64");
    }
}
