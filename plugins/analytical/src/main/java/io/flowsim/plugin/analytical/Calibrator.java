package io.flowsim.plugin.analytical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.CalibrationResult;
import io.flowsim.api.OptionValue;
import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;
import io.flowsim.api.model.FittedParameter;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.SimulationRequest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits a profile's efficiency parameters to measurements: bounded, robust least squares on the
 * logarithm of predicted over measured time (every measurement weighs by its relative error; a soft-L1
 * loss keeps a few unmodelled outliers from dominating), one part of the model at a time. A measurement belongs to the part of the model that predicts the largest share of
 * its time; the other kernels it contains keep their current parameters. Bounds are the parameters'
 * physical ranges, so a fitted efficiency never exceeds the datasheet peak.
 */
final class Calibrator {

    /** Fewest measurements a part of the model needs to be fitted. */
    static final int MIN_SAMPLES = 8;
    /** Most measurements one fit uses (an even, deterministic sample of the rest). */
    static final int MAX_SAMPLES = 2500;

    private Calibrator() {
    }

    /** Measurements of one part of the model, with each one's kernels. */
    private record Sample(Measurement m, double measuredSeconds) {
    }

    static Fit fit(HardwareProfile profile, List<Measurement> measurements, Reporter reporter) {
        Map<Param.FitGroup, List<Sample>> byGroup = new EnumMap<>(Param.FitGroup.class);
        long unusable = 0;
        for (Measurement m : measurements) {
            if (m.measuredNs() <= 0) {
                unusable++;
                continue;
            }
            Param.FitGroup group = null;
            boolean ok = true;
            for (int i = 0; i < m.kernels().size(); i++) {
                SimulationRequest r = m.kernels().get(i);
                Estimate e = KernelModel.estimate(r, profile);
                if (!e.supported()) {
                    ok = false;
                    break;
                }
                if (i == m.subject()) {
                    group = KernelModel.fitGroup(r, e);
                }
            }
            if (!ok) {
                unusable++;
                continue;
            }
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(new Sample(m, m.measuredNs() * 1e-9));
        }
        double[] params = profile.parameters();
        List<FittedParameter> fitted = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (unusable > 0) {
            notes.add(unusable + " measurement(s) not used: the model does not support one of their kernels,"
                    + " or the measured time is 0");
        }
        List<Param.FitGroup> order = List.of(Param.FitGroup.TRANSFER, Param.FitGroup.COPY, Param.FitGroup.ELEMENTWISE,
                Param.FitGroup.ELEMENTWISE_VECTORIZED, Param.FitGroup.ELEMENTWISE_STRIDED,
                Param.FitGroup.NORM, Param.FitGroup.REDUCTION, Param.FitGroup.GEMM, Param.FitGroup.ATTENTION_PREFILL,
                Param.FitGroup.ATTENTION_DECODE, Param.FitGroup.ATTENTION_PREFILL_TRITON,
                Param.FitGroup.ATTENTION_DECODE_TRITON, Param.FitGroup.ATTENTION_DECODE_CONTIGUOUS,
                Param.FitGroup.ATTENTION_DECODE_FA3, Param.FitGroup.MOE, Param.FitGroup.COLLECTIVE,
                Param.FitGroup.CUSTOM_ALLREDUCE);
        try (Progress progress = reporter.startProgress("calibrating " + profile.id(), byGroup.size(), "model parts")) {
            for (Param.FitGroup group : order) {
                List<Sample> all = byGroup.get(group);
                if (all == null) {
                    continue;
                }
                if (all.size() < MIN_SAMPLES) {
                    notes.add(group.section() + ": only " + all.size() + " measurement(s), not fitted (needs "
                            + MIN_SAMPLES + ")");
                    progress.advance(1);
                    continue;
                }
                List<Sample> samples = subsample(all);
                List<Param> free = sensitive(profile.withParameters(params), Param.of(group), samples);
                if (free.isEmpty()) {
                    notes.add(group.section() + ": the measurements do not depend on any of its parameters; not fitted");
                    progress.advance(1);
                    continue;
                }
                double[] start = new double[free.size()];
                double[] lower = new double[free.size()];
                double[] upper = new double[free.size()];
                for (int i = 0; i < free.size(); i++) {
                    start[i] = params[free.get(i).ordinal()];
                    lower[i] = free.get(i).lower();
                    upper[i] = free.get(i).upper();
                }
                double[] base = params.clone();
                BoundedMinimizer.Result result = BoundedMinimizer.minimize(x -> {
                    double[] trial = base.clone();
                    for (int i = 0; i < x.length; i++) {
                        trial[free.get(i).ordinal()] = x[i];
                    }
                    return objective(profile.withParameters(trial), samples);
                }, start, lower, upper);
                for (int i = 0; i < free.size(); i++) {
                    Param p = free.get(i);
                    fitted.add(new FittedParameter(group.section(), p.key(), params[p.ordinal()], result.x()[i],
                            p.lower(), p.upper(), all.size()));
                    params[p.ordinal()] = result.x()[i];
                    if (result.x()[i] <= p.lower() + 1e-9 * (p.upper() - p.lower())
                            || result.x()[i] >= p.upper() - 1e-9 * (p.upper() - p.lower())) {
                        notes.add(p.qualifiedName() + " ended at its bound " + ProfileFiles.round(result.x()[i]));
                    }
                }
                reporter.info(String.format(Locale.ROOT, "fitted %s on %,d measurements (%,d used): loss %.4f"
                        + " after %,d evaluations", group.section(), all.size(), samples.size(), result.value(),
                        result.evaluations()));
                progress.advance(1);
            }
        }
        return new Fit(profile.withParameters(params), fitted, notes);
    }

