package ${package};

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.TraceMetadata;
import io.flowsim.testkit.ExtensionHarness;
import io.flowsim.testkit.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the exporter through flowsim-testkit's harness, the way FlowSim's pipeline runs it. */
class FamilyTotalsExporterTest {

    /** Hand-made metadata: the exporter reads only the kernels it is given. */
    private static final TraceMetadata META = new TraceMetadata("t", "hand-made", List.of(), Optional.empty(),
            OptionalInt.empty(), Map.of());
    /** The runtime's totals; this exporter computes its own from the kernels, so all zero here. */
    private static final RunSummary SUMMARY = new RunSummary(META, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(),
            Optional.empty(), 0, 0, Map.of());

    @TempDir
    Path out;

    private final TestKernels kernels = new TestKernels();

    private KernelResult gemm(long measuredNs, SimulationResult simulation) {
        KernelRecord record = kernels.kernel("nvjet_gemm", measuredNs).build();
        ResolvedKernel resolved = new ResolvedKernel(record, OperationFamily.GEMM, "matmul", "", "", List.of(), List.of(),
                new Resolution(ResolutionSource.EXACT_NAME, "test", "hand-made"), Map.of());
        return TestKernels.simulated(resolved, simulation);
    }

    /** Two GEMMs (5000 ns predicted 4000, 3000 ns unsupported) and an unresolved 1000 ns kernel. */
    private List<KernelResult> results() {
        return List.of(gemm(5_000, SimulationResult.ok(4_000, "test", Map.of())),
                TestKernels.parsed(kernels.kernel("mystery_kernel", 1_000).build()),
                gemm(3_000, SimulationResult.unsupported("hand-made", "test")));
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        assertTrue(ServiceLoader.load(Exporter.class).stream()
                .anyMatch(p -> p.get().name().equals(FamilyTotalsExporter.NAME)), "META-INF/services lists the exporter");
    }

    @Test
    void writesOneRowPerFamilyLargestFirst() throws IOException {
        List<Path> files = ExtensionHarness.of(new FamilyTotalsExporter()).outputDirectory(out)
                .export(META, "t", true, results(), SUMMARY);
        assertEquals(List.of(out.resolve("t.family-totals.md")), files);
        assertEquals(List.of(
                "| family | kernels | measured ns | predicted kernels | predicted ns |",
                "|---|---:|---:|---:|---:|",
                "| gemm | 2 | 8000 | 1 | 4000 |",
                "| other | 1 | 1000 | 0 | 0 |"), Files.readAllLines(files.get(0)));
    }

    @Test
    void theDeclaredOptionLimitsTheRows() throws IOException {
        List<Path> files = ExtensionHarness.of(new FamilyTotalsExporter()).outputDirectory(out)
                .option(FamilyTotalsExporter.TOP, 1).export(META, "t", true, results(), SUMMARY);
        List<String> lines = Files.readAllLines(files.get(0));
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(2).startsWith("| gemm |"), lines.get(2));
    }

    @Test
    void aRunThatFailsBeforeFinishLeavesNoFile() throws IOException {
        ExtensionHarness harness = ExtensionHarness.of(new FamilyTotalsExporter()).outputDirectory(out);
        try (ExportSession session = new FamilyTotalsExporter().open(new ExportContext(META, "t", out, true,
                harness.context()))) {
            results().forEach(session::accept);
        }
        try (var listing = Files.list(out)) {
            assertEquals(List.of(), listing.toList());
        }
    }
}
