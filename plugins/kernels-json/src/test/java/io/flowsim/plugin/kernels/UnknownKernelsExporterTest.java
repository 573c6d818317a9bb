package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.TraceMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static io.flowsim.plugin.kernels.Records.op;
import static io.flowsim.plugin.kernels.Records.scalar;
import static io.flowsim.plugin.kernels.Records.tensor;
import static org.assertj.core.api.Assertions.assertThat;

/** unknown_kernels.json: one entry per unknown name, rewritten per run, in the database format. */
class UnknownKernelsExporterTest {

    @TempDir
    Path dir;

    @TempDir
    Path databaseDir;

    private KernelsJsonSession session;

    @BeforeEach
    void open() {
        session = Databases.session(Databases.write(databaseDir, "db.json",
                "[{\"kernel_name\": \"known\", \"op_mapping\": \"x\"}]"));
    }

    @AfterEach
    void close() {
        session.close();
    }

    private static final TraceMetadata META = new TraceMetadata("t", "t.json", List.of(), Optional.empty(),
            OptionalInt.empty(), Map.of());

    private List<KernelResult> results() {
        List<KernelResult> out = new ArrayList<>();
        long index = 0;
        for (Object[] k : new Object[][] {{"known", 5_000L}, {"my_gemm_kernel", 1_500L}, {"zzz_mystery", 1_000L},
            {"zzz_mystery", 1_000L}, {"my_gemm_kernel", 500L}, {"zzz_mystery", 1_000L}}) {
            KernelRecord r = KernelRecord.builder(index++, (String) k[0]).duration((Long) k[1])
                    .operator(op("aten::foo", tensor("c10::BFloat16", 4, 8), scalar("2"), Records.tensorList(
                            new long[] {1, 2}, new long[] {3})))
                    .callStack(List.of("cudaLaunchKernel", "aten::foo", "a.py(1): f")).build();
            out.add(new KernelResult(session.resolve(r).orElse(ResolvedKernel.unresolved(r)), Optional.empty()));
        }
        KernelRecord memcpy = KernelRecord.builder(index, "Memcpy DtoD").kind(KernelKind.MEMCPY).duration(9_000).build();
        out.add(new KernelResult(ResolvedKernel.unresolved(memcpy), Optional.empty()));
        return out;
    }

    private Path export(List<KernelResult> results) {
        RunContext run = RunContext.of(Options.empty(), Reporter.silent(), dir);
        try (ExportSession s = new UnknownKernelsExporter().open(new ExportContext(META, "t", dir, false, run))) {
            results.forEach(s::accept);
            List<Path> files = s.finish(new RunSummary(META, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(),
                    Optional.empty(), 0, 0, Map.of()));
            assertThat(files).containsExactly(dir.resolve("unknown_kernels.json"), dir.resolve("kernels.schema.json"));
            return files.get(0);
        }
    }

    @Test
    void listsEachUnknownKernelOnceSortedByTotalTimeWithExamples() throws Exception {
        JsonNode document = KernelsJson.MAPPER.readTree(export(results()).toFile());
        assertThat(document.get("$schema").asText()).isEqualTo("kernels.schema.json");
        JsonNode root = document.get("kernels");
        assertThat(root.size()).isEqualTo(2);
        JsonNode first = root.get(0);
        assertThat(first.get("kernel_name").asText()).isEqualTo("zzz_mystery");
        assertThat(first.get("observed").get("count").asLong()).isEqualTo(3);
        assertThat(first.get("observed").get("total_duration_us").decimalValue()).isEqualByComparingTo("3");
        assertThat(first.get("observed").get("resolution").asText()).isEqualTo("unresolved");
        assertThat(first.has("family")).isFalse();
        assertThat(first.get("kernel_implementation").asText()).isEqualTo("aten::foo");
        assertThat(first.get("call_stack").asText()).isEqualTo("cudaLaunchKernel <- aten::foo <- a.py(1): f");
        JsonNode p0 = first.get("params").get(0);
        assertThat(p0.get("example_dim").toString()).isEqualTo("[4,8]");
        assertThat(p0.get("example_dtype").asText()).isEqualTo("bf16");
        assertThat(p0.get("role").asText()).isEqualTo("unknown");
        assertThat(first.get("params").get(1).get("example_dtype").asText()).isEqualTo("Scalar");
        assertThat(first.get("params").get(2).get("example_dim").toString()).isEqualTo("[[1,2],[3]]");

        JsonNode second = root.get(1);
        assertThat(second.get("kernel_name").asText()).isEqualTo("my_gemm_kernel");
        assertThat(second.get("family").asText()).as("the heuristic's guess").isEqualTo(OperationFamily.GEMM.id());
        assertThat(second.get("observed").get("resolution").asText()).isEqualTo("heuristic: gemm");
        assertThat(second.get("observed").get("total_duration_us").decimalValue()).isEqualByComparingTo("2");
    }

