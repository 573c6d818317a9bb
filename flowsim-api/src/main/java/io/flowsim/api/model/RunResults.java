package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole run as the runtime aggregated it (the figures of {@code run.json}): every trace's summary,
 * the totals per rank, the traces' analyses merged, and the collectives matched across ranks. Handed
 * to {@code Exporter.exportRun} once per run.
 *
 * @param traces      the traces, in the order given
 * @param perRank     totals per rank, ascending
 * @param analysis    the traces' stage and efficiency analyses summed (the top kernels drawn from
 *                    each trace's top lists)
 * @param collectives the collectives matched across ranks
 * @param simulated   whether the traces were simulated
 * @param notes       what the user should know about the run (mixed GPUs or versions, repeated ranks)
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record RunResults(List<TraceResult> traces, List<RankTotals> perRank, RunAnalysis analysis,
                         CollectiveTotals collectives, boolean simulated, List<String> notes) {
    public RunResults {
        traces = List.copyOf(Objects.requireNonNull(traces, "traces"));
        perRank = List.copyOf(Objects.requireNonNull(perRank, "perRank"));
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(collectives, "collectives");
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
    }

    /**
     * One trace of the run.
     *
     * @param name    the trace's name (unique in the run)
     * @param folder  the subfolder of the run's output directory holding its outputs ({@code ""}
     *                when they share the run's directory)
     * @param rank    its rank: recorded in the trace or its file name, else its position in the run
     * @param summary its summary, as its exporters received it
     */
    public record TraceResult(String name, String folder, int rank, RunSummary summary) {
        public TraceResult {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(summary, "summary");
        }
    }

    /**
     * One rank's totals over its traces.
     *
     * @param rank             the rank
     * @param traces           its traces' names
     * @param kernelCount      GPU kernels
     * @param kernelTimeNs     measured kernel time
     * @param busyTimeNs       busy time
     * @param predictedNs      predicted kernel time (0 without simulation)
     * @param collectiveTimeNs measured time of its collectives matched across ranks
     * @param waitNs           of which it waited for other ranks
     * @param lastArrivals     matched calls in which it was the last rank to arrive
     */
    public record RankTotals(int rank, List<String> traces, long kernelCount, long kernelTimeNs, long busyTimeNs,
                             long predictedNs, long collectiveTimeNs, long waitNs, long lastArrivals) {
        public RankTotals {
            traces = List.copyOf(Objects.requireNonNull(traces, "traces"));
        }

        /** The time its matched collectives spent transferring: their time less the wait. */
        public long transferNs() {
            return collectiveTimeNs - waitNs;
        }
    }

    /**
     * The collectives matched across ranks.
     *
     * @param ranks            the ranks that took part in matching
     * @param matchedCalls     calls matched across every rank of their group
     * @param transferNs       sum of the calls' transfer times
     * @param waitNs           sum of every rank's wait
     * @param unmatchedByRank  collective kernels of each rank that no call matched
     * @param notes            why calls could not be matched
     */
    public record CollectiveTotals(List<Integer> ranks, long matchedCalls, long transferNs, long waitNs,
                                   Map<Integer, Integer> unmatchedByRank, List<String> notes) {
        public CollectiveTotals {
            ranks = List.copyOf(Objects.requireNonNull(ranks, "ranks"));
            unmatchedByRank = Map.copyOf(Objects.requireNonNull(unmatchedByRank, "unmatchedByRank"));
            notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
        }

        /** Whether waiting is told apart from transfer: only with several ranks. */
        public boolean waitSeparated() {
            return ranks.size() > 1;
        }
    }
}
