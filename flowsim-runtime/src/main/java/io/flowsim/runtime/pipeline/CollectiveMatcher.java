package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.AccuracyRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Matches each collective call across the ranks that took part in it, and splits every rank's
 * measured collective time into the transfer itself and waiting.
 *
 * <p>Calls are matched within a process group by their order in the group: the n-th call of a group
 * on one rank is the n-th on every other. The group is the collective arguments' process-group name;
 * traces that do not record it (older PyTorch) are matched per collective instead (the n-th
 * all-reduce with the n-th all-reduce), as different collectives often run on different
 * communicators whose calls interleave differently on each rank. A call whose collective differs between ranks is a mismatch: it and everything after
 * it in that group stay unmatched and are counted, never guessed. For a matched call:
 * <ul>
 *   <li>transfer time = the shortest duration over the ranks for symmetric collectives (all-reduce,
 *       all-gather, reduce-scatter, broadcast): the rank that arrived last waited least, so its
 *       duration is the transfer; the longest for all-to-all and send/receive, whose ranks move
 *       different amounts;</li>
 *   <li>each rank's wait = its duration minus the transfer time (never negative);</li>
 *   <li>the last-arriving rank is the one that started last.</li>
 * </ul>
 * Timestamps of different ranks are compared as recorded; ranks on different hosts are only as
 * comparable as their clocks.
 */
public final class CollectiveMatcher {

    private CollectiveMatcher() {
    }

    /** One rank's collectives, in trace order. */
    public record RankCollectives(int rank, List<CollectiveKernel> kernels) {
        public RankCollectives {
            kernels = List.copyOf(Objects.requireNonNull(kernels, "collective kernel list"));
        }
    }

    /** One rank's part in a matched call. */
    public record Participant(int rank, long startNs, long durationNs, long waitNs, long predictedNs) {
    }

    /**
     * One collective call matched across ranks.
     *
     * @param group        the process group ({@code ""} when the traces do not name one)
     * @param sequence     the call's position in its group (0-based)
     * @param collective   the normalized collective
     * @param stage        the stage of the first rank's kernel
     * @param transferNs   the transfer time
     * @param lastRank     the rank that started last
     * @param participants every rank's start, duration and wait, by rank
     */
    public record Call(String group, int sequence, String collective, String stage, long transferNs, int lastRank,
                       List<Participant> participants) {
        public Call {
            participants = List.copyOf(participants);
        }

        /** The prediction for the transfer: the prediction of a rank whose duration is the transfer. */
        public Optional<Long> predictedTransferNs() {
            for (Participant p : participants) {
                if (p.durationNs() == transferNs && p.predictedNs() >= 0) {
                    return Optional.of(p.predictedNs());
                }
            }
            return participants.stream().map(Participant::predictedNs).filter(v -> v >= 0).findFirst();
        }
    }

