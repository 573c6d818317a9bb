package io.flowsim.plugin.csv;

import io.flowsim.api.ExportSession;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelAnalysis;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelEfficiency;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.ShapeSource;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.Stage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The per-kernel and memory CSV files, byte for byte where the format matters. */
class CsvExportSessionTest {

    @TempDir
    Path dir;

    private static KernelResult gemm() {
        OperatorCall mm = new OperatorCall("aten::mm", OptionalLong.of(3180), List.of(
                OperatorInput.of("c10::BFloat16", Dims.of(1024, 7168)), OperatorInput.of("c10::BFloat16", Dims.of(7168, 2112))),
                ShapeSource.PROFILER);
        KernelRecord r = KernelRecord.builder(0, "void gemm<128, 4>(float*, int)").start(3_037_610_555_544_510L)
                .duration(59_064).device(0).stream(7).correlationId(768).operator(mm)
                .launch(new LaunchConfig(new Dim3(132, 1, 1), new Dim3(384, 1, 1), 168, 200_000))
                .callStack(List.of("cudaLaunchKernel", "aten::mm", "model.py(435): forward")).build();
        ResolvedKernel k = new ResolvedKernel(r, OperationFamily.GEMM, "matmul", "out = \"self\" @ mat2",
                "mm(Tensor self, Tensor mat2) -> Tensor", List.of(new Parameter("input", "self"),
                new Parameter("input", "mat2")), List.of(
                new Operand("A", Direction.INPUT, List.of(1024L, 7168L), DataType.BF16, ""),
                new Operand("B", Direction.INPUT, List.of(7168L, 2112L), DataType.BF16, "")),
                new Resolution(ResolutionSource.NAME_PATTERN, "kernels-json", "kernels.json#3 + kernels.json#0"),
                Map.of("gemm.role", "main"));
        return new KernelResult(k, Optional.empty());
    }

    private static KernelResult unknownWithoutOperator() {
        KernelRecord r = KernelRecord.builder(1, "write_req_to_token_pool_triton").duration(2_336).start(5_000)
                .build();
        return new KernelResult(ResolvedKernel.unresolved(r), Optional.empty());
    }

    private static KernelResult memcpy() {
        KernelRecord r = KernelRecord.builder(2, "Memcpy HtoD (Pinned -> Device)").kind(KernelKind.MEMCPY)
                .category(KernelCategory.MEMORY).duration(1_500).start(6_000).device(0).stream(7)
                .transfer(new MemoryTransfer(4096, "HtoD")).build();
        return new KernelResult(ResolvedKernel.unresolved(r), Optional.empty());
    }

    private List<Path> export(boolean simulated, List<KernelResult> results) {
        try (ExportSession s = new CsvExporter().open(TestData.context(dir, simulated))) {
            results.forEach(s::accept);
            return s.finish(new RunSummary(TestData.META, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(),
                    Optional.empty(), 0, 0, Map.of()));
        }
    }

    private static List<CSVRecord> parse(Path file) throws IOException {
        try (var parser = CSVFormat.DEFAULT.parse(new StringReader(Files.readString(file)))) {
            return new ArrayList<>(parser.getRecords());
        }
    }

