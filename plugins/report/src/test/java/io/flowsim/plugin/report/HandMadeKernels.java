package io.flowsim.plugin.report;

import io.flowsim.api.ExportContext;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.Direction;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.Resolution;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Hand-made kernels and summaries for the exporter tests (not from a trace): times and names are
 * chosen so that expected layouts can be worked out by hand.
 */
final class HandMadeKernels {

    static final DeviceInfo GPU = new DeviceInfo(0, "NVIDIA H200", 132, 150_109_880_320L, 9, 0, Map.of());
    static final TraceMetadata META = new TraceMetadata("run.trace", "/traces/run.trace.json.gz", List.of(GPU),
            Optional.empty(), OptionalInt.empty(), Map.of());

    private HandMadeKernels() {
    }

    static ExportContext context(Path dir, boolean simulated, Options options) {
        return new ExportContext(META, "run.trace", dir, simulated, RunContext.of(options, Reporter.silent(), dir));
    }

    /** A GEMM kernel resolved through a database, with operands A [m, k] and B [k, n]. */
    static ResolvedKernel gemm(long index, String name, long stream, long startNs, long durationNs, long m) {
        KernelRecord r = KernelRecord.builder(index, name).kind(KernelKind.KERNEL).device(0).stream(stream)
                .start(startNs).duration(durationNs).build();
        return new ResolvedKernel(r, OperationFamily.GEMM, "matmul", "", "", List.of(),
                List.of(new Operand("A", Direction.INPUT, List.of(m, 4096L), DataType.fromName("bf16"), ""),
                        new Operand("B", Direction.INPUT, List.of(4096L, 4096L), DataType.fromName("bf16"), "")),
                new Resolution(ResolutionSource.EXACT_NAME, "kernels-json", "hand-made"), Map.of());
    }

    /** A kernel nothing resolved. */
    static ResolvedKernel unknown(long index, String name, long startNs, long durationNs) {
        return ResolvedKernel.unresolved(KernelRecord.builder(index, name).device(0).stream(7).start(startNs)
                .duration(durationNs).build());
    }

    static KernelResult predicted(ResolvedKernel k, long predictedNs) {
        return new KernelResult(k, Optional.of(SimulationResult.ok(predictedNs, "hand-made", Map.of())));
    }

    static KernelResult unsupported(ResolvedKernel k) {
        return new KernelResult(k, Optional.of(SimulationResult.unsupported("not modelled", "hand-made")));
    }

    static KernelResult parsed(ResolvedKernel k) {
        return new KernelResult(k, Optional.empty());
    }

    /** {@code summary} simulated on {@code gpu}, another GPU than the one its trace was recorded on (a what-if). */
    static RunSummary whatIf(RunSummary summary, String gpu) {
        SimulationSummary s = summary.simulation().orElseThrow();
        SimulationSummary other = new SimulationSummary(s.backend(), new HardwareTarget(gpu, Optional.of(GPU)),
                s.distinctRequests(), s.ok(), s.unsupported(), s.failed(), s.predictedKernelTimeNs(), s.accuracy(),
                s.notes());
        return new RunSummary(summary.metadata(), summary.kernelCount(), summary.kernelTimeNs(), summary.busyTimeNs(),
                summary.wallTimeNs(), summary.resolvedKernelTimeNs(), summary.heuristicKernelTimeNs(),
                summary.unresolvedKernelCount(), summary.unknownKernelNames(), summary.perFamily(),
                summary.perOpMapping(), Optional.of(other), summary.memoryOperationCount(),
                summary.memoryOperationTimeNs(), summary.traceStatistics(), summary.analysis(), summary.concurrency());
    }

    /** A summary with the given totals (the exporters take totals from it as they are). */
    static RunSummary summary(long kernels, long kernelTimeNs, long predictedNs, long measuredOfPredictedNs,
                              long predictedKernels, boolean simulated) {
        Optional<SimulationSummary> sim = simulated ? Optional.of(new SimulationSummary("hand-made",
                new HardwareTarget("NVIDIA H200", Optional.of(GPU)), 1, predictedKernels, kernels - predictedKernels, 0,
                predictedNs, List.of(new AccuracyRow("gemm", predictedKernels, 10, 20, 15, measuredOfPredictedNs,
                predictedNs), new AccuracyRow("all", predictedKernels, 10, 20, 15, measuredOfPredictedNs, predictedNs)),
                List.of())) : Optional.empty();
        return new RunSummary(META, kernels, kernelTimeNs, kernelTimeNs, kernelTimeNs, kernelTimeNs, 0, 0, 1,
                List.of(new GroupTotals("gemm", kernels, kernelTimeNs, predictedNs, predictedKernels)),
                List.of(new GroupTotals("matmul", kernels, kernelTimeNs, predictedNs, predictedKernels)), sim, 0, 0,
                Map.of());
    }
}
