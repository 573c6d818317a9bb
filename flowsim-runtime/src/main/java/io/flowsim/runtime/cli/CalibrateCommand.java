package io.flowsim.runtime.cli;

import io.flowsim.api.CalibrationRequest;
import io.flowsim.api.CalibrationResult;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.FittedParameter;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.Measurement;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.PluginFailure;
import io.flowsim.runtime.measurements.HoldOutSplit;
import io.flowsim.runtime.measurements.MeasurementScorer;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PrintableText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code flowsim calibrate}: fit a backend's hardware description to measurements, scored on held-out data. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        header = "Fit a hardware profile to measured latencies (scored on held-out data).",
        description = "Fit a simulator backend's hardware description (for the default backend, its"
            + " efficiency parameters) to measured latency tables or traces of one GPU, write it"
            + " as a profile the backend reads back (the options to use are printed), and report"
            + " the accuracy before and after on measurements held out from the fit (a"
            + " deterministic split by the hash of each measured configuration).")
final class CalibrateCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE, ExtensionPoint.KERNEL_RESOLVER, ExtensionPoint.SIMULATOR_BACKEND);
    }

    @ParentCommand
    FlowsimCommand root;

    @Mixin
    MeasurementInputs inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, converter = NonEmptyOutput.ToPath.class,
            description = "Where to write the fitted hardware profile (JSON).")
    Path output;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = SimulateCommand.DEFAULT_BACKEND,
            description = "The simulator backend to calibrate (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU the measurements were taken on (default: the tables' device column or path, "
                    + "the traces' GPU; they must agree).")
    String gpu;

    @Option(names = "--held-out-fraction", paramLabel = "F", defaultValue = "0.3",
            description = "The share of measurements (by key hash) held out from the fit and used to score it "
                    + "(default: ${DEFAULT-VALUE}).")
    double heldOutFraction;

    @Override
    public Integer call() {
        if (inputs.isEmpty()) {
            throw FlowsimException.usage("name at least one table, directory of tables or --trace-file to calibrate with");
        }
        HoldOutSplit split = split(heldOutFraction);
        if (heldOutFraction <= 0) {
            throw FlowsimException.usage("--held-out-fraction must be above 0: calibration is always scored on data"
                    + " it was not fitted on");
        }
        if (Files.isDirectory(output)) {
            throw FlowsimException.usage("--output " + output + " is a directory; name the profile file to write");
        }
        Options.Builder options = root.options();
        inputs.addTo(options);
        try (ExtensionRegistry registry = root.discover()) {
            Discovered<SimulatorBackend> discovered = registry.requireDiscovered(ExtensionPoint.SIMULATOR_BACKEND,
                    SimulatorBackend.class, backend);
            SimulatorBackend b = discovered.extension();
            if (!b.canCalibrate()) {
                throw FlowsimException.usage("backend '" + b.name() + "' cannot be calibrated");
            }
            RunContext context = RunContext.of(options.build(), root.reporter(), null);
            // a GPU or a setting the backend refuses (a file it cannot read) fails now, before any table or trace is read
            new Pipeline(registry, context).checkBackend(Optional.of(backend), Optional.ofNullable(gpu));
            List<MeasurementInputs.Source> sources;
            // as validate: each table's GPU is checked by the backend, and a table found in a directory that
            // cannot be used (a GPU without a profile) is listed with the results instead of ending the run
            try (SimulationSession session = PluginFailure.open(discovered, context)) {
                sources = inputs.readChecked(registry, context, Optional.ofNullable(gpu), session, "fit");
            }
            MeasurementInputs.requireOneGpu(sources, "calibrate fits");
            HardwareTarget target = sources.stream().map(MeasurementInputs.Source::target)
                    .filter(t -> t.traceDevice().isPresent()).findFirst().orElse(sources.get(0).target());
            List<Measurement> fitting = new ArrayList<>();
            long heldOut = 0;
            Map<MeasurementInputs.Source, HoldOutSplit.Parts> parts = new java.util.IdentityHashMap<>();
            for (MeasurementInputs.Source s : sources) {
                HoldOutSplit.Parts p = split.partition(s.measurements());
                parts.put(s, p);
                fitting.addAll(p.fitting());
                heldOut += p.heldOut().size();
            }
            if (fitting.isEmpty()) {
                throw FlowsimException.badInput("no measurements to fit: the inputs hold none (see the skipped rows)");
            }
            root.reporter().info(String.format(Locale.ROOT, "calibrating %s for %s on %,d measurements (%,d held out)",
                    b.name(), target.name(), fitting.size(), heldOut));
            CalibrationResult result = b.calibrate(new CalibrationRequest(target, fitting, output), context);

            result.useWith().forEach(v -> v.addTo(options));
            RunContext after = RunContext.of(options.build(), root.reporter(), null);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"source", "group", "held out", "median before", "median after", "p90 before",
                "p90 after", "time-wtd before", "time-wtd after"});
            for (MeasurementInputs.Source s : sources) {
                List<Measurement> test = parts.get(s).heldOut();
                if (test.isEmpty()) {
                    continue;
                }
                Map<String, MeasurementScorer.GroupScore> before = index(MeasurementScorer.byGroup(s.name(),
                        MeasurementScorer.score(discovered, s.target(), context, test)));
                HardwareTarget fittedTarget = new HardwareTarget(result.targetName(), s.target().traceDevice());
                for (MeasurementScorer.GroupScore g : MeasurementScorer.byGroup(s.name(),
                        MeasurementScorer.score(discovered, fittedTarget, after, test))) {
                    AccuracyRow a = g.accuracy();
                    MeasurementScorer.GroupScore gb = before.get(g.group());
                    AccuracyRow o = gb == null ? null : gb.accuracy();
                    rows.add(new String[] {s.name(), g.group(), String.format(Locale.ROOT, "%,d", a == null ? 0 : a.count()),
                        o == null ? "-" : SummaryPrinter.pct(o.medianAbsErrorPercent(), false),
                        a == null ? "-" : SummaryPrinter.pct(a.medianAbsErrorPercent(), false),
                        o == null ? "-" : SummaryPrinter.pct(o.p90AbsErrorPercent(), false),
                        a == null ? "-" : SummaryPrinter.pct(a.p90AbsErrorPercent(), false),
                        o == null ? "-" : SummaryPrinter.pct(o.timeWeightedAbsErrorPercent(), false),
                        a == null ? "-" : SummaryPrinter.pct(a.timeWeightedAbsErrorPercent(), false)});
                }
            }
            root.out.printf(Locale.ROOT, "Calibrated %s with backend %s on %,d measurements; %,d held out (fraction %.2f,"
                    + " by key hash) and never used for fitting.%n", target.name(), b.name(), fitting.size(), heldOut,
                    heldOutFraction);
            StringBuilder use = new StringBuilder();
            result.useWith().forEach(v -> use.append(v.spelling()).append(' ').append(v.text()).append(' '));
            root.out.println("Wrote " + PrintableText.of(result.output() + " (simulate with: " + use + "--gpu "
                    + result.targetName() + ")"));
            root.out.println();
            List<String[]> params = new ArrayList<>();
            params.add(new String[] {"part", "parameter", "before", "after", "bounds", "measurements"});
            for (FittedParameter p : result.parameters()) {
                params.add(new String[] {p.family(), p.name(), num(p.before()), num(p.after()),
                    "[" + num(p.lower()) + ", " + num(p.upper()) + "]", String.format(Locale.ROOT, "%,d", p.samples())});
            }
            TextTable.print(root.out, params, new boolean[] {false, false, true, true, false, true});
            root.out.println();
            root.out.println("Accuracy on the held-out measurements:");
            TextTable.print(root.out, rows, new boolean[] {false, false, true, true, true, true, true, true, true});
            for (String note : result.notes()) {
                root.out.println("Note: " + note);
            }
            MeasurementInputs.printSkippedTables(root.out, inputs.skippedTables(), "not used");
        }
        return 0;
    }

    private static Map<String, MeasurementScorer.GroupScore> index(List<MeasurementScorer.GroupScore> list) {
        Map<String, MeasurementScorer.GroupScore> map = new LinkedHashMap<>();
        list.forEach(g -> map.put(g.group(), g));
        return map;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static HoldOutSplit split(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw FlowsimException.usage("--held-out-fraction must be at least 0 and below 1, got " + fraction);
        }
        return new HoldOutSplit(fraction);
    }
}