    /**
     * The outcome of matching.
     *
     * @param ranks        the ranks matched, ascending
     * @param calls        matched calls, by group then sequence
     * @param waitByRank   each rank's total wait in matched calls
     * @param collectiveTimeByRank each rank's total measured time in matched calls
     * @param unmatched    collective kernels that could not be matched, per rank
     * @param notes        what the user should know (mismatches, a single rank)
     */
    public record Report(List<Integer> ranks, List<Call> calls, Map<Integer, Long> waitByRank,
                         Map<Integer, Long> collectiveTimeByRank, Map<Integer, Integer> unmatched, List<String> notes) {
        public Report {
            ranks = List.copyOf(ranks);
            calls = List.copyOf(calls);
            waitByRank = Map.copyOf(waitByRank);
            collectiveTimeByRank = Map.copyOf(collectiveTimeByRank);
            unmatched = Map.copyOf(unmatched);
            notes = List.copyOf(notes);
        }

        /** Total transfer time over the matched calls (counted once per call). */
        public long transferNs() {
            return calls.stream().mapToLong(Call::transferNs).sum();
        }

        /** Total wait over every rank. */
        public long waitNs() {
            return waitByRank.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Accuracy of the predictions scored against the transfer times, when calls have predictions. */
        public Optional<AccuracyRow> accuracy() {
            List<long[]> pairs = new ArrayList<>();
            for (Call c : calls) {
                c.predictedTransferNs().ifPresent(p -> pairs.add(new long[] {c.transferNs(), p}));
            }
            if (pairs.isEmpty()) {
                return Optional.empty();
            }
            long[] m = new long[pairs.size()];
            long[] p = new long[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                m[i] = pairs.get(i)[0];
                p[i] = pairs.get(i)[1];
            }
            return Optional.of(Accuracy.row("collective transfer", m, p));
        }
    }

    /** Matches the collectives of the given ranks (each rank once). */
    public static Report match(List<RankCollectives> ranks) {
        List<String> notes = new ArrayList<>();
        List<Integer> rankIds = ranks.stream().map(RankCollectives::rank).sorted().toList();
        Map<Integer, Long> wait = new TreeMap<>();
        Map<Integer, Long> time = new TreeMap<>();
        Map<Integer, Integer> unmatched = new TreeMap<>();
        for (RankCollectives r : ranks) {
            wait.put(r.rank(), 0L);
            time.put(r.rank(), 0L);
            unmatched.put(r.rank(), 0);
        }
        if (ranks.size() < 2) {
            notes.add("only one rank: waiting for other ranks cannot be separated from the transfer, so collective"
                    + " times include any wait; give every rank's trace to split them");
            ranks.forEach(r -> unmatched.put(r.rank(), r.kernels().size()));
            return new Report(rankIds, List.of(), wait, time, unmatched, notes);
        }
        // per rank: group -> calls in order
        Map<Integer, Map<String, List<CollectiveKernel>>> byGroup = new TreeMap<>();
        java.util.Set<String> groups = new java.util.TreeSet<>();
        for (RankCollectives r : ranks) {
            Map<String, List<CollectiveKernel>> g = new LinkedHashMap<>();
            for (CollectiveKernel k : r.kernels()) {
                String key = groupKey(k);
                g.computeIfAbsent(key, x -> new ArrayList<>()).add(k);
                groups.add(key);
            }
            byGroup.put(r.rank(), g);
        }
        List<Call> calls = new ArrayList<>();
        for (String group : groups) {
            List<Integer> members = new ArrayList<>();
            for (int rank : byGroup.keySet()) {
                if (byGroup.get(rank).containsKey(group)) {
                    members.add(rank);
                }
            }
            if (members.size() < 2) {
                members.forEach(rank -> unmatched.merge(rank, byGroup.get(rank).get(group).size(), Integer::sum));
                continue;
            }
            int common = members.stream().mapToInt(rank -> byGroup.get(rank).get(group).size()).min().orElse(0);
            int matched = 0;
            for (int i = 0; i < common; i++) {
                List<CollectiveKernel> parts = new ArrayList<>();
                for (int rank : members) {
                    parts.add(byGroup.get(rank).get(group).get(i));
                }
                String collective = parts.get(0).collective();
                if (parts.stream().anyMatch(p -> !p.collective().equals(collective))) {
                    notes.add("process group " + label(group) + ": call " + i + " is " + describe(members, parts)
                            + "; the calls from there on are not matched");
                    break;
                }
                calls.add(call(parts.get(0).processGroup(), i, members, parts));
                matched++;
            }
            for (int rank : members) {
                unmatched.merge(rank, byGroup.get(rank).get(group).size() - matched, Integer::sum);
            }
        }
        for (Call c : calls) {
            for (Participant p : c.participants()) {
                wait.merge(p.rank(), p.waitNs(), Long::sum);
                time.merge(p.rank(), p.durationNs(), Long::sum);
            }
        }
        if (unmatched.values().stream().anyMatch(v -> v > 0)) {
            notes.add("collective kernels not matched across ranks (counted as measured, wait unknown): " + unmatched);
        }
        return new Report(rankIds, calls, wait, time, unmatched, notes);
    }

    private static Call call(String group, int sequence, List<Integer> members, List<CollectiveKernel> parts) {
        boolean asymmetric = parts.get(0).asymmetric();
        long transfer = asymmetric ? Long.MIN_VALUE : Long.MAX_VALUE;
        int last = members.get(0);
        long lastStart = Long.MIN_VALUE;
        for (int i = 0; i < parts.size(); i++) {
            CollectiveKernel k = parts.get(i);
            transfer = asymmetric ? Math.max(transfer, k.durationNs()) : Math.min(transfer, k.durationNs());
            if (k.startNs() > lastStart) {
                lastStart = k.startNs();
                last = members.get(i);
            }
        }
        List<Participant> participants = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            CollectiveKernel k = parts.get(i);
            participants.add(new Participant(members.get(i), k.startNs(), k.durationNs(),
                    Math.max(0, k.durationNs() - transfer), k.predictedNs()));
        }
        return new Call(group, sequence, parts.get(0).collective(), parts.get(0).stage().id(), transfer, last,
                participants);
    }

    /** The process group's name, else {@code (unnamed) <collective>}. */
    static String groupKey(CollectiveKernel k) {
        return k.processGroup().isEmpty() ? "(unnamed) " + k.collective() : k.processGroup();
    }

    private static String label(String group) {
        return group;
    }

    private static String describe(List<Integer> members, List<CollectiveKernel> parts) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            s.add(parts.get(i).collective() + " on rank " + members.get(i));
        }
        return String.join(", ", s);
    }
}
