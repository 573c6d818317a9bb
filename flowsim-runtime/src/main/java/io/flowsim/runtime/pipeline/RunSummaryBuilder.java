package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.ConcurrencySummary;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelAnalysis;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.Stage;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Accumulates a {@link RunSummary} kernel by kernel. Memcpys and memsets are counted apart from
 * kernels. Memory grows with the number of kernels (two
 * longs per kernel for the busy-time union, and per prediction for accuracy). Not thread-safe.
 */
public final class RunSummaryBuilder {

    private long count;
    private long kernelTime;
    private long minStart = Long.MAX_VALUE;
    private long maxEnd = Long.MIN_VALUE;
    private long resolvedTime;
    private long heuristicTime;
    private long unresolvedCount;
    private long kernelsWithOperator;
    private long kernelsWithShapedOperator;
    private final Set<String> unknownNames = new HashSet<>();
    private final Map<Integer, IntervalList> intervalsByDevice = new HashMap<>();
    private final Map<String, Totals> byFamily = new LinkedHashMap<>();
    private final Map<String, Totals> byOp = new LinkedHashMap<>();
    private final Map<String, Pairs> accuracyByFamily = new LinkedHashMap<>();
    private final Pairs accuracyAll = new Pairs();
    /** Whether any kernel came with its overlap computed. */
    private boolean overlapKnown;
    private long isolatedCount;
    private long isolatedTime;
    private long concurrentCount;
    private long concurrentTime;
    private long overlapTime;
    private final Map<String, Totals> isolatedByFamily = new LinkedHashMap<>();
    private final Map<String, Pairs> isolatedAccuracyByFamily = new LinkedHashMap<>();
    private final Pairs isolatedAccuracyAll = new Pairs();
    private long ok;
    private long unsupported;
    private long failed;
    private long predictedTime;
    /** Why kernels have no prediction: reason -> {kernels, measured ns}, reported once per trace. */
    /** How many reasons for missing predictions get a line of their own. */
    private static final int SHOWN_REASONS = 5;
    private final Map<String, long[]> unsupportedByReason = new LinkedHashMap<>();
    private long memoryOperations;
    private long memoryOperationTime;
    private final Optional<GpuPeaks> peaks;
    private final Optional<GpuPeaks> targetPeaks;
    private final boolean groupByAnnotation;
    private final Map<GroupKey, EfficiencyAccumulator> groups = new HashMap<>();
    private final Map<String, EfficiencyAccumulator> byName = new HashMap<>();
    private final Map<String, String> familyOfName = new HashMap<>();
    private final List<CollectiveKernel> collectives = new ArrayList<>();

    /** A builder without efficiency peaks. */
    public RunSummaryBuilder() {
        this(Optional.empty(), Optional.empty(), false);
    }

    /**
     * @param peaks             the recorded GPU's peaks (for the summary's record of them)
     * @param targetPeaks       the simulated GPU's peaks, for the efficiency of predicted times
     * @param groupByAnnotation whether groups are split by user annotation
     */
    public RunSummaryBuilder(Optional<GpuPeaks> peaks, Optional<GpuPeaks> targetPeaks, boolean groupByAnnotation) {
        this.peaks = peaks;
        this.targetPeaks = targetPeaks;
        this.groupByAnnotation = groupByAnnotation;
    }

    /** The collective kernels added so far, in the order they were added. */
    public List<CollectiveKernel> collectives() {
        return List.copyOf(collectives);
    }

