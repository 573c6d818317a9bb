package io.flowsim.testkit;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimExtension;
import io.flowsim.api.KernelResolver;
import io.flowsim.api.Options;
import io.flowsim.api.ResolverSession;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.Trace;
import io.flowsim.api.TraceSource;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.TraceMetadata;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one extension the way FlowSim's pipeline does, and checks the contract the runtime relies on
 * on the way: a kebab-case name and a description, declared options namespaced by the extension's
 * name, one simulation result per distinct request in order, every session (backend, resolver,
 * exporter) opened for the call and closed after it. Options are given as
 * on the command line (the declared key, an alias, or any {@code --option} key) and reach the
 * extension through {@link RunContext#options()} exactly as the runtime hands them over.
 *
 * <pre>{@code
 * ExtensionHarness harness = ExtensionHarness.of(new MyBackend()).option("my-backend.tflops", "300");
 * List<SimulationResult> results = harness.simulate(new HardwareTarget("H100", Optional.empty()),
 *         TestRequests.gemm(1024, 1024, 1024, DataType.BF16));
 * assertThat(harness.reporter().warnings()).isEmpty();
 * }</pre>
 *
 * <p>Failures of the contract are {@link AssertionError}s; errors of the extension propagate.
 */
public final class ExtensionHarness {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final FlowsimExtension extension;
    private final Options.Builder options = Options.builder();
    private final RecordingReporter reporter = new RecordingReporter();
    private Path outputDirectory;

    private ExtensionHarness(FlowsimExtension extension) {
        this.extension = extension;
    }

    /**
     * A harness for {@code extension}, after checking its name, description and declared options.
     *
     * @throws AssertionError when the extension breaks the contract every extension keeps
     */
    public static ExtensionHarness of(FlowsimExtension extension) {
        checkDeclarations(extension);
        return new ExtensionHarness(extension);
    }

    /** Checks an extension's name, description and declared options. */
    public static void checkDeclarations(FlowsimExtension extension) {
        String name = extension.name();
        check(name != null && NAME.matcher(name).matches(), "name '" + name + "' is not kebab-case");
        check(extension.description() != null && !extension.description().isBlank(), name + ": no description");
        Set<String> keys = new HashSet<>();
        for (ExtensionOption<?> o : extension.declaredOptions()) {
            check(o.namespace().equals(name), name + ": option " + o.longName() + " is not in its namespace '"
                    + name + ".'");
            check(keys.add(o.key()), name + ": option " + o.longName() + " is declared twice");
            check(!o.description().isBlank(), name + ": option " + o.longName() + " has no description");
            o.defaultValue().ifPresent(v -> check(o.javaType().isInstance(v), name + ": default of " + o.longName()
                    + " is not a " + o.javaType().getSimpleName()));
        }
    }

    /** Gives an option, as {@code --key value} or {@code --option key=value} would. */
    public ExtensionHarness option(String key, String value) {
        options.add(key, value);
        return this;
    }

    /** Gives a declared option a value. */
    public <T> ExtensionHarness option(ExtensionOption<T> option, T value) {
        options.add(option.key(), String.valueOf(value));
        return this;
    }

    /** The run's output directory (none by default). */
    public ExtensionHarness outputDirectory(Path directory) {
        this.outputDirectory = directory;
        return this;
    }

    /** The reporter every call reports to. */
    public RecordingReporter reporter() {
        return reporter;
    }

    /** The context the extension gets. */
    public RunContext context() {
        return RunContext.of(options.build(), reporter, outputDirectory);
    }

    /**
     * Simulates requests as the pipeline does: identical requests are sent once (the backend sees
     * distinct requests only), and every request gets its result back, in order.
     */
    public List<SimulationResult> simulate(HardwareTarget target, SimulationRequest... requests) {
        return simulate(target, List.of(requests));
    }

    /** As {@link #simulate(HardwareTarget, SimulationRequest...)}. */
    public List<SimulationResult> simulate(HardwareTarget target, List<SimulationRequest> requests) {
        SimulatorBackend backend = as(SimulatorBackend.class);
        Map<SimulationRequest, Integer> distinct = new LinkedHashMap<>();
        requests.forEach(r -> distinct.putIfAbsent(r, distinct.size()));
        List<SimulationRequest> batch = List.copyOf(distinct.keySet());
        List<SimulationResult> results;
        try (SimulationSession session = backend.open(context())) {
            results = session.simulate(batch, target);
        }
        check(results != null && results.size() == batch.size(), backend.name() + " returned "
                + (results == null ? "null" : results.size() + " results") + " for " + batch.size() + " requests");
        List<SimulationResult> out = new ArrayList<>(requests.size());
        for (SimulationRequest r : requests) {
            SimulationResult result = results.get(distinct.get(r));
            check(result != null, backend.name() + " returned a null result");
            out.add(result);
        }
        return out;
    }

    /** The notes a session of the backend gives for {@code target}. */
    public List<String> notes(HardwareTarget target) {
        try (SimulationSession session = as(SimulatorBackend.class).open(context())) {
            return session.notes(target);
        }
    }

    /** Resolves records through one session of the resolver, closed afterwards; empty where it does not know a kernel. */
    public List<Optional<ResolvedKernel>> resolve(KernelRecord... records) {
        KernelResolver resolver = as(KernelResolver.class);
        List<Optional<ResolvedKernel>> out = new ArrayList<>();
        try (ResolverSession session = resolver.open(context())) {
            for (KernelRecord r : records) {
                Optional<ResolvedKernel> resolved = session.resolve(r);
                check(resolved != null, resolver.name() + " returned null instead of Optional.empty()");
                resolved.ifPresent(k -> check(k.kernel().equals(r), resolver.name()
                        + " resolved a different kernel record than it was given"));
                out.add(resolved);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        return out;
    }

    /** Reads a trace file completely: its metadata and every kernel, closing it afterwards. */
    public Read read(Path file) {
        TraceSource source = as(TraceSource.class);
        check(source.canOpen(file), source.name() + " says it cannot open " + file);
        try (Trace trace = source.open(file, context()); Stream<KernelRecord> kernels = trace.kernels()) {
            List<KernelRecord> list = kernels.toList();
            return new Read(trace.metadata(), list);
        }
    }

    /** What {@link #read} found. */
    public record Read(TraceMetadata metadata, List<KernelRecord> kernels) {
    }

    /**
     * Exports results as the pipeline does: one session, every result accepted in order, then
     * {@code finish(summary)}; returns the files it says it wrote. Needs an output directory.
     */
    public List<Path> export(TraceMetadata metadata, String traceName, boolean simulated, List<KernelResult> results,
                             RunSummary summary) {
        Exporter exporter = as(Exporter.class);
        check(outputDirectory != null, "give the harness an outputDirectory before exporting");
        try (ExportSession session = exporter.open(new ExportContext(metadata, traceName, outputDirectory, simulated,
                context()))) {
            results.forEach(session::accept);
            List<Path> files = session.finish(summary);
            check(files != null, exporter.name() + " returned null from finish");
            return files;
        }
    }

    private <T extends FlowsimExtension> T as(Class<T> type) {
        check(type.isInstance(extension), extension.name() + " is not a " + type.getSimpleName());
        return type.cast(extension);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
