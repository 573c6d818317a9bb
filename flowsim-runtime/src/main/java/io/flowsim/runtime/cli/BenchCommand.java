package io.flowsim.runtime.cli;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.measurements.SyntheticRequests;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PluginFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim bench}: how many kernels per second a backend simulates. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Time a simulator backend: kernels per second.",
        description = "Time a simulator backend: simulate the kernels of a trace, of latency tables or a"
            + " synthetic mix, repeatedly and WITHOUT de-duplication, on one thread, and print kernels per"
            + " second overall and per family.")
final class BenchCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE, ExtensionPoint.KERNEL_RESOLVER, ExtensionPoint.SIMULATOR_BACKEND);
    }

    @ParentCommand
    FlowsimCommand root;

    @Mixin
    MeasurementInputs inputs;

    @Option(names = "--synthetic", paramLabel = "N",
            description = "Use N synthetic requests shaped like an LLM-inference trace (fixed seed).")
    Integer synthetic;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = SimulateCommand.DEFAULT_BACKEND,
            description = "The simulator backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU to simulate (default: the trace's or table's GPU; H100 for --synthetic).")
    String gpu;

    @Option(names = "--min-seconds", paramLabel = "S", defaultValue = "3",
            description = "Repeat each timing until it has run this long (default: ${DEFAULT-VALUE}).")
    double minSeconds;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "2",
            description = "Untimed runs first, for the JIT compiler (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Override
    public Integer call() {
        if (synthetic == null && inputs.isEmpty()) {
            throw FlowsimException.usage("name a --trace-file, latency tables, or --synthetic N to benchmark with");
        }
        if (synthetic != null && synthetic < 1) {
            throw FlowsimException.usage("--synthetic must be at least 1, got " + synthetic);
        }
        if (!(minSeconds > 0) || !(warmupSeconds >= 0)) {
            throw FlowsimException.usage("--min-seconds must be above 0 and --warmup-seconds at least 0");
        }
        Options.Builder options = root.options();
        inputs.addTo(options);
        try (ExtensionRegistry registry = root.discover()) {
            Discovered<SimulatorBackend> b = registry.requireDiscovered(ExtensionPoint.SIMULATOR_BACKEND,
                    SimulatorBackend.class, backend);
            RunContext context = RunContext.of(options.build(), root.reporter(), null);
            // a GPU or a setting the backend refuses (a file it cannot read) fails now, before any table or trace is read
            new Pipeline(registry, context).checkBackend(Optional.of(backend), Optional.ofNullable(gpu));
            // The runtime's reporter would print progress lines; timing runs stay silent.
            RunContext quiet = RunContext.of(context.options(), Reporter.silent(), null);
            List<SimulationRequest> requests = new ArrayList<>();
            HardwareTarget target = null;
            String origin;
            List<String[]> rows;
            // closed before the table is printed: a session that fails to close fails the run without a table
            try (SimulationSession session = PluginFailure.open(b, quiet)) {
                if (synthetic != null) {
                    requests.addAll(SyntheticRequests.generate(synthetic, 42));
                    target = new HardwareTarget(gpu == null ? "H100" : gpu, Optional.empty());
                    origin = synthetic + " synthetic requests";
                } else {
                    // as validate: each table's GPU is checked by the backend, and a table found in a directory
                    // that cannot be used (a GPU without a profile) is listed with the results
                    List<MeasurementInputs.Source> sources = inputs.readChecked(registry, context,
                            Optional.ofNullable(gpu), session, "benchmark with");
                    MeasurementInputs.requireOneGpu(sources, "bench times");
                    for (MeasurementInputs.Source s : sources) {
                        for (Measurement m : s.measurements()) {
                            requests.addAll(m.kernels());
                        }
                        if (target == null) {
                            target = s.target();
                        }
                    }
                    origin = String.join(", ", sources.stream().map(MeasurementInputs.Source::name).toList());
                    if (target == null || requests.isEmpty()) {
                        throw FlowsimException.badInput("the inputs hold no kernels to benchmark with");
                    }
                }
                rows = bench(session, requests, target);
            }
            root.out.printf(Locale.ROOT, "Backend %s on %s: %,d requests from %s, simulated repeatedly without "
                    + "de-duplication on 1 thread (Java %s)%n", b.name(), target.name(), requests.size(), origin,
                    System.getProperty("java.version"));
            TextTable.print(root.out, rows, new boolean[] {false, true, true, true, true, true});
            MeasurementInputs.printSkippedTables(root.out, inputs.skippedTables(), "not timed");
        }
        return 0;
    }

    /** The table's rows: per family, then all requests. */
    private List<String[]> bench(SimulationSession b, List<SimulationRequest> requests, HardwareTarget target) {
        Map<String, List<SimulationRequest>> byFamily = new LinkedHashMap<>();
        for (SimulationRequest r : requests) {
            String family = r.kind() == KernelKind.KERNEL ? r.family().id() : r.kind().name().toLowerCase(Locale.ROOT);
            byFamily.computeIfAbsent(family, f -> new ArrayList<>()).add(r);
        }
        root.reporter().info("warming up for " + warmupSeconds + " s");
        time(b, requests, target, warmupSeconds);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"family", "requests", "runs", "seconds", "kernels/s", "us/kernel"});
        for (Map.Entry<String, List<SimulationRequest>> e : byFamily.entrySet()) {
            rows.add(row(e.getKey(), e.getValue().size(), time(b, e.getValue(), target,
                    minSeconds / Math.max(1, byFamily.size()))));
        }
        rows.add(row("all", requests.size(), time(b, requests, target, minSeconds)));
        return rows;
    }

    /** Runs the batch until {@code seconds} have passed; returns {runs, elapsed seconds}. */
    private static double[] time(SimulationSession b, List<SimulationRequest> batch, HardwareTarget target,
                                 double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        int runs = 0;
        do {
            b.simulate(batch, target);
            runs++;
        } while (System.nanoTime() - start < budget);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return new double[] {runs, elapsed};
    }

    private static String[] row(String name, int requests, double[] timing) {
        double kernels = (double) requests * timing[0];
        double perSecond = kernels / timing[1];
        return new String[] {name, String.format(Locale.ROOT, "%,d", requests), String.format(Locale.ROOT, "%,d",
            (long) timing[0]), String.format(Locale.ROOT, "%.2f", timing[1]),
            String.format(Locale.ROOT, "%,.0f", perSecond), String.format(Locale.ROOT, "%.2f", 1e6 / perSecond)};
    }
}