    /** Adds one kernel. */
    public void add(KernelResult result) {
        KernelRecord r = result.kernel().kernel();
        if (r.kind() != KernelKind.KERNEL) {
            memoryOperations++;
            memoryOperationTime += r.durationNs();
            return;
        }
        count++;
        kernelTime += r.durationNs();
        minStart = Math.min(minStart, r.startNs());
        maxEnd = Math.max(maxEnd, r.endNs());
        intervalsByDevice.computeIfAbsent(r.device(), d -> new IntervalList()).add(r.startNs(), r.endNs());

        ResolutionSource source = result.kernel().resolution().source();
        if (source.isDatabase()) {
            resolvedTime += r.durationNs();
        } else {
            unknownNames.add(r.name());
            if (source == ResolutionSource.HEURISTIC) {
                heuristicTime += r.durationNs();
            } else {
                unresolvedCount++;
            }
        }
        if (r.operator().isPresent()) {
            kernelsWithOperator++;
            if (r.operator().get().hasShapes()) {
                kernelsWithShapedOperator++;
            }
        }
        String family = result.kernel().family().id();
        String op = result.kernel().opMapping().isEmpty() ? "(none)" : result.kernel().opMapping();
        long predicted = -1;
        if (result.simulation().isPresent()) {
            SimulationResult s = result.simulation().get();
            if (s.status() == SimulationStatus.OK) {
                ok++;
                predicted = s.predictedNs().getAsLong();
                predictedTime += predicted;
                accuracyByFamily.computeIfAbsent(family, f -> new Pairs()).add(r.durationNs(), predicted);
                accuracyAll.add(r.durationNs(), predicted);
            } else if (s.status() == SimulationStatus.UNSUPPORTED) {
                unsupported++;
                unsupportedByReason.computeIfAbsent(s.reason(), m -> new long[2])[0]++;
                unsupportedByReason.get(s.reason())[1] += r.durationNs();
            } else {
                failed++;
            }
        }
        byFamily.computeIfAbsent(family, f -> new Totals()).add(r.durationNs(), predicted);
        byOp.computeIfAbsent(op, f -> new Totals()).add(r.durationNs(), predicted);

        KernelAnalysis analysis = result.analysis();
        addConcurrency(analysis, r.durationNs(), family, predicted);
        GroupKey key = new GroupKey(analysis.stage(), family, op, groupByAnnotation ? analysis.annotation() : "");
        groups.computeIfAbsent(key, k -> new EfficiencyAccumulator()).add(r.durationNs(), predicted,
                analysis.efficiency(), targetPeaks);
        byName.computeIfAbsent(r.name(), k -> new EfficiencyAccumulator()).add(r.durationNs(), predicted,
                analysis.efficiency(), targetPeaks);
        familyOfName.putIfAbsent(r.name(), family);
        if (result.kernel().family() == OperationFamily.COLLECTIVE) {
            collectives.add(CollectiveKernel.of(result.kernel(), analysis.stage(), predicted));
        }
    }

    private void addConcurrency(KernelAnalysis analysis, long duration, String family, long predicted) {
        if (analysis.overlapNs().isEmpty()) {
            return;
        }
        overlapKnown = true;
        long overlap = analysis.overlapNs().getAsLong();
        overlapTime += overlap;
        if (overlap > 0) {
            concurrentCount++;
            concurrentTime += duration;
        } else if (analysis.isolated(duration)) {
            isolatedCount++;
            isolatedTime += duration;
            isolatedByFamily.computeIfAbsent(family, f -> new Totals()).add(duration, predicted);
            if (predicted >= 0) {
                isolatedAccuracyByFamily.computeIfAbsent(family, f -> new Pairs()).add(duration, predicted);
                isolatedAccuracyAll.add(duration, predicted);
            }
        }
    }

    private ConcurrencySummary concurrency() {
        if (!overlapKnown) {
            return ConcurrencySummary.NONE;
        }
        return new ConcurrencySummary(isolatedCount, isolatedTime, concurrentCount, concurrentTime, overlapTime,
                groups(isolatedByFamily), accuracyRows(isolatedAccuracyByFamily, isolatedAccuracyAll));
    }