    /**
     * The parameters the measurements depend on: a parameter whose bounds give the same loss as its
     * current value (an FP8 efficiency on a GPU measured only in BF16) is left alone rather than
     * wandering to an arbitrary value.
     */
    static List<Param> sensitive(HardwareProfile profile, List<Param> candidates, List<Sample> samples) {
        double base = objective(profile, samples);
        List<Param> sensitive = new ArrayList<>();
        for (Param p : candidates) {
            boolean matters = false;
            for (double v : new double[] {p.lower(), p.upper()}) {
                double[] values = profile.parameters();
                values[p.ordinal()] = v;
                double loss = objective(profile.withParameters(values), samples);
                if (Math.abs(loss - base) > 1e-12 * Math.max(1, Math.abs(base))) {
                    matters = true;
                    break;
                }
            }
            if (matters) {
                sensitive.add(p);
            }
        }
        return sensitive;
    }

    /** Scale of the soft-L1 loss: log errors well below it count squared, well above it linearly. */
    static final double LOSS_SCALE = 0.1;

    /** Mean soft-L1 loss of the log ratio of predicted to measured time. */
    static double objective(HardwareProfile profile, List<Sample> samples) {
        double sum = 0;
        for (Sample s : samples) {
            double predicted = 0;
            for (SimulationRequest r : s.m.kernels()) {
                Estimate e = KernelModel.estimate(r, profile);
                if (!e.supported()) {
                    return Double.MAX_VALUE;
                }
                predicted += e.seconds();
            }
            double l = Math.log(predicted / s.measuredSeconds) / LOSS_SCALE;
            sum += 2 * (Math.sqrt(1 + l * l) - 1);
        }
        return sum / samples.size();
    }

    private static List<Sample> subsample(List<Sample> all) {
        if (all.size() <= MAX_SAMPLES) {
            return all;
        }
        List<Sample> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(s -> hash(s.m.key())));
        List<Sample> picked = new ArrayList<>(MAX_SAMPLES);
        double step = (double) sorted.size() / MAX_SAMPLES;
        for (int i = 0; i < MAX_SAMPLES; i++) {
            picked.add(sorted.get((int) (i * step)));
        }
        return picked;
    }

    static long hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The fitted profile with what changed. */
    record Fit(HardwareProfile profile, List<FittedParameter> parameters, List<String> notes) {
    }

    /** Writes the fitted profile: the original document with the new efficiency and provenance. */
    static CalibrationResult write(ProfileFiles.Loaded original, Fit fit, Path output, int measurements) {
        ObjectNode doc = original.document().deepCopy();
        doc.remove("efficiency_from");
        doc.set("efficiency", ProfileFiles.efficiencyNode(fit.profile().parameters()));
        ObjectNode calibration = doc.putObject("calibration");
        Map<String, Long> samplesByPart = new java.util.LinkedHashMap<>();
        for (FittedParameter p : fit.parameters()) {
            samplesByPart.put(p.family(), p.samples());
        }
        List<String> groups = new ArrayList<>();
        samplesByPart.forEach((part, n) -> groups.add(part + " (" + n + ")"));
        calibration.put("method", "flowsim calibrate: bounded least squares of log(predicted/measured) per model"
                + " part, within each parameter's physical range");
        calibration.put("fitted_on", measurements + " measurements; parts fitted: "
                + (groups.isEmpty() ? "none" : String.join(", ", groups)));
        calibration.put("base_profile", original.profile().origin());
        ProfileFiles.write(doc, output);
        return new CalibrationResult(output, fit.profile().id(), fit.parameters(), fit.notes(),
                List.of(new OptionValue<>(AnalyticalBackend.HARDWARE, output)));
    }
}
