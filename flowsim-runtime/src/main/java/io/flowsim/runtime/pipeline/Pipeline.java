package io.flowsim.runtime.pipeline;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Progress;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.Trace;
import io.flowsim.api.TraceSource;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.SimulationResult;
import io.flowsim.api.model.Stage;
import io.flowsim.api.model.TraceMetadata;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.discovery.Origin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * TraceSource &rarr; resolver chain &rarr; optional SimulatorBackend &rarr; exporters.
 *
 * <p>Without a backend, kernels stream from the source through the resolvers into the exporters, held
 * back only while a kernel of another stream may still overlap them ({@link OverlapWindow}). With a backend, resolved kernels are kept (memory grows with the number of kernels),
 * identical requests are de-duplicated, the backend receives the distinct ones as one batch, and
 * the results are exported in trace order. If anything fails, exporter sessions are closed without
 * being finished, so no output that looks complete is left behind.
 */
public final class Pipeline {

    private final ExtensionRegistry registry;
    private final RunContext context;

    public Pipeline(ExtensionRegistry registry, RunContext context) {
        this.registry = registry;
        this.context = context;
    }

    /** Runs the pipeline on one trace. */
    public PipelineResult run(PipelineSpec spec) {
        return run(spec, result -> { });
    }

    /**
     * Runs the pipeline on one trace and hands every kernel's result, in trace order, to
     * {@code observer} as well as to the exporters (for callers that keep the results in another
     * form, such as the Spark job's tables). The observer runs on the calling thread.
     */
    public PipelineResult run(PipelineSpec spec, Consumer<KernelResult> observer) {
        Path traceFile = spec.traceFile();
        checkTraceFile(traceFile);
        TraceSource source = selectSource(registry, spec.source(), traceFile);
        List<Discovered<Exporter>> exporters = selectExporters(spec.exporters()).stream().map(this::discovered).toList();
        Optional<SimulatorBackend> backend = spec.backend().map(this::selectBackend);
        createDirectories(spec.outputDirectory());

        try (AtomicOutput.Inputs inputs = AtomicOutput.protectInputs(List.of(traceFile));
             Trace trace = source.open(traceFile, context);
             ResolverChain chain = ResolverChain.open(ResolverChain.order(registry.resolvers(), spec.resolvers()),
                     context)) {
            TraceMetadata metadata = trace.metadata();
            StageClassifier stages = new StageClassifier(traceStage(metadata));
            List<ExportSession> sessions = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            boolean finished = false;
            try {
                for (Discovered<Exporter> e : exporters) {
                    sessions.add(GuardedExportSession.open(e, new ExportContext(metadata, metadata.traceName(),
                            spec.outputDirectory(), backend.isPresent(), context)));
                }
                sessions.add(new ObserverSession(observer));
                RunSummaryBuilder builder;
                RunSummary summary;
                KernelAnalyzer analyzer;
                if (backend.isPresent()) {
                    Simulated simulated = simulate(trace, chain, backend.get(), spec, sessions, stages);
                    builder = simulated.builder();
                    summary = simulated.summary();
                    analyzer = simulated.analyzer();
                } else {
                    Optional<GpuPeaks> peaks = recordedGpu(metadata.devices().stream().findFirst())
                            .flatMap(t -> peaksBackendPeaks(spec, t));
                    builder = new RunSummaryBuilder(peaks, Optional.empty(), spec.groupByAnnotation());
                    analyzer = new KernelAnalyzer(stages, peaks, spec.groupByAnnotation());
                    summary = stream(traceFile, trace, chain, sessions, builder, analyzer);
                }
                try {
                    for (ExportSession s : sessions) {
                        files.addAll(s.finish(summary));
                    }
                } catch (RuntimeException | Error e) {
                    // an exporter failed after others had moved their outputs into place: remove those,
                    // so that no set of outputs that looks complete is left from a failed run
                    removeQuietly(files);
                    throw e;
                }
                finished = true;
                closeAll(sessions, files);
                // about what the outputs hold, so only once they are in place: a failed run says only why
                analyzer.impossibleWarning(metadata.traceName()).ifPresent(context.reporter()::warn);
                return new PipelineResult(summary, files, builder.collectives());
            } finally {
                if (!finished) {
                    closeAfterFailure(sessions);
                }
            }
        }
    }

