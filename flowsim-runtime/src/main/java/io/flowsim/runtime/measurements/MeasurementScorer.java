package io.flowsim.runtime.measurements;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;
import io.flowsim.runtime.pipeline.Accuracy;
import io.flowsim.runtime.pipeline.PluginFailure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Scores a backend against measurements: every distinct kernel is simulated once, a measurement's
 * prediction is the sum over the kernels it contains, and accuracy is computed per group with the
 * same statistics {@code flowsim simulate} prints. A measurement with any kernel the backend does
 * not predict is counted as unsupported, with the backend's reason.
 */
public final class MeasurementScorer {

    private MeasurementScorer() {
    }

    /**
     * One measurement and its prediction.
     *
     * @param measurement the measurement
     * @param predictedNs the summed prediction, or -1 when a kernel has none
     * @param reason      why there is no prediction (empty when there is one)
     * @param failed      whether the backend failed on a kernel of it (status {@code FAILED}), as
     *                    opposed to not modelling any it lacks ({@code UNSUPPORTED})
     */
    public record Scored(Measurement measurement, long predictedNs, String reason, boolean failed) {
        public boolean predicted() {
            return predictedNs >= 0;
        }
    }

    /**
     * Accuracy of one group.
     *
     * @param source      the table or trace the group comes from
     * @param group       the group's name
     * @param accuracy    the statistics over the predicted measurements (null when none)
     * @param unsupported measurements without a prediction
     * @param reasons     their reasons, counted, in the reasons' order (printed and written as is)
     */
    public record GroupScore(String source, String group, AccuracyRow accuracy, long unsupported,
                             Map<String, Long> reasons) {
        public GroupScore {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(group, "group");
            // sorted, so that a rerun prints and writes the reasons in the same order
            reasons = java.util.Collections.unmodifiableMap(new TreeMap<>(reasons));
        }
    }

    /** Simulates the kernels of the measurements on a target, in a session of their own. */
    public static List<Scored> score(SimulatorBackend backend, HardwareTarget target, RunContext context,
                                     List<Measurement> measurements) {
        try (SimulationSession session = backend.open(context)) {
            return score(backend.name(), session, target, measurements);
        }
    }

    /** Simulates the kernels of the measurements on a target, in a session of {@code backend}. */
    public static List<Scored> score(String backend, SimulationSession session, HardwareTarget target,
                                     List<Measurement> measurements) {
        Map<SimulationRequest, Integer> distinct = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            for (SimulationRequest r : m.kernels()) {
                distinct.putIfAbsent(r, distinct.size());
            }
        }
        List<SimulationRequest> batch = List.copyOf(distinct.keySet());
        List<SimulationResult> results;
        try {
            results = batch.isEmpty() ? List.of() : session.simulate(batch, target);
        } catch (FlowsimException e) {
            throw e;
        } catch (RuntimeException e) {
            throw PluginFailure.of("simulator backend '" + backend + "'", "failed on a batch of " + batch.size()
                    + " requests of measurement rows on " + target.name(), e);
        }
        if (results == null || results.size() != batch.size()) {
            throw new FlowsimException(ErrorCode.INTERNAL, "backend " + backend + " returned "
                    + (results == null ? "no" : results.size()) + " results for " + batch.size() + " requests");
        }
        List<Scored> scored = new ArrayList<>(measurements.size());
        for (Measurement m : measurements) {
            long sum = 0;
            String reason = "";
            boolean failed = false;
            for (SimulationRequest r : m.kernels()) {
                SimulationResult res = results.get(distinct.get(r));
                if (res.status() != SimulationStatus.OK) {
                    if (sum >= 0) {
                        reason = r.kernelName() + ": " + res.reason();
                        sum = -1;
                    }
                    failed |= res.status() == SimulationStatus.FAILED;
                } else if (sum >= 0) {
                    sum += res.predictedNs().getAsLong();
                }
            }
            scored.add(new Scored(m, sum, reason, failed));
        }
        return scored;
    }

    /** Accuracy per group, groups in first-seen order. */
    public static List<GroupScore> byGroup(String source, List<Scored> scored) {
        Map<String, List<Scored>> groups = new LinkedHashMap<>();
        for (Scored s : scored) {
            groups.computeIfAbsent(s.measurement().group(), g -> new ArrayList<>()).add(s);
        }
        List<GroupScore> out = new ArrayList<>();
        groups.forEach((group, list) -> out.add(groupScore(source, group, list)));
        return out;
    }

    /** Accuracy of a list of scored measurements as one group. */
    public static GroupScore groupScore(String source, String group, List<Scored> list) {
        long[] measured = new long[list.size()];
        long[] predicted = new long[list.size()];
        int n = 0;
        long unsupported = 0;
        Map<String, Long> reasons = new TreeMap<>();
        for (Scored s : list) {
            if (s.predicted()) {
                measured[n] = s.measurement().measuredNs();
                predicted[n] = s.predictedNs();
                n++;
            } else {
                unsupported++;
                reasons.merge(s.reason(), 1L, Long::sum);
            }
        }
        AccuracyRow row = n == 0 ? null : Accuracy.row(group, java.util.Arrays.copyOf(measured, n),
                java.util.Arrays.copyOf(predicted, n));
        return new GroupScore(source, group, row, unsupported, reasons);
    }
}
