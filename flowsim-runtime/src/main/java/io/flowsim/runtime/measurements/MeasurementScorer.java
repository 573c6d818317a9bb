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
import io.flowsim.runtime.discovery.Discovered;
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

    /**
     * Simulates the kernels of the measurements on a target, in a session of their own; a backend that throws
     * when opened or on a row is one line naming it, its plugin and the row ({@link PluginFailure}).
     */
    public static List<Scored> score(Discovered<SimulatorBackend> backend, HardwareTarget target, RunContext context,
                                     List<Measurement> measurements) {
        try (SimulationSession session = PluginFailure.open(backend, context)) {
            return score(backend, session, target, measurements);
        }
    }

    /** Simulates the kernels of the measurements on a target, in a session of {@code backend}. */
    public static List<Scored> score(Discovered<SimulatorBackend> backend, SimulationSession session,
                                     HardwareTarget target, List<Measurement> measurements) {
        return score(PluginFailure.describe(backend), backend.name(), session, target, measurements);
    }

    /** Simulates the kernels of the measurements on a target, in a session of the backend named {@code backend}. */
    public static List<Scored> score(String backend, SimulationSession session, HardwareTarget target,
                                     List<Measurement> measurements) {
        return score("simulator backend '" + backend + "'", backend, session, target, measurements);
    }

    /** @param extension the backend as messages name it */
    private static List<Scored> score(String extension, String backend, SimulationSession session,
                                      HardwareTarget target, List<Measurement> measurements) {
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
        } catch (RuntimeException | LinkageError e) {
            throw PluginFailure.of(extension, failedOn(session, batch, target, measurements), e);
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

    /**
     * What a backend that threw on the batch failed on: the first measured row (its file and line, or trace
     * and kernel index) holding a request that alone makes it throw again, else the rows of the batch.
     */
    private static String failedOn(SimulationSession session, List<SimulationRequest> batch, HardwareTarget target,
                                   List<Measurement> measurements) {
        int culprit = PluginFailure.culprit(session, batch, target);
        if (culprit >= 0) {
            SimulationRequest request = batch.get(culprit);
            List<Measurement> rows = measurements.stream().filter(m -> m.kernels().contains(request)).toList();
            if (!rows.isEmpty()) {
                return "failed on kernel '" + request.kernelName() + "' of the measured row " + rows.get(0).origin()
                        + " (group " + rows.get(0).group() + (rows.size() > 1 ? "; " + (rows.size() - 1)
                        + " more rows hold it" : "") + ") on " + target.name();
            }
        }
        return "failed on a batch of " + batch.size() + " requests of the measured rows " + measurements.get(0).origin()
                + (measurements.size() > 1 ? " to " + measurements.get(measurements.size() - 1).origin() : "")
                + " on " + target.name();
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