    @Test
    void isRewrittenNotAppendedAndStaysLoadableAsADatabase() throws Exception {
        Path file = export(results());
        String first = Files.readString(file);
        Path again = export(results());
        assertThat(Files.readString(again)).isEqualTo(first);
        assertThat(KernelsJson.MAPPER.readTree(export(List.of()).toFile()).get("kernels").isEmpty()).isTrue();
        KernelDatabaseReader.Result asDatabase = KernelDatabase.readFile(export(results()));
        assertThat(asDatabase.problems()).isEmpty();
        assertThat(asDatabase.entries()).extracting(KernelEntry::kernelName).containsExactly("zzz_mystery", "my_gemm_kernel");
    }

    @Test
    void theSchemaItNamesIsWrittenBesideItAndValidatesIt() throws Exception {
        Path file = export(results());
        Path schema = file.resolveSibling(KernelsJson.MAPPER.readTree(file.toFile()).get("$schema").asText());
        assertThat(schema).hasBinaryContent(KernelsSchema.get().text());
        assertThat(KernelsSchema.get().validateDocument(KernelsJson.MAPPER.readTree(file.toFile()))).isEmpty();
    }

    /**
     * A trace of many distinct unknown names: every one is listed with its count, and the session
     * keeps what it writes, not the kernel records (their operators, attributes and links).
     */
    @Test
    void keepsEveryUnknownNameButNoKernelRecord() throws Exception {
        int names = KernelsJsonSession.MEMO_LIMIT + 100;
        RunContext run = RunContext.of(Options.empty(), Reporter.silent(), dir);
        WeakReference<KernelRecord> firstRecord;
        Path file;
        try (ExportSession s = new UnknownKernelsExporter().open(new ExportContext(META, "t", dir, false, run))) {
            firstRecord = acceptDistinctUnknownNames(s, names);
            for (int i = 0; i < 20 && firstRecord.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(firstRecord.get()).as("the first kernel record, still reachable from the session").isNull();
            file = s.finish(new RunSummary(META, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(), Optional.empty(),
                    0, 0, Map.of())).get(0);
        }
        JsonNode kernels = KernelsJson.MAPPER.readTree(file.toFile()).get("kernels");
        assertThat(kernels.size()).isEqualTo(names);
        for (JsonNode k : kernels) {
            String name = k.get("kernel_name").asText();
            int i = Integer.parseInt(name.substring(name.lastIndexOf('_') + 1));
            assertThat(k.get("observed").get("count").asLong()).as(name).isEqualTo(i % 3 == 0 ? 2 : 1);
            assertThat(k.get("kernel_implementation").asText()).isEqualTo("aten::foo");
            assertThat(k.get("params").get(0).get("example_dim").toString()).isEqualTo("[4," + i + "]");
        }
    }

    /** Sends {@code names} distinct unknown names (every third twice); returns a weak reference to the first record. */
    private WeakReference<KernelRecord> acceptDistinctUnknownNames(ExportSession s, int names) {
        WeakReference<KernelRecord> first = null;
        long index = 0;
        for (int i = 0; i < names; i++) {
            for (int copy = 0; copy < (i % 3 == 0 ? 2 : 1); copy++) {
                KernelRecord r = KernelRecord.builder(index++, "zzz_made_up_" + i).duration(1_000)
                        .operator(op("aten::foo", tensor("c10::BFloat16", 4, i)))
                        .callStack(List.of("cudaLaunchKernel", "aten::foo")).build();
                if (first == null) {
                    first = new WeakReference<>(r);
                }
                s.accept(new KernelResult(session.resolve(r).orElse(ResolvedKernel.unresolved(r)), Optional.empty()));
            }
        }
        return first;
    }

    @Test
    void anUnfinishedRunLeavesNothingBehind() throws Exception {
        RunContext run = RunContext.of(Options.empty(), Reporter.silent(), dir);
        try (ExportSession s = new UnknownKernelsExporter().open(new ExportContext(META, "t", dir, false, run))) {
            results().forEach(s::accept);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
