package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Stages and efficiency of one trace's kernels (memcpys and memsets excluded).
 *
 * @param peaks           the recorded GPU's peaks that efficiency is measured against, when known
 * @param targetPeaks     the simulated GPU's peaks, when the run simulated and they are known
 * @param groupedByAnnotation whether {@link KernelGroup#annotation()} is filled
 * @param groups          totals per stage, family, op (and annotation), largest time first
 * @param topByTime       kernel names with the most measured time, largest first
 * @param topByLostTime   kernel names with the most time beyond their roofline, largest first
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record RunAnalysis(Optional<GpuPeaks> peaks, Optional<GpuPeaks> targetPeaks, boolean groupedByAnnotation,
                          List<KernelGroup> groups, List<NamedTotals> topByTime, List<NamedTotals> topByLostTime) {

    /** No analysis. */
    public static final RunAnalysis NONE = new RunAnalysis(Optional.empty(), Optional.empty(), false, List.of(),
            List.of(), List.of());

    public RunAnalysis {
        Objects.requireNonNull(peaks, "peaks");
        Objects.requireNonNull(targetPeaks, "targetPeaks");
        groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
        topByTime = List.copyOf(Objects.requireNonNull(topByTime, "topByTime"));
        topByLostTime = List.copyOf(Objects.requireNonNull(topByLostTime, "topByLostTime"));
    }

    /**
     * Sums the groups by a key (for example {@code g -> g.stage().id()}), in order of first
     * appearance.
     */
    public Map<String, EfficiencyTotals> rollup(Function<KernelGroup, String> key) {
        Map<String, EfficiencyTotals> out = new LinkedHashMap<>();
        for (KernelGroup g : groups) {
            out.merge(key.apply(g), g.totals(), EfficiencyTotals::plus);
        }
        return out;
    }

    /** Totals over every group. */
    public EfficiencyTotals total() {
        EfficiencyTotals t = EfficiencyTotals.EMPTY;
        for (KernelGroup g : groups) {
            t = t.plus(g.totals());
        }
        return t;
    }
}
