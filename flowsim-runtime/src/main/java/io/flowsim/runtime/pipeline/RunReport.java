package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.RunResults;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A whole run: every trace's summary, their totals per rank, the merged stage and efficiency
 * analysis, and the collectives matched across ranks.
 *
 * @param traces      the traces, in the order given
 * @param perRank     totals per rank, ascending
 * @param analysis    the traces' analyses merged (groups summed; top kernels over each trace's top lists)
 * @param collectives collectives matched across ranks, per set of traces recording the same stage
 * @param simulated   whether the traces were simulated
 * @param notes       what the user should know (mixed GPUs or PyTorch versions, repeated ranks)
 */
public record RunReport(List<TraceRun.TraceOutcome> traces, List<RankTotals> perRank, RunAnalysis analysis,
                        CollectiveMatcher.Report collectives, boolean simulated, List<String> notes) {

    /**
     * One rank's totals over its traces.
     *
     * @param rank             the rank
     * @param traces           its traces' names
     * @param kernelCount      kernels
     * @param kernelTimeNs     measured kernel time
     * @param busyTimeNs       busy time
     * @param predictedNs      predicted kernel time (0 without simulation)
     * @param collectiveTimeNs measured time of its matched collectives
     * @param waitNs           of which waiting for other ranks
     */
    public record RankTotals(int rank, List<String> traces, long kernelCount, long kernelTimeNs, long busyTimeNs,
                             long predictedNs, long collectiveTimeNs, long waitNs) {
    }

    /**
     * Whether a trace of the run was simulated on another GPU than the one it was recorded on: its predictions
     * are then a projection onto that GPU, and their differences from the measured times are not errors.
     */
    public boolean whatIf() {
        return traces.stream().anyMatch(t -> t.result().summary().simulation()
                .map(sim -> sim.target().isWhatIf()).orElse(false));
    }

    /** Aggregates the outcomes of a run's traces. */
    static RunReport of(List<TraceRun.TraceOutcome> traces) {
        List<String> notes = new ArrayList<>();
        Set<String> gpus = new LinkedHashSet<>();
        Set<String> versions = new LinkedHashSet<>();
        for (TraceRun.TraceOutcome t : traces) {
            TraceMetadata m = t.result().summary().metadata();
            gpus.add(m.devices().stream().findFirst().map(DeviceInfo::name).filter(n -> !n.isBlank())
                    .orElse("(not recorded)"));
            versions.add(m.properties().getOrDefault(TraceMetadata.PYTORCH_VERSION, "(not recorded)"));
        }
        if (gpus.size() > 1) {
            notes.add("the traces were recorded on different GPUs: " + String.join(", ", gpus)
                    + "; per-rank figures are comparable only within one GPU");
        }
        if (versions.size() > 1) {
            notes.add("the traces come from different PyTorch versions: " + String.join(", ", versions));
        }
        Set<String> assumed = new LinkedHashSet<>();
        long withoutGpu = 0;
        for (TraceRun.TraceOutcome t : traces) {
            Optional<String> named = t.result().summary().simulation().map(SimulationSummary::target)
                    .filter(target -> target.traceDevice().isEmpty()).map(target -> target.name());
            named.ifPresent(assumed::add);
            withoutGpu += named.isPresent() ? 1 : 0;
        }
        if (!assumed.isEmpty()) {
            // --gpu on traces without deviceProperties (the HTA samples): FlowSim cannot tell a what-if
            String gpu = String.join(", ", assumed);
            notes.add((traces.size() == 1 ? "the trace does not record the GPU it ran on"
                    : (withoutGpu == traces.size() ? "the traces do not" : "some traces do not")
                            + " record the GPU they ran on")
                    + ", so FlowSim cannot tell whether " + gpu + " is that GPU: the predictions are shown beside"
                    + " the measured times as accuracy, and are accuracy only if it is (otherwise they project onto "
                    + gpu + ", and the differences are not errors)");
        }

        // per stage of the trace (a per-stage profile) the ranks' collectives are matched separately
        Map<String, Map<Integer, List<CollectiveKernel>>> byTraceStage = new TreeMap<>();
        Map<Integer, Acc> ranks = new TreeMap<>();
        boolean duplicateRank = false;
        for (TraceRun.TraceOutcome t : traces) {
            RunSummary s = t.result().summary();
            String stage = s.metadata().properties().getOrDefault(TraceMetadata.STAGE, "");
            Map<Integer, List<CollectiveKernel>> m = byTraceStage.computeIfAbsent(stage, k -> new TreeMap<>());
            if (m.containsKey(t.rank())) {
                duplicateRank = true;
            } else {
                m.put(t.rank(), t.result().collectives());
            }
            Acc a = ranks.computeIfAbsent(t.rank(), r -> new Acc());
            a.traces.add(t.name());
            a.kernels += s.kernelCount();
            a.time += s.kernelTimeNs();
            a.busy += s.busyTimeNs();
            a.predicted += s.simulation().map(SimulationSummary::predictedKernelTimeNs).orElse(0L);
        }
        if (duplicateRank) {
            notes.add("several traces have the same rank and stage; only the first of each takes part in matching"
                    + " collectives (name each rank's trace once, or check the ranks)");
        }
        int worldSize = traces.stream().map(t -> t.result().summary().metadata().distributed())
                .flatMap(Optional::stream).mapToInt(d -> d.worldSize().orElse(0)).max().orElse(0);
        if (ranks.size() > 1 && worldSize > ranks.size()) {
            notes.add("the traces cover " + ranks.size() + " of the run's " + worldSize + " ranks (world size "
                    + worldSize + "): each collective's transfer time, waits and last-arriving rank are computed"
                    + " among the given ranks only");
        }
        List<CollectiveMatcher.Report> reports = new ArrayList<>();
        for (Map<Integer, List<CollectiveKernel>> m : byTraceStage.values()) {
            List<CollectiveMatcher.RankCollectives> rc = new ArrayList<>();
            m.forEach((rank, ks) -> rc.add(new CollectiveMatcher.RankCollectives(rank, ks)));
            reports.add(CollectiveMatcher.match(rc));
        }
        CollectiveMatcher.Report collectives = combine(reports);
        if (traces.size() > 1 && traces.stream().allMatch(t -> t.rankSource().equals(TraceRun.ORDER_GIVEN)
                && t.result().collectives().isEmpty())) {
            // e.g. the demo folder: two models' traces, each a single-GPU run
            notes.add("no trace records its rank and none has a collective: the traces are numbered in the order"
                    + " given and read as separate single-GPU runs, not ranks of one job; the run's totals add"
                    + " them up");
        }
        List<RankTotals> perRank = new ArrayList<>();
        ranks.forEach((rank, a) -> perRank.add(new RankTotals(rank, List.copyOf(a.traces), a.kernels, a.time, a.busy,
                a.predicted, collectives.collectiveTimeByRank().getOrDefault(rank, 0L),
                collectives.waitByRank().getOrDefault(rank, 0L))));
        boolean simulated = traces.stream().anyMatch(t -> t.result().summary().simulation().isPresent());
        return new RunReport(traces, perRank, merge(traces.stream().map(t -> t.result().summary().analysis()).toList()),
                collectives, simulated, notes);
    }

    private static CollectiveMatcher.Report combine(List<CollectiveMatcher.Report> reports) {
        if (reports.size() == 1) {
            return reports.get(0);
        }
        Set<Integer> ranks = new java.util.TreeSet<>();
        List<CollectiveMatcher.Call> calls = new ArrayList<>();
        Map<Integer, Long> wait = new TreeMap<>();
        Map<Integer, Long> time = new TreeMap<>();
        Map<Integer, Integer> unmatched = new TreeMap<>();
        Set<String> notes = new LinkedHashSet<>();
        for (CollectiveMatcher.Report r : reports) {
            ranks.addAll(r.ranks());
            calls.addAll(r.calls());
            r.waitByRank().forEach((k, v) -> wait.merge(k, v, Long::sum));
            r.collectiveTimeByRank().forEach((k, v) -> time.merge(k, v, Long::sum));
            r.unmatched().forEach((k, v) -> unmatched.merge(k, v, Integer::sum));
            notes.addAll(r.notes());
        }
        return new CollectiveMatcher.Report(List.copyOf(ranks), calls, wait, time, unmatched, List.copyOf(notes));
    }

    /** Sums analyses: groups by key, kernel names by name; the peaks of the first trace that has them. */
    static RunAnalysis merge(List<RunAnalysis> analyses) {
        if (analyses.size() == 1) {
            return analyses.get(0);
        }
        Map<List<String>, KernelGroup> groups = new LinkedHashMap<>();
        Map<String, NamedTotals> names = new LinkedHashMap<>();
        Optional<GpuPeaks> peaks = Optional.empty();
        Optional<GpuPeaks> target = Optional.empty();
        boolean byAnnotation = false;
        for (RunAnalysis a : analyses) {
            peaks = peaks.or(a::peaks);
            target = target.or(a::targetPeaks);
            byAnnotation |= a.groupedByAnnotation();
            for (KernelGroup g : a.groups()) {
                groups.merge(List.of(g.stage().id(), g.family(), g.op(), g.annotation()), g, (x, y) ->
                        new KernelGroup(x.stage(), x.family(), x.op(), x.annotation(), x.totals().plus(y.totals())));
            }
            List<NamedTotals> tops = new ArrayList<>(a.topByTime());
            tops.addAll(a.topByLostTime());
            Set<String> seen = new java.util.HashSet<>();
            for (NamedTotals t : tops) {
                if (seen.add(t.name())) {
                    names.merge(t.name(), t, (x, y) -> new NamedTotals(x.name(), x.family(),
                            x.totals().plus(y.totals())));
                }
            }
        }
        List<KernelGroup> rows = new ArrayList<>(groups.values());
        rows.sort(Comparator.comparingLong((KernelGroup g) -> g.totals().kernelTimeNs()).reversed());
        List<NamedTotals> byTime = names.values().stream()
                .sorted(Comparator.comparingLong((NamedTotals t) -> t.totals().kernelTimeNs()).reversed()
                        .thenComparing(NamedTotals::name))
                .limit(RunSummaryBuilder.TOP_KERNELS).toList();
        List<NamedTotals> byLost = names.values().stream().filter(t -> t.totals().lostNs() > 0)
                .sorted(Comparator.comparingDouble((NamedTotals t) -> t.totals().lostNs()).reversed()
                        .thenComparing(NamedTotals::name))
                .limit(RunSummaryBuilder.TOP_KERNELS).toList();
        return new RunAnalysis(peaks, target, byAnnotation, rows, byTime, byLost);
    }

    /**
     * The run as the API hands it to exporters.
     *
     * @param tracesInFolders whether each trace's outputs are in the folder named after it
     */
    public RunResults results(boolean tracesInFolders) {
        List<RunResults.TraceResult> ts = new ArrayList<>();
        for (TraceRun.TraceOutcome t : traces) {
            ts.add(new RunResults.TraceResult(t.name(), tracesInFolders ? t.name() : "", t.rank(),
                    t.result().summary()));
        }
        Map<Integer, Long> last = new TreeMap<>();
        for (CollectiveMatcher.Call c : collectives.calls()) {
            last.merge(c.lastRank(), 1L, Long::sum);
        }
        List<RunResults.RankTotals> ranks = new ArrayList<>();
        for (RankTotals r : perRank) {
            ranks.add(new RunResults.RankTotals(r.rank(), r.traces(), r.kernelCount(), r.kernelTimeNs(),
                    r.busyTimeNs(), r.predictedNs(), r.collectiveTimeNs(), r.waitNs(), last.getOrDefault(r.rank(), 0L)));
        }
        RunResults.CollectiveTotals c = new RunResults.CollectiveTotals(collectives.ranks(), collectives.calls().size(),
                collectives.transferNs(), collectives.waitNs(), collectives.unmatched(), collectives.notes());
        return new RunResults(ts, ranks, analysis, c, simulated, notes);
    }

    /** Measured kernel time over every trace. */
    public long kernelTimeNs() {
        return perRank.stream().mapToLong(RankTotals::kernelTimeNs).sum();
    }

    /** Predicted kernel time over every trace. */
    public long predictedNs() {
        return perRank.stream().mapToLong(RankTotals::predictedNs).sum();
    }

    /** Stage totals of the whole run. */
    public Map<String, EfficiencyTotals> perStage() {
        return analysis.rollup(g -> g.stage().id());
    }

    private static final class Acc {
        final List<String> traces = new ArrayList<>();
        long kernels;
        long time;
        long busy;
        long predicted;
    }
}
