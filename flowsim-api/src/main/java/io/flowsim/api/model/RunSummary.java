package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The totals of one run over one trace, computed by the runtime and handed to every exporter.
 * Kernel figures count GPU kernels ({@link KernelKind#KERNEL}) only; memcpys and memsets are
 * counted apart, in {@code memoryOperationCount} and {@code memoryOperationTimeNs}.
 *
 * @param metadata              the trace's metadata
 * @param kernelCount           GPU kernels
 * @param kernelTimeNs          sum of their durations
 * @param busyTimeNs            union of their intervals per device, summed over devices (overlap
 *                              across streams counted once)
 * @param wallTimeNs            first start to last end
 * @param resolvedKernelTimeNs  duration of kernels resolved through a database (not heuristics)
 * @param heuristicKernelTimeNs duration of kernels resolved by heuristics only
 * @param unresolvedKernelCount kernels nothing resolved
 * @param unknownKernelNames    distinct names among the kernels not resolved through a database
 * @param perFamily             kernel totals per family, largest time first
 * @param perOpMapping          kernel totals per op mapping, largest time first
 * @param simulation            the simulation outcome, when the run simulated
 * @param memoryOperationCount  memcpys and memsets
 * @param memoryOperationTimeNs sum of their durations
 * @param traceStatistics       counts the trace source reported (events, links, ...)
 * @param analysis              stages and efficiency ({@link RunAnalysis#NONE} when not analysed)
 * @param concurrency           the kernels that shared their device with other streams, and the isolated
 *                              kernels' figures ({@link ConcurrencySummary#NONE} when not computed)
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record RunSummary(TraceMetadata metadata, long kernelCount, long kernelTimeNs, long busyTimeNs,
                         long wallTimeNs, long resolvedKernelTimeNs, long heuristicKernelTimeNs,
                         long unresolvedKernelCount, long unknownKernelNames, List<GroupTotals> perFamily,
                         List<GroupTotals> perOpMapping, Optional<SimulationSummary> simulation,
                         long memoryOperationCount, long memoryOperationTimeNs,
                         Map<String, Long> traceStatistics, RunAnalysis analysis,
                         ConcurrencySummary concurrency) {
    public RunSummary {
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(concurrency, "concurrency");
        Objects.requireNonNull(metadata, "metadata");
        perFamily = List.copyOf(Objects.requireNonNull(perFamily, "perFamily"));
        perOpMapping = List.copyOf(Objects.requireNonNull(perOpMapping, "perOpMapping"));
        Objects.requireNonNull(simulation, "simulation");
        traceStatistics = Map.copyOf(Objects.requireNonNull(traceStatistics, "traceStatistics"));
    }

    /** A summary without concurrency figures. */
    public RunSummary(TraceMetadata metadata, long kernelCount, long kernelTimeNs, long busyTimeNs, long wallTimeNs,
                      long resolvedKernelTimeNs, long heuristicKernelTimeNs, long unresolvedKernelCount,
                      long unknownKernelNames, List<GroupTotals> perFamily, List<GroupTotals> perOpMapping,
                      Optional<SimulationSummary> simulation, long memoryOperationCount, long memoryOperationTimeNs,
                      Map<String, Long> traceStatistics, RunAnalysis analysis) {
        this(metadata, kernelCount, kernelTimeNs, busyTimeNs, wallTimeNs, resolvedKernelTimeNs, heuristicKernelTimeNs,
                unresolvedKernelCount, unknownKernelNames, perFamily, perOpMapping, simulation, memoryOperationCount,
                memoryOperationTimeNs, traceStatistics, analysis, ConcurrencySummary.NONE);
    }

    /** A summary without analysis. */
    public RunSummary(TraceMetadata metadata, long kernelCount, long kernelTimeNs, long busyTimeNs, long wallTimeNs,
                      long resolvedKernelTimeNs, long heuristicKernelTimeNs, long unresolvedKernelCount,
                      long unknownKernelNames, List<GroupTotals> perFamily, List<GroupTotals> perOpMapping,
                      Optional<SimulationSummary> simulation, long memoryOperationCount, long memoryOperationTimeNs,
                      Map<String, Long> traceStatistics) {
        this(metadata, kernelCount, kernelTimeNs, busyTimeNs, wallTimeNs, resolvedKernelTimeNs, heuristicKernelTimeNs,
                unresolvedKernelCount, unknownKernelNames, perFamily, perOpMapping, simulation, memoryOperationCount,
                memoryOperationTimeNs, traceStatistics, RunAnalysis.NONE);
    }

    /** The share of kernel time resolved through a database, 0..1 (1 when there are no kernels). */
    public double resolvedFraction() {
        return kernelTimeNs == 0 ? 1.0 : (double) resolvedKernelTimeNs / kernelTimeNs;
    }
}