    /**
     * The summary of everything added.
     *
     * @param simulation backend, target, distinct requests and notes when the run simulated
     */
    public RunSummary build(TraceMetadata metadata, Optional<SimulationInfo> simulation, Map<String, Long> statistics) {
        long busy = 0;
        for (IntervalList list : intervalsByDevice.values()) {
            busy += list.unionLength();
        }
        long wall = count == 0 ? 0 : maxEnd - minStart;
        Optional<SimulationSummary> sim = simulation.map(info -> new SimulationSummary(info.backend(), info.target(),
                info.distinctRequests(), ok, unsupported, failed, predictedTime,
                accuracyRows(accuracyByFamily, accuracyAll),
                withMissingInformation(info.notes())));
        return new RunSummary(metadata, count, kernelTime, busy, wall, resolvedTime, heuristicTime, unresolvedCount,
                unknownNames.size(), groups(byFamily), groups(byOp), sim, memoryOperations, memoryOperationTime,
                statistics, analysis(), concurrency());
    }

    /** How many kernel names each "top kernels" list keeps. */
    static final int TOP_KERNELS = 20;

    private RunAnalysis analysis() {
        List<KernelGroup> rows = new ArrayList<>();
        groups.forEach((k, a) -> rows.add(new KernelGroup(k.stage(), k.family(), k.op(), k.annotation(), a.totals())));
        rows.sort(Comparator.comparingLong((KernelGroup g) -> g.totals().kernelTimeNs()).reversed()
                .thenComparing(KernelGroup::stage).thenComparing(KernelGroup::family).thenComparing(KernelGroup::op)
                .thenComparing(KernelGroup::annotation));
        List<NamedTotals> names = new ArrayList<>();
        byName.forEach((n, a) -> names.add(new NamedTotals(n, familyOfName.get(n), a.totals())));
        List<NamedTotals> byTime = names.stream()
                .sorted(Comparator.comparingLong((NamedTotals t) -> t.totals().kernelTimeNs()).reversed()
                        .thenComparing(NamedTotals::name))
                .limit(TOP_KERNELS).toList();
        List<NamedTotals> byLost = names.stream().filter(t -> t.totals().lostNs() > 0)
                .sorted(Comparator.comparingDouble((NamedTotals t) -> t.totals().lostNs()).reversed()
                        .thenComparing(NamedTotals::name))
                .limit(TOP_KERNELS).toList();
        return new RunAnalysis(peaks, targetPeaks, groupByAnnotation, rows, byTime, byLost);
    }

    /**
     * Written out rather than generated: a record's generated equals and hashCode are bootstrapped
     * through method handles on first use, a cost every cold run paid (docs/performance.md).
     */
    private record GroupKey(Stage stage, String family, String op, String annotation) {
        @Override
        public boolean equals(Object o) {
            return o instanceof GroupKey k && k.stage == stage && java.util.Objects.equals(k.family, family)
                    && java.util.Objects.equals(k.op, op) && java.util.Objects.equals(k.annotation, annotation);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(stage, family, op, annotation);
        }
    }