    @Test
    void writesTheOriginalColumnsFirstThenOursWithCrlfAfterEveryLine() throws IOException {
        List<Path> files = export(false, List.of(gemm(), memcpy(), unknownWithoutOperator()));
        assertThat(files).containsExactly(dir.resolve("run.trace.csv"), dir.resolve("run.trace.memory.csv"));
        String text = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertThat(text).startsWith("Name,Dims,Data Type,Input/Output,Descriptions,Duration (us),op,operation,"
                + "Source Code,Call Stack,Start (us),Device,Stream,Correlation,Grid,Block,Category,Family,"
                + "Resolved By,Match,Operator,Operands,Attributes,Stage,Annotation,FLOPs,Bytes,TFLOP/s,TB/s,"
                + "Roofline (us),% of Peak,Bound,Overlap (us),Overlap (%)\r\n");
        assertThat(text).endsWith("\r\n");
        assertThat(text.split("\r\n", -1)).hasSize(4).endsWith("");
        assertThat(text.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
        assertThat(text.split("\r\n")[1]).isEqualTo(
                "\"void gemm<128, 4>(float*, int)\",\"[[1024, 7168], [7168, 2112]]\",\"['c10::BFloat16', 'c10::BFloat16']\","
                        + "\"['input', 'input']\",\"['self', 'mat2']\",59.064,matmul,\"out = \"\"self\"\" @ mat2\","
                        + "\"mm(Tensor self, Tensor mat2) -> Tensor\",cudaLaunchKernel <- aten::mm <- model.py(435): forward,"
                        + "3037610555544.51,0,7,768,\"[132, 1, 1]\",\"[384, 1, 1]\",compute,gemm,name_pattern,"
                        + "kernels.json#3 + kernels.json#0,aten::mm,\"A [1024, 7168] bf16; B [7168, 2112] bf16\",gemm.role=main,"
                        + "other,,,,,,,,,,");
        assertThat(text.split("\r\n")[2]).isEqualTo(
                "write_req_to_token_pool_triton,N/A,N/A,,,2.336,,,,,5.0,,,,,,compute,other,unresolved,,,,,other,,,,,,,,,,");
    }

    @Test
    void aLoneSurrogateInAKernelNameIsWrittenAsTheReplacementCharacter() throws IOException {
        // issue 16: a name from another trace source may still hold an unpaired surrogate
        KernelRecord r = KernelRecord.builder(1, "bad_\uD800_name").duration(2_336).start(5_000).build();
        List<Path> files = export(false, List.of(new KernelResult(ResolvedKernel.unresolved(r), Optional.empty())));
        assertThat(parse(files.get(0)).get(1).get(0)).isEqualTo("bad_\uFFFD_name");
    }

    @Test
    void cellsRoundTripThroughACsvParser() throws IOException {
        List<CSVRecord> rows = parse(export(false, List.of(gemm()))
                .get(0));
        assertThat(rows).hasSize(2);
        CSVRecord row = rows.get(1);
        assertThat(row.get(0)).isEqualTo("void gemm<128, 4>(float*, int)");
        assertThat(row.get(7)).isEqualTo("out = \"self\" @ mat2");
        assertThat(row.size()).isEqualTo(CsvExportSession.ORIGINAL_COLUMNS.size() + CsvExportSession.EXTRA_COLUMNS.size()
                + CsvExportSession.ANALYSIS_COLUMNS.size());
    }

    @Test
    void analysisColumnsCarryStageWorkRatesAndBound() throws IOException {
        KernelResult plain = gemm();
        GpuPeaks peaks = new GpuPeaks("test GPU", Map.of(DataType.BF16, 1000e12), 4e12, 0);
        KernelEfficiency e = KernelEfficiency.of(KernelWork.of(plain.kernel()), 59_064, Optional.of(peaks));
        KernelResult analysed = new KernelResult(plain.kernel(), Optional.empty(),
                new KernelAnalysis(Stage.PREFILL, "layer_0", Optional.of(e)));
        CSVRecord row = parse(export(false, List.of(analysed)).get(0)).get(1);
        int first = CsvExportSession.ORIGINAL_COLUMNS.size() + CsvExportSession.EXTRA_COLUMNS.size();
        double flops = 2.0 * 1024 * 7168 * 2112;
        assertThat(row.get(first)).isEqualTo("prefill");
        assertThat(row.get(first + 1)).isEqualTo("layer_0");
        assertThat(Double.parseDouble(row.get(first + 2))).isEqualTo(flops);
        assertThat(Double.parseDouble(row.get(first + 4))).isCloseTo(flops / 59.064e-6 / 1e12, within(1e-4));
        assertThat(Double.parseDouble(row.get(first + 7))).isCloseTo(100 * flops / 1000e12 / 59.064e-6, within(0.01));
        assertThat(row.get(first + 8)).isEqualTo("compute");
        assertThat(row.get(first + 9)).as("no overlap computed").isEmpty();
        assertThat(row.get(first + 10)).isEmpty();
    }

    @Test
    void overlapColumnsCarryTheTimeSharedWithOtherStreamsAndItsShare() throws IOException {
        KernelResult plain = gemm(); // 59.064 us
        KernelResult shared = new KernelResult(plain.kernel(), Optional.empty(),
                new KernelAnalysis(Stage.OTHER, "", Optional.empty(), OptionalLong.of(14_766)));
        KernelResult alone = new KernelResult(plain.kernel(), Optional.empty(),
                new KernelAnalysis(Stage.OTHER, "", Optional.empty(), OptionalLong.of(0)));
        KernelRecord empty = KernelRecord.builder(2, "empty").duration(0).start(9_000).build();
        KernelResult zeroLength = new KernelResult(ResolvedKernel.unresolved(empty), Optional.empty(),
                new KernelAnalysis(Stage.OTHER, "", Optional.empty(), OptionalLong.of(0)));
        List<CSVRecord> rows = parse(export(false, List.of(shared, alone, zeroLength)).get(0));
        int overlap = rows.get(0).toList().indexOf("Overlap (us)");
        assertThat(rows.get(0).get(overlap + 1)).isEqualTo("Overlap (%)");
        assertThat(rows.get(1).get(overlap)).isEqualTo("14.766");
        assertThat(rows.get(1).get(overlap + 1)).isEqualTo("25.00");
        assertThat(rows.get(2).get(overlap)).isEqualTo("0.0");
        assertThat(rows.get(2).get(overlap + 1)).isEqualTo("0.00");
        assertThat(rows.get(3).get(overlap)).isEqualTo("0.0");
        assertThat(rows.get(3).get(overlap + 1)).as("a share of nothing").isEmpty();
    }

    @Test
    void memoryOperationsGoToTheirOwnFile() throws IOException {
        List<Path> files = export(false, List.of(gemm(), memcpy(), unknownWithoutOperator()));
        assertThat(parse(files.get(0))).hasSize(3);
        List<CSVRecord> memory = parse(files.get(1));
        assertThat(memory.get(0).toList()).isEqualTo(CsvExportSession.MEMORY_COLUMNS);
        assertThat(memory).hasSize(2);
        assertThat(memory.get(1).toList()).containsExactly("Memcpy HtoD (Pinned -> Device)", "memcpy", "4096", "HtoD",
                "1.5", "6.0", "0", "7", "", "", "", "");
    }

    @Test
    void simulatedRunsAddPredictionColumns() throws IOException {
        KernelResult measured = gemm();
        KernelResult predicted = new KernelResult(measured.kernel(), Optional.of(SimulationResult.ok(65_000, "analytical",
                Map.of())));
        KernelResult unsupported = new KernelResult(unknownWithoutOperator().kernel(),
                Optional.of(SimulationResult.unsupported("no shapes", "analytical")));
        List<CSVRecord> rows = parse(export(true, List.of(predicted, unsupported)).get(0));
        List<String> header = rows.get(0).toList();
        assertThat(header.subList(header.size() - 6, header.size())).containsExactly("Backend", "Predicted (us)", "Status",
                "Error (%)", "Simulation Note", "Predicted / Measured");
        List<String> ok = rows.get(1).toList();
        assertThat(ok.subList(ok.size() - 6, ok.size())).containsExactly("analytical", "65.0", "ok", "10.05", "",
                "1.1005");
        List<String> no = rows.get(2).toList();
        assertThat(no.subList(no.size() - 6, no.size())).containsExactly("analytical", "", "unsupported", "", "no shapes",
                "");
    }

    @Test
    void anUnfinishedRunLeavesNoFileThatLooksComplete() throws IOException {
        try (ExportSession s = new CsvExporter().open(TestData.context(dir, false))) {
            s.accept(gemm());
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void outputsGetTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        Path csv = export(false, List.of(gemm())).get(0);
        Path plain = Files.createFile(dir.resolve("plain-new-file"));
        assertThat(Files.getPosixFilePermissions(csv)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void aSecondRunReplacesTheFiles() throws IOException {
        export(false, List.of(gemm(), gemm()));
        List<Path> files = export(false, List.of(gemm()));
        assertThat(parse(files.get(0))).hasSize(2);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("run.trace.csv", "run.trace.memory.csv");
        }
    }
}
