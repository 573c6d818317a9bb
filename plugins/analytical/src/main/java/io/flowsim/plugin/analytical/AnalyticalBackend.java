package io.flowsim.plugin.analytical;

import io.flowsim.api.CalibrationRequest;
import io.flowsim.api.CalibrationResult;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Progress;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.SimulationStatus;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FlowSim's embedded analytical GPU performance model, the default backend: offline, microseconds per
 * kernel, one physics-based model per operation family (docs/simulator.md), and hardware described by
 * JSON profiles (bundled A100 SXM/PCIe, H100 SXM/PCIe/NVL, H200, B200, L40S; more with {@code --hardware FILE},
 * option key {@code analytical.hardware}, repeatable). Thread-safe: the bundled profiles are read once per
 * process; the run's catalog (bundled plus the run's files, the profile chosen per target, and which
 * approximate matches were already reported) lives in the session {@link #open} returns.
 */
public final class AnalyticalBackend implements SimulatorBackend {

    private static final String NAME = "analytical";
    /** Extra hardware profile files ({@code --analytical.hardware FILE}, alias {@code --hardware}). */
    public static final ExtensionOption<Path> HARDWARE = ExtensionOption.path(NAME + ".hardware",
                    "A hardware profile (JSON) to add to the bundled ones (A100, H100, H200, B200, L40S)")
            .repeatable().paramLabel("FILE").alias("--hardware");
    /** What-if network between nodes ({@code --internode-gbps}), replacing the profile's {@code internode_bandwidth_gbps}. */
    public static final ExtensionOption<Double> INTERNODE_GBPS = ExtensionOption.decimal(NAME + ".internode-gbps",
                    "Network bandwidth between nodes per GPU per direction, GB/s, instead of the profile's (what-if;"
                            + " 25 for a 200 Gb/s NIC per GPU, 50 for 400 Gb/s)")
            .paramLabel("GBPS").alias("--internode-gbps");
    /** What-if GPUs per node ({@code --gpus-per-node}), replacing the profile's {@code gpus_per_node}. */
    public static final ExtensionOption<Integer> GPUS_PER_NODE = ExtensionOption.integer(NAME + ".gpus-per-node",
                    "GPUs per node instead of the profile's (what-if; a collective's group larger than this crosses"
                            + " the network)")
            .paramLabel("N").alias("--gpus-per-node");

    /** The bundled profiles: class-path resources, the same for every run, read once per process. */
    private volatile List<ProfileFiles.Loaded> bundled;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Embedded analytical GPU model (offline; --gpu, --hardware)";
    }

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(HARDWARE, INTERNODE_GBPS, GPUS_PER_NODE);
    }

    @Override
    public SimulationSession open(RunContext context) {
        return new Session(catalog(context), context, Network.of(context));
    }

    /**
     * The run's what-if network ({@code --internode-gbps}, {@code --gpus-per-node}): null fields keep the profile's.
     *
     * @param internodeGbps network bandwidth between nodes per GPU per direction, GB/s, or null
     * @param gpusPerNode   GPUs per node, or null
     */
    record Network(Double internodeGbps, Integer gpusPerNode) {

        static Network of(RunContext context) {
            Double gbps = context.options().get(INTERNODE_GBPS);
            Integer perNode = context.options().get(GPUS_PER_NODE);
            if (gbps != null && !(gbps > 0 && Double.isFinite(gbps))) {
                throw FlowsimException.usage("--internode-gbps must be a positive number of GB/s per GPU (25 for a"
                        + " 200 Gb/s NIC per GPU), not " + gbps);
            }
            if (perNode != null && perNode < 1) {
                throw FlowsimException.usage("--gpus-per-node must be at least 1, not " + perNode);
            }
            return new Network(gbps, perNode);
        }

        HardwareProfile apply(HardwareProfile p) {
            return internodeGbps == null && gpusPerNode == null ? p
                    : p.withNetwork(gpusPerNode == null ? p.gpusPerNode() : gpusPerNode,
                            internodeGbps == null ? p.internodeBandwidthGbps() : internodeGbps);
        }
    }

    /**
     * One run: the catalog of the bundled profiles and the run's files, read once; the profile each target
     * runs on, with the run's what-if network applied once per target, not once per batch; and the targets
     * whose approximate match was already reported, so a run warns once, not once per batch.
     */
    static final class Session implements SimulationSession {
        private final HardwareCatalog catalog;
        private final RunContext context;
        private final Set<HardwareTarget> warned = ConcurrentHashMap.newKeySet();
        private final Network network;
        private final Map<HardwareTarget, HardwareProfile> runProfiles = new ConcurrentHashMap<>();

        Session(HardwareCatalog catalog, RunContext context, Network network) {
            this.catalog = catalog;
            this.context = context;
            this.network = network;
        }

        @Override
        public List<SimulationResult> simulate(List<SimulationRequest> batch, HardwareTarget target) {
            HardwareCatalog.Match match = catalog.match(target);
            HardwareProfile profile = runProfile(target);
            if (!match.warning().isEmpty() && warned.add(target)) {
                context.reporter().warn(match.warning());
            }
            List<SimulationResult> results = new ArrayList<>(batch.size());
            Map<String, String> unsupportedDetail = Map.of("profile", profile.id());
            // One detail map per model and bound of this batch (a few dozen), shared by its results: immutable and
            // equal to a map made per result, without building one per kernel.
            Map<String, Map<String, Map<String, String>>> details = new HashMap<>();
            try (Progress progress = batch.size() >= 200_000
                    ? context.reporter().startProgress("simulating on " + profile.id(), batch.size(), "kernels")
                    : Progress.none()) {
                for (int i = 0; i < batch.size(); i++) {
                    Estimate e = KernelModel.estimate(batch.get(i), profile);
                    if (e.supported()) {
                        Map<String, String> detail = details.computeIfAbsent(e.model(), m -> new HashMap<>())
                                .computeIfAbsent(e.bound(), bound -> Map.of("model", e.model(), "bound", bound,
                                        "profile", profile.id()));
                        results.add(SimulationResult.ok(e.nanos(), NAME, detail));
                    } else {
                        results.add(new SimulationResult(SimulationStatus.UNSUPPORTED, OptionalLong.empty(), e.reason(),
                                NAME, unsupportedDetail));
                    }
                    if ((i & 0xffff) == 0xffff) {
                        progress.advance(0x10000);
                    }
                }
            }
            return results;
        }

        @Override
        public List<String> notes(HardwareTarget target) {
            HardwareCatalog.Match match = catalog.match(target);
            HardwareProfile profile = match.profile();
            List<String> notes = new ArrayList<>();
            if (!match.warning().isEmpty()) {
                // a note as is: the console prints it after "Note: ", the report under "Backend notes"
                notes.add(match.warning());
            }
            String calibration = catalog.entry(profile.id())
                    .map(l -> l.document().path("calibration").path("summary").asText(
                            l.document().path("calibration").path("fitted_on").asText("")))
                    .orElse("");
            notes.add("analytical profile " + profile.id() + " (" + profile.name() + ", " + profile.origin() + ")"
                    + (calibration.isEmpty() ? "" : "; efficiency parameters: " + calibration));
            HardwareProfile run = runProfile(target);
            if (run != profile) {
                notes.add("what-if network: " + run.gpusPerNode() + " GPUs per node, " + gbps(run.internodeBandwidthGbps())
                        + " GB/s per GPU between nodes (profile " + profile.id() + ": " + profile.gpusPerNode() + ", "
                        + gbps(profile.internodeBandwidthGbps()) + ")");
            }
            notes.add(String.format(Locale.ROOT, "predicted times are GPU kernel durations; the host's launch overhead"
                    + " (about %.1f us per kernel on %s) is not part of them", profile.launchOverheadUs(), profile.id()));
            notes.add("collectives are predicted as the transfer itself: a rank's measured collective time also"
                    + " contains waiting for the slowest rank, which no kernel model can know");
            return notes;
        }

        /**
         * Fails as {@link #simulate} would when no profile of the run answers to the target's name, naming
         * the known profiles and the nearest one. The name alone is matched (the runtime asks before any trace
         * is read), so a name that matches several profiles fails here too.
         */
        @Override
        public void checkTarget(HardwareTarget target) {
            catalog.match(new HardwareTarget(target.name(), Optional.empty()));
        }

        /**
         * True when the target and the trace's device resolve to one profile of this run ({@code --gpu H200} on
         * a trace recorded on {@code NVIDIA H200}); false when either has no profile.
         */
        @Override
        public boolean isTraceDevice(HardwareTarget target) {
            if (target.isTraceDevice()) {
                return true;
            }
            if (target.traceDevice().isEmpty()) {
                return false;
            }
            DeviceInfo device = target.traceDevice().get();
            try {
                return catalog.resolve(target).id()
                        .equals(catalog.resolve(new HardwareTarget(device.name(), Optional.of(device))).id());
            } catch (FlowsimException e) {
                return false;
            }
        }

        /** The profile {@code target} runs on: its match, with the what-if network applied once per run. */
        HardwareProfile runProfile(HardwareTarget target) {
            return runProfiles.computeIfAbsent(target, t -> network.apply(catalog.match(t).profile()));
        }

        private static String gbps(double v) {
            return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        }

        /** The profile's datasheet figures; empty when no profile matches the target. */
        @Override
        public Optional<GpuPeaks> peaks(HardwareTarget target) {
            HardwareProfile profile;
            try {
                profile = catalog.resolve(target);
            } catch (FlowsimException e) {
                return Optional.empty();
            }
            Map<DataType, Double> flops = new EnumMap<>(DataType.class);
            for (DataType t : DataType.values()) {
                profile.peakFlops(HardwareProfile.precisionOf(t)).ifPresent(v -> flops.put(t, v));
            }
            return Optional.of(new GpuPeaks(profile.name(), flops, profile.hbmBytesPerSecond(),
                    profile.nvlinkBytesPerSecond()));
        }
    }

    @Override
    public boolean canCalibrate() {
        return true;
    }

    @Override
    public CalibrationResult calibrate(CalibrationRequest request, RunContext context) {
        HardwareCatalog catalog = catalog(context);
        HardwareProfile profile = catalog.resolve(request.target());
        ProfileFiles.Loaded original = catalog.entry(profile.id()).orElseThrow();
        if (request.measurements().isEmpty()) {
            throw FlowsimException.badInput("no measurements to calibrate " + profile.id() + " with");
        }
        Calibrator.Fit fit = Calibrator.fit(profile, request.measurements(), context.reporter());
        if (fit.parameters().isEmpty()) {
            throw FlowsimException.badInput("none of the " + request.measurements().size() + " measurements could be"
                    + " used to calibrate " + profile.id() + ": " + String.join("; ", fit.notes()));
        }
        return Calibrator.write(original, fit, request.output(), request.measurements().size());
    }

    /** The bundled profiles plus the run's {@code --hardware} files, read now. */
    HardwareCatalog catalog(RunContext context) {
        return HardwareCatalog.of(bundled(), context.options().getAll(HARDWARE));
    }

    private List<ProfileFiles.Loaded> bundled() {
        List<ProfileFiles.Loaded> b = bundled;
        if (b == null) {
            synchronized (this) {
                b = bundled;
                if (b == null) {
                    b = List.copyOf(ProfileFiles.readBundled());
                    bundled = b;
                }
            }
        }
        return b;
    }
}