    /**
     * The backend's notes, then what keeps kernels from a prediction, once per reason with its kernel
     * count and measured time (the five reasons that cost the most time, and the rest summed in one line;
     * six reasons are all shown).
     */
    private List<String> withMissingInformation(List<String> notes) {
        List<String> all = new ArrayList<>(notes);
        List<Map.Entry<String, long[]>> reasons = unsupportedByReason.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).toList();
        // a single reason left over is shown as itself: a summing line would take its line and say less
        int shown = reasons.size() == SHOWN_REASONS + 1 ? reasons.size() : SHOWN_REASONS;
        reasons.stream().limit(shown)
                .forEach(e -> all.add(String.format(java.util.Locale.ROOT,
                        "no prediction for %,d kernels, %,.1f us (%.1f%% of the kernel time): %s", e.getValue()[0],
                        e.getValue()[1] / 1000.0, kernelTime == 0 ? 0.0 : 100.0 * e.getValue()[1] / kernelTime,
                        e.getKey())));
        if (reasons.size() > shown) {
            List<Map.Entry<String, long[]>> rest = reasons.subList(shown, reasons.size());
            long kernels = rest.stream().mapToLong(e -> e.getValue()[0]).sum();
            long ns = rest.stream().mapToLong(e -> e.getValue()[1]).sum();
            all.add(String.format(java.util.Locale.ROOT,
                    "no prediction for %,d kernels, %,.1f us (%.1f%% of the kernel time) for %d further reasons"
                            + " (each kernel's reason is in the CSV's Simulation Note)", kernels, ns / 1000.0,
                    kernelTime == 0 ? 0.0 : 100.0 * ns / kernelTime, rest.size()));
        }
        if (!unsupportedByReason.isEmpty() && kernelsWithOperator > 0 && kernelsWithShapedOperator == 0) {
            // Said once per trace: the capture, not a model, is what is missing.
            all.add("no operator of this trace recorded input shapes (it was captured without record_shapes=True):"
                    + " kernels whose model needs shapes cannot be predicted from it");
        }
        return all;
    }

    private static List<AccuracyRow> accuracyRows(Map<String, Pairs> byFamily, Pairs all) {
        List<AccuracyRow> rows = new ArrayList<>();
        for (OperationFamily f : OperationFamily.values()) {
            Pairs p = byFamily.get(f.id());
            if (p != null && p.size > 0) {
                rows.add(p.row(f.id()));
            }
        }
        if (all.size > 0) {
            rows.add(all.row("all"));
        }
        return rows;
    }

    private static List<GroupTotals> groups(Map<String, Totals> map) {
        List<GroupTotals> list = new ArrayList<>();
        map.forEach((k, t) -> list.add(new GroupTotals(k, t.count, t.time, t.predicted, t.predictedCount)));
        list.sort(Comparator.comparingLong(GroupTotals::kernelTimeNs).reversed().thenComparing(GroupTotals::group));
        return list;
    }

    /**
     * What the pipeline knows about a simulation beyond the per-kernel results.
     *
     * @param backend          the backend's name
     * @param target           the simulated GPU
     * @param distinctRequests requests after de-duplication
     * @param notes            the backend's caveats
     */
    public record SimulationInfo(String backend, HardwareTarget target, long distinctRequests, List<String> notes) {
    }

    private static final class Totals {
        long count;
        long time;
        long predicted;
        long predictedCount;

        void add(long duration, long prediction) {
            count++;
            time += duration;
            if (prediction >= 0) {
                predicted += prediction;
                predictedCount++;
            }
        }
    }

    private static final class Pairs {
        long[] measured = new long[64];
        long[] predicted = new long[64];
        int size;

        void add(long m, long p) {
            if (size == measured.length) {
                measured = Arrays.copyOf(measured, size * 2);
                predicted = Arrays.copyOf(predicted, size * 2);
            }
            measured[size] = m;
            predicted[size] = p;
            size++;
        }

        AccuracyRow row(String group) {
            return Accuracy.row(group, Arrays.copyOf(measured, size), Arrays.copyOf(predicted, size));
        }
    }

    /** Intervals of one device; their union is computed once at the end. */
    private static final class IntervalList {
        long[] starts = new long[256];
        long[] ends = new long[256];
        int size;

        void add(long start, long end) {
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            starts[size] = start;
            ends[size] = end;
            size++;
        }

        /**
         * Length of the union of the intervals: sweep the sorted starts and sorted ends together,
         * counting open intervals; time counts while at least one is open.
         */
        long unionLength() {
            long[] s = Arrays.copyOf(starts, size);
            long[] e = Arrays.copyOf(ends, size);
            Arrays.sort(s);
            Arrays.sort(e);
            long total = 0;
            int open = 0;
            long openedAt = 0;
            int i = 0;
            int j = 0;
            while (i < size) {
                if (s[i] <= e[j]) {
                    if (open++ == 0) {
                        openedAt = s[i];
                    }
                    i++;
                } else {
                    if (--open == 0) {
                        total += e[j] - openedAt;
                    }
                    j++;
                }
            }
            // every start is consumed; the last end closes whatever is still open
            if (open > 0) {
                total += e[size - 1] - openedAt;
            }
            return total;
        }
    }
}