    /**
     * Closes the sessions of a run whose outputs are in place. One that fails to close fails the run: the
     * other sessions are still closed, and the outputs are removed, so a failed run leaves no set of outputs
     * that looks complete.
     */
    private static void closeAll(List<ExportSession> sessions, List<Path> files) {
        RuntimeException failure = null;
        for (ExportSession s : sessions) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            removeQuietly(files);
            throw failure;
        }
    }

    /**
     * Closes the sessions of a run that is failing; a session that also fails to close is left aside, so the
     * run's own failure is the one reported.
     */
    private void closeAfterFailure(List<ExportSession> sessions) {
        for (ExportSession s : sessions) {
            try {
                s.close();
            } catch (RuntimeException e) {
                context.reporter().debug("closing an export session of a failed run: " + e);
            }
        }
    }

    /** Hands each result to an observer; writes no files. */
    private record ObserverSession(Consumer<KernelResult> observer) implements ExportSession {
        @Override
        public void accept(KernelResult kernel) {
            observer.accept(kernel);
        }

        @Override
        public List<Path> finish(RunSummary summary) {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    /** The stage a trace's metadata records for all of it, if any. */
    static Optional<Stage> traceStage(TraceMetadata metadata) {
        String s = metadata.properties().get(TraceMetadata.STAGE);
        if (s == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Stage.fromId(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Fails before any trace or table is read when {@code backend} cannot run with this command line: its session
     * does not open (a setting it refuses, a file one of its options names that it cannot read, such as a hardware
     * profile), or the user named a GPU ({@code gpu}) it has no model for. A misspelt {@code --gpu} or a broken
     * profile is one line at once, not after a long parse. The backend decides ({@link SimulatorBackend#open},
     * {@link SimulationSession#checkTarget}); the runtime knows no option and no GPU by name. Nothing to check
     * without a backend.
     */
    public void checkBackend(Optional<String> backend, Optional<String> gpu) {
        if (backend.isEmpty()) {
            return;
        }
        if (gpu.isPresent() && gpu.get().isBlank()) {
            throw FlowsimException.usage("--gpu is empty: name the GPU to simulate, or leave --gpu out to simulate"
                    + " the GPU the trace was recorded on");
        }
        SimulatorBackend b = selectBackend(backend.get());
        try (SimulationSession session = PluginFailure.open(discovered(b), context)) {
            if (gpu.isPresent()) {
                session.checkTarget(new HardwareTarget(gpu.get(), Optional.empty()));
            }
        }
    }

    /** The recorded GPU of a trace as a target, when the trace names it. */
    private static Optional<HardwareTarget> recordedGpu(Optional<DeviceInfo> device) {
        return device.filter(d -> !d.name().isBlank()).map(d -> new HardwareTarget(d.name(), Optional.of(d)));
    }

    /**
     * The peaks of {@code target} from a session of the spec's peaks backend opened for this (empty when
     * unknown, when there is no such backend or it cannot open).
     */
    private Optional<GpuPeaks> peaksBackendPeaks(PipelineSpec spec, HardwareTarget target) {
        Optional<SimulatorBackend> backend = spec.peaksBackend().flatMap(name -> registry.find(
                ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, name)).map(Discovered::extension);
        if (backend.isEmpty()) {
            return Optional.empty();
        }
        try (SimulationSession session = backend.get().open(context)) {
            return peaksFrom(session, backend.get(), target);
        } catch (RuntimeException e) {
            context.reporter().debug("no GPU peaks for " + target.name() + " from " + backend.get().name() + ": " + e);
            return Optional.empty();
        }
    }

    private Optional<GpuPeaks> peaksFrom(SimulationSession session, SimulatorBackend backend, HardwareTarget target) {
        try {
            return session.peaks(target);
        } catch (RuntimeException e) {
            context.reporter().debug("no GPU peaks for " + target.name() + " from " + backend.name() + ": " + e);
            return Optional.empty();
        }
    }

    private RunSummary stream(Path traceFile, Trace trace, ResolverChain chain, List<ExportSession> sessions,
                              RunSummaryBuilder summary, KernelAnalyzer analyzer) {
        boolean any = false;
        try (Progress progress = context.reporter().startProgress("resolving and exporting kernels", 0, Progress.KERNELS);
             Stream<KernelRecord> kernels = trace.kernels()) {
            OverlapWindow window = new OverlapWindow((k, overlap) -> {
                KernelResult result = new KernelResult(k, Optional.empty(), analyzer.analyze(k, overlap));
                summary.add(result);
                for (ExportSession s : sessions) {
                    s.accept(result);
                }
                progress.advance(1);
            });
            Iterator<KernelRecord> it = kernels.iterator();
            while (it.hasNext()) {
                window.add(chain.resolve(it.next()));
                any = true;
            }
            window.flush();
        }
        if (!any) {
            throw noGpuActivity(traceFile, trace);
        }
        return summary.build(trace.metadata(), Optional.empty(), trace.statistics());
    }

    /**
     * A trace without one GPU kernel, memcpy or memset (a CPU-only profile) has nothing to analyse:
     * bad input, found before any output is written, rather than a run that looks complete and is empty.
     */
    private static FlowsimException noGpuActivity(Path traceFile, Trace trace) {
        Long events = trace.statistics().get("events");
        return FlowsimException.badInput(traceFile + ": no GPU kernel, memcpy or memset in the trace"
                + (events == null ? "" : " (" + events + (events == 1 ? " event" : " events") + " read)")
                + "; profile with the CUDA activities on (torch.profiler.ProfilerActivity.CUDA)");
    }

    private record Simulated(RunSummary summary, RunSummaryBuilder builder, KernelAnalyzer analyzer) {
    }

    private Simulated simulate(Trace trace, ResolverChain chain, SimulatorBackend backend, PipelineSpec spec,
                               List<ExportSession> sessions, StageClassifier stages) {
        List<ResolvedKernel> resolved = resolveAll(trace, chain, context);
        if (resolved.isEmpty()) {
            throw noGpuActivity(spec.traceFile(), trace);
        }
        HardwareTarget target = target(trace.metadata(), resolved, spec.gpu());
        mixedGpus(trace.metadata(), resolved, target)
                .ifPresent(line -> context.reporter().warn(spec.traceFile().getFileName() + ": " + line));

        Map<SimulationRequest, Integer> distinct = new LinkedHashMap<>();
        int[] requestOf = new int[resolved.size()];
        for (int i = 0; i < resolved.size(); i++) {
            SimulationRequest request = SimulationRequest.of(resolved.get(i));
            Integer index = distinct.get(request);
            if (index == null) {
                index = distinct.size();
                distinct.put(request, index);
            }
            requestOf[i] = index;
        }
        List<SimulationRequest> batch = List.copyOf(distinct.keySet());
        context.reporter().info(simulatingLine(resolved, batch.size(), target, backend.name()));
        try (SimulationSession session = PluginFailure.open(discovered(backend), context)) {
            boolean peaksFromThis = spec.peaksBackend().filter(backend.name()::equals).isPresent();
            // The recorded GPU's peaks come from the peaks backend; when that is the simulating
            // backend, its own session (and so the run's hardware profiles) answers both questions.
            Optional<HardwareTarget> recorded = recordedGpu(target.traceDevice());
            Optional<GpuPeaks> peaks = peaksFromThis
                    ? recorded.flatMap(t -> peaksFrom(session, backend, t))
                    : recorded.flatMap(t -> peaksBackendPeaks(spec, t));
            Optional<GpuPeaks> targetPeaks = peaksFrom(session, backend, target);
            if (targetPeaks.isEmpty() && !peaksFromThis) {
                targetPeaks = peaksBackendPeaks(spec, target);
            }
            KernelAnalyzer analyzer = new KernelAnalyzer(stages, peaks, spec.groupByAnnotation());
            RunSummaryBuilder summary = new RunSummaryBuilder(peaks, targetPeaks, spec.groupByAnnotation());
            return new Simulated(simulate(trace, resolved, target, batch, requestOf, backend, session, sessions,
                    summary, analyzer), summary, analyzer);
        }
    }

    private RunSummary simulate(Trace trace, List<ResolvedKernel> resolved, HardwareTarget target,
                                List<SimulationRequest> batch, int[] requestOf, SimulatorBackend backend,
                                SimulationSession session, List<ExportSession> sessions, RunSummaryBuilder summary,
                                KernelAnalyzer analyzer) {
        List<SimulationResult> results;
        try {
            results = session.simulate(batch, target);
        } catch (FlowsimException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw backendFailure(backend, session, batch, target, resolved, requestOf, e);
        }
        if (results == null || results.size() != batch.size()) {
            throw new FlowsimException(ErrorCode.INTERNAL, "backend " + backend.name() + " returned "
                    + (results == null ? "no" : results.size()) + " results for " + batch.size() + " requests");
        }

        long[] overlap = KernelOverlap.ofResolved(resolved);
        for (int i = 0; i < resolved.size(); i++) {
            SimulationResult r = results.get(requestOf[i]);
            if (r == null) {
                throw new FlowsimException(ErrorCode.INTERNAL, "backend " + backend.name()
                        + " returned no result for kernel " + resolved.get(i).kernel().name());
            }
            KernelResult result = new KernelResult(resolved.get(i), Optional.of(r), analyzer.analyze(resolved.get(i),
                    overlap[i]));
            summary.add(result);
            for (ExportSession s : sessions) {
                s.accept(result);
            }
        }
        // the backend decides whether the named GPU is the recorded one (--gpu H200 on an NVIDIA H200 trace):
        // the outputs then show accuracy, otherwise a what-if projection
        HardwareTarget simulated = target.isWhatIf() && session.isTraceDevice(target) ? target.asTraceDevice() : target;
        return summary.build(trace.metadata(), Optional.of(new RunSummaryBuilder.SimulationInfo(backend.name(),
                simulated, batch.size(), session.notes(target))), trace.statistics());
    }

    /**
     * What is about to be simulated, counted as the summary counts it: GPU kernels, and memcpy/memset
     * apart ({@code simulating 1,294 kernels and 47 memcpy/memset (79 distinct requests) on ...}).
     */
    static String simulatingLine(List<ResolvedKernel> resolved, int distinctRequests, HardwareTarget target,
                                 String backend) {
        long memory = resolved.stream().filter(k -> k.kernel().kind() != KernelKind.KERNEL).count();
        long kernels = resolved.size() - memory;
        return String.format(Locale.ROOT, "simulating %,d kernel%s%s (%,d distinct requests) on %s with backend %s",
                kernels, kernels == 1 ? "" : "s", memory == 0 ? "" : String.format(Locale.ROOT, " and %,d memcpy/memset",
                        memory), distinctRequests, target.name(), backend);
    }

    /**
     * The one-line error of a backend that threw on a batch, naming the kernel when one of the first
     * requests alone makes it throw again ({@link PluginFailure#culprit}).
     */
    private FlowsimException backendFailure(SimulatorBackend backend, SimulationSession session,
                                            List<SimulationRequest> batch, HardwareTarget target,
                                            List<ResolvedKernel> resolved, int[] requestOf, Throwable e) {
        int culprit = PluginFailure.culprit(session, batch, target);
        for (int i = 0; i < requestOf.length && culprit >= 0; i++) {
            if (requestOf[i] == culprit) {
                return PluginFailure.of(discovered(backend), "failed on kernel "
                        + PluginFailure.kernel(resolved.get(i).kernel()) + " on " + target.name(), e);
            }
        }
        return PluginFailure.of(discovered(backend), "failed on a batch of " + batch.size() + " requests on "
                + target.name(), e);
    }

    /** The backend with where it was found, to name its plugin in messages. */
    private Discovered<SimulatorBackend> discovered(SimulatorBackend backend) {
        return discovered(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, backend);
    }

    /** The exporter with where it was found, to name its plugin in messages. */
    private Discovered<Exporter> discovered(Exporter exporter) {
        return discovered(ExtensionPoint.EXPORTER, Exporter.class, exporter);
    }

    private <T extends io.flowsim.api.FlowsimExtension> Discovered<T> discovered(ExtensionPoint point, Class<T> type,
                                                                             T extension) {
        return registry.find(point, type, extension.name())
                .filter(d -> d.extension() == extension)
                .orElse(new Discovered<>(extension, point, new Origin(Optional.empty(), Optional.empty(), "-")));
    }

    /**
     * The GPU to simulate: {@code --gpu}, else the device most kernels ran on, else the first listed. A device
     * recorded without a name (a blank or non-text {@code name}) names no GPU: the trace is then taken as one
     * that does not say which GPU it was recorded on.
     */
    static HardwareTarget target(TraceMetadata metadata, List<ResolvedKernel> kernels, Optional<String> gpu) {
        Map<Integer, Integer> perDevice = kernelsPerDevice(kernels);
        Optional<DeviceInfo> traceDevice = perDevice.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .flatMap(e -> metadata.device(e.getKey()))
                .or(() -> metadata.devices().stream().findFirst())
                .filter(d -> !d.name().isBlank());
        if (gpu.isPresent()) {
            return new HardwareTarget(gpu.get(), traceDevice);
        }
        return traceDevice.map(d -> new HardwareTarget(d.name(), Optional.of(d)))
                .orElseThrow(() -> FlowsimException.usage("the trace " + metadata.source()
                        + " does not say which GPU it was recorded on; name the GPU to simulate with --gpu"));
    }

    /**
     * What a run on one GPU hides when the trace's kernels ran on GPUs of more than one model (devices whose recorded
     * names differ): every kernel is simulated as {@code target}, so the kernels of the other models are priced on a
     * GPU they did not run on. Empty when they all ran on one model (or names are not recorded).
     */
    static Optional<String> mixedGpus(TraceMetadata metadata, List<ResolvedKernel> kernels, HardwareTarget target) {
        Map<String, List<String>> byModel = new LinkedHashMap<>();
        new TreeMap<>(kernelsPerDevice(kernels)).forEach((device, count) -> metadata.device(device)
                .filter(d -> !d.name().isBlank())
                .ifPresent(d -> byModel.computeIfAbsent(d.name(), n -> new ArrayList<>())
                        .add(String.format(Locale.ROOT, "device %d, %,d kernel%s", device, count, count == 1 ? "" : "s"))));
        if (byModel.size() < 2) {
            return Optional.empty();
        }
        StringBuilder line = new StringBuilder("kernels ran on GPUs of ").append(byModel.size()).append(" models (");
        String sep = "";
        for (Map.Entry<String, List<String>> e : byModel.entrySet()) {
            line.append(sep).append(e.getKey()).append(": ").append(String.join("; ", e.getValue()));
            sep = ", ";
        }
        return Optional.of(line.append("); all are simulated as ").append(target.name())
                .append(", and compared with it as the trace's GPU").toString());
    }

    /** How many of {@code kernels} ran on each device, devices in the order their first kernel came. */
    private static Map<Integer, Integer> kernelsPerDevice(List<ResolvedKernel> kernels) {
        Map<Integer, Integer> perDevice = new LinkedHashMap<>();
        for (ResolvedKernel k : kernels) {
            perDevice.merge(k.kernel().device(), 1, Integer::sum);
        }
        return perDevice;
    }

    /** Fails with a one-line bad-input error unless the trace file exists and is readable. */
    static void checkTraceFile(Path traceFile) {
        try {
            Files.readAttributes(traceFile, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw FlowsimException.badInput("trace file not found: " + traceFile);
        } catch (IOException e) {
            // a folder above it that cannot be searched, a loop of links: not a missing file
            throw FlowsimException.badInput("cannot read trace file " + traceFile + ": " + OutputDirectories.reason(e), e);
        }
        if (!Files.isRegularFile(traceFile) || !Files.isReadable(traceFile)) {
            throw FlowsimException.badInput("trace file is not a readable file: " + traceFile);
        }
    }

    /** The trace source named {@code source}, else the first that can open the file. */
    static TraceSource selectSource(ExtensionRegistry registry, Optional<String> source, Path traceFile) {
        if (source.isPresent()) {
            return registry.require(ExtensionPoint.TRACE_SOURCE, TraceSource.class, source.get());
        }
        for (Discovered<TraceSource> d : registry.traceSources()) {
            if (d.extension().canOpen(traceFile)) {
                return d.extension();
            }
        }
        throw FlowsimException.badInput("no installed trace source can read " + traceFile
                + " (trace sources: " + registry.names(ExtensionPoint.TRACE_SOURCE)
                + "); FlowSim reads PyTorch-profiler traces (*.json, *.json.gz) with the pytorch-trace plugin");
    }

    /** Every kernel of the trace through the resolver chain, in trace order (held in memory). */
    static List<ResolvedKernel> resolveAll(Trace trace, ResolverChain chain, RunContext context) {
        List<ResolvedKernel> resolved = new ArrayList<>();
        try (Progress progress = context.reporter().startProgress("resolving kernels", 0, Progress.KERNELS);
             Stream<KernelRecord> kernels = trace.kernels()) {
            Iterator<KernelRecord> it = kernels.iterator();
            while (it.hasNext()) {
                resolved.add(chain.resolve(it.next()));
                progress.advance(1);
            }
        }
        return resolved;
    }

    private List<Exporter> selectExporters(List<String> names) {
        if (names.isEmpty() && registry.exporters().isEmpty()) {
            context.reporter().warn("no exporter plugins are installed: nothing will be written");
        }
        return selectExporters(registry, names);
    }

    /** The exporters named (every discovered one when {@code names} is empty). */
    static List<Exporter> selectExporters(ExtensionRegistry registry, List<String> names) {
        if (names.isEmpty()) {
            return registry.exporters().stream().map(Discovered::extension).toList();
        }
        return names.stream().map(name -> registry.require(ExtensionPoint.EXPORTER, Exporter.class, name)).toList();
    }

    private SimulatorBackend selectBackend(String name) {
        return registry.require(ExtensionPoint.SIMULATOR_BACKEND, SimulatorBackend.class, name);
    }

    private static void createDirectories(Path dir) {
        OutputDirectories.create(dir);
    }

    /** Deletes the files (outputs of a failed run); never throws. */
    private static void removeQuietly(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException | RuntimeException ignored) {
                // best effort: the run fails with its own message either way
            }
        }
    }
}
