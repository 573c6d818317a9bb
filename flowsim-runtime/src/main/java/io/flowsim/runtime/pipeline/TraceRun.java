package io.flowsim.runtime.pipeline;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.RunExportContext;
import io.flowsim.api.TemporaryFiles;
import io.flowsim.api.model.RunResults;
import io.flowsim.api.model.TraceMetadata;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the pipeline over every trace of a run, {@code jobs} at a time, and aggregates the results.
 *
 * <p>One trace keeps the single-trace layout ({@code O/<trace>.csv}, {@code O/summary.json}) and adds
 * {@code O/run.json}. Several traces each write into their own folder {@code O/<trace>/} (two traces
 * with the same name get {@code <trace>-2}, ... in the order given), and the whole run is first
 * written into a staging folder beside {@code O} and then swapped in: a second run into the same
 * folder replaces the first completely, and a failed run leaves the previous one untouched.
 */
public final class TraceRun {

    /** The run-level summary's file name. */
    public static final String RUN_JSON = "run.json";

    /** The rank source of a trace that records no rank: its place among the traces given. */
    static final String ORDER_GIVEN = "order given";

    /** {@code .<output>.flowsim-staging-<pid>-<nanos>}: where a run of several traces is written first. */
    static final String STAGING = ".flowsim-staging-";
    /** {@code .<output>.flowsim-old-<pid>-<nanos>}: the previous run, set aside while the new one moves in. */
    static final String OLD = ".flowsim-old-";

    private final ExtensionRegistry registry;
    private final Options options;
    private final Reporter reporter;

    public TraceRun(ExtensionRegistry registry, Options options, Reporter reporter) {
        this.registry = registry;
        this.options = options;
        this.reporter = reporter;
    }

    /** Where a trace's outputs went, and which rank it is. */
    public record TraceOutcome(Path file, String name, Path directory, int rank, String rankSource,
                               PipelineResult result) {
    }

    /**
     * Every trace of a run, in the order given.
     *
     * @param runFiles the run-level files exporters wrote ({@link io.flowsim.api.Exporter#exportRun})
     */
    public record Outcome(List<TraceOutcome> traces, RunReport report, Path outputDirectory, Path runJson,
                          List<Path> runFiles) {
        public Outcome {
            runFiles = List.copyOf(runFiles);
        }
    }

    /**
     * The traces named by {@code --trace-file} (in order) and those in {@code --trace-dir} (sorted by name;
     * see {@link TraceDirectory}): each JSON file of the folder that the trace sources of {@code registry}
     * (the one named by {@code source}, if any) say is not a trace is listed on {@code reporter} as
     * skipped, with the source's reason.
     */
    public static List<Path> collect(List<Path> files, Optional<Path> directory, ExtensionRegistry registry,
                                     Optional<String> source, Reporter reporter) {
        List<Path> traces = new ArrayList<>(files);
        if (directory.isPresent()) {
            TraceDirectory.Listing listing = TraceDirectory.list(directory.get(), registry, source);
            listing.skipped().forEach(s -> reporter.info(s.line()));
            traces.addAll(listing.traces());
        }
        if (traces.isEmpty()) {
            throw FlowsimException.usage("name the traces to read: --trace-file FILE (repeatable) or --trace-dir DIR");
        }
        return traces;
    }

    /**
     * Runs every trace and writes the run's outputs into {@code outputDirectory}.
     *
     * @param command the command's name, recorded in run.json
     */
    public Outcome run(String command, List<Path> traces, PipelineSpec base, int jobs, Path outputDirectory) {
        if (jobs < 1) {
            throw FlowsimException.usage("--jobs must be at least 1, got " + jobs);
        }
        traces.forEach(Pipeline::checkTraceFile);
        // a GPU or a setting the backend refuses (a file it cannot read) fails now, before any trace is read
        new Pipeline(registry, RunContext.of(options, reporter, outputDirectory)).checkBackend(base.backend(), base.gpu());
        // every file the run reads (traces, and files named by options: kernel databases, hardware
        // profiles) is an input no output of the run may replace, for the whole run
        List<Path> read = new ArrayList<>(traces);
        read.addAll(filesNamedBy(options));
        try (AtomicOutput.Inputs inputs = AtomicOutput.protectInputs(read)) {
            if (traces.size() == 1) {
                return single(command, traces.get(0), base, outputDirectory);
            }
            return several(command, traces, read, base, jobs, outputDirectory);
        }
    }

    /** The existing regular files that option values name (kernel databases, hardware profiles, ...). */
    static List<Path> filesNamedBy(Options options) {
        List<Path> files = new ArrayList<>();
        for (List<String> values : options.values().values()) {
            for (String v : values) {
                try {
                    Path p = Path.of(v);
                    if (!v.isBlank() && Files.isRegularFile(p)) {
                        files.add(p);
                    }
                } catch (InvalidPathException notAPath) {
                    // most option values are not paths
                }
            }
        }
        return files;
    }

    private Outcome several(String command, List<Path> traces, List<Path> read, PipelineSpec base, int jobs,
                            Path outputDirectory) {
        Path target = outputDirectory.toAbsolutePath().normalize();
        checkReplaceable(target, read);
        Path parent = target.getParent();
        removeStale(parent, target.getFileName().toString());
        Path staging = parent.resolve("." + target.getFileName() + STAGING + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        createStaging(staging, target);
        boolean swapped = false;
        // an interrupted run (Ctrl-C) leaves no staging folder behind: the hook deletes it once no thread of the
        // run can create a folder or an output in it any more
        TemporaryFiles.registerFolder(staging);
        try {
            List<String> names = uniqueNames(traces);
            List<TraceOutcome> outcomes = runAll(traces, names, base, jobs, staging, target);
            // run.json names the folders where they will be once the run is swapped in
            List<TraceOutcome> moved = new ArrayList<>();
            for (TraceOutcome o : outcomes) {
                moved.add(new TraceOutcome(o.file(), o.name(), target.resolve(o.name()), o.rank(), o.rankSource(),
                        o.result()));
            }
            RunReport report = RunReport.of(moved);
            RunJson.write(staging.resolve(RUN_JSON), command, report);
            List<Path> runFiles = exportRun(base, staging, true, report);
            swap(staging, target);
            swapped = true;
            return new Outcome(moved, report, target, target.resolve(RUN_JSON),
                    runFiles.stream().map(f -> target.resolve(staging.relativize(f))).toList());
        } catch (FlowsimException e) {
            // the staging folder is deleted below: a line naming a file in it (a full disk) names the file as the
            // output folder the user gave would hold it, where nothing was written either
            String message = e.getMessage();
            throw message == null || !message.contains(staging.toString()) ? e
                    : new FlowsimException(e.code(), message.replace(staging.toString(), target.toString()), e);
        } finally {
            if (!swapped) {
                deleteQuietly(staging);
            }
            TemporaryFiles.releaseFolder(staging);
        }
    }

    /**
     * Creates the hidden staging folder beside {@code target}; a failure names {@code target}, the folder
     * the user gave, and the folder it is to be made in, never the hidden staging folder.
     */
    static void createStaging(Path staging, Path target) {
        Path parent = staging.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot create output directory " + target + ": "
                    + OutputDirectories.reason(parent, e), e);
        }
        try {
            Files.createDirectory(staging);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName();
            throw FlowsimException.badInput("cannot create output directory " + target + ": " + why + " in " + parent
                    + " (a run of several traces is written into a new folder there first)", e);
        }
    }

    private Outcome single(String command, Path trace, PipelineSpec base, Path outputDirectory) {
        RunContext context = RunContext.of(options, reporter, outputDirectory);
        Path runJson = outputDirectory.resolve(RUN_JSON);
        OutputDirectories.create(outputDirectory);
        // reserved before the trace is read, so that a run.json the run reads is refused up front; the output
        // set takes back the outputs already in place if the process exits (Ctrl-C) before the last one is
        try (AtomicOutput runJsonOutput = AtomicOutput.create(runJson);
             TemporaryFiles.OutputSet outputs = TemporaryFiles.outputSet(outputDirectory)) {
            PipelineResult result = new Pipeline(registry, context).run(base.forTrace(trace, outputDirectory));
            TraceOutcome o = outcome(trace, result.summary().metadata().traceName(), outputDirectory, 0, result);
            RunReport report = RunReport.of(List.of(o));
            List<Path> runFiles;
            List<Path> written = new ArrayList<>(result.files());
            try {
                RunJson.write(runJsonOutput, command, report);
                written.add(runJson);
                runFiles = exportRun(base, outputDirectory, false, report);
            } catch (RuntimeException | Error e) {
                // the trace's outputs (and run.json, once written) are in place: remove them, so that a failed
                // run (a full disk at run.json, a run-level exporter that throws) leaves no set of outputs that
                // looks complete
                written.forEach(TraceRun::deleteFileQuietly);
                throw e;
            }
            return new Outcome(List.of(o), report, outputDirectory, runJson, runFiles);
        }
    }

    /** Hands the whole run to every selected exporter ({@link Exporter#exportRun}), once. */
    private List<Path> exportRun(PipelineSpec base, Path directory, boolean tracesInFolders, RunReport report) {
        RunExportContext context = new RunExportContext(directory, tracesInFolders, report.simulated(),
                RunContext.of(options, reporter, directory));
        RunResults results = report.results(tracesInFolders);
        List<Path> files = new ArrayList<>();
        try {
            for (Exporter e : Pipeline.selectExporters(registry, base.exporters())) {
                try {
                    files.addAll(e.exportRun(context, results));
                } catch (FlowsimException ex) {
                    throw ex;
                } catch (RuntimeException | LinkageError ex) {
                    throw PluginFailure.of(registry.find(ExtensionPoint.EXPORTER, Exporter.class, e.name())
                            .map(PluginFailure::describe).orElse("exporter '" + e.name() + "'"),
                            "failed to write the run's outputs", ex);
                }
            }
        } catch (RuntimeException | Error e) {
            files.forEach(TraceRun::deleteFileQuietly);
            throw e;
        }
        return files;
    }

    private static void deleteFileQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the run fails with its own message either way
        }
    }

    private List<TraceOutcome> runAll(List<Path> traces, List<String> names, PipelineSpec base, int jobs,
                                      Path staging, Path target) {
        int threads = Math.min(jobs, traces.size());
        // traces read at once share the cores: a trace source then keeps to its share (one core each
        // when there are as many traces at once as cores), rather than over-subscribing them
        int threadsPerTrace = threadsPerTrace(Runtime.getRuntime().availableProcessors(), threads);
        reporter.info("analysing " + traces.size() + " traces, " + threads + " at a time, into " + target);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "flowsim-trace");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = reporter.startProgress("analysing traces", traces.size(), "traces")) {
            List<Future<TraceOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < traces.size(); i++) {
                Path trace = traces.get(i);
                Path dir = staging.resolve(names.get(i));
                int order = i;
                futures.add(pool.submit(() -> {
                    RunContext context = RunContext.of(options, new TraceReporter(reporter, names.get(order)), dir,
                            threadsPerTrace);
                    PipelineResult result = new Pipeline(registry, context).run(base.forTrace(trace, dir));
                    synchronized (progress) {
                        progress.advance(1);
                    }
                    return outcome(trace, names.get(order), dir, order, result);
                }));
            }
            List<TraceOutcome> outcomes = new ArrayList<>();
            for (Future<TraceOutcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    throw rethrow(e.getCause());
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new FlowsimException(ErrorCode.INTERNAL, "interrupted while analysing traces", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The threads each of {@code tracesAtOnce} traces may keep busy on {@code cores} cores: its share, at least 1. */
    static int threadsPerTrace(int cores, int tracesAtOnce) {
        return Math.max(1, cores / Math.max(1, tracesAtOnce));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new FlowsimException(ErrorCode.INTERNAL, String.valueOf(t), t);
    }

    /**
     * The rank: the trace's own (distributedInfo or file name), else {@code order}, its position among
     * the traces. Public for the Spark job, which places its traces by the same rule.
     */
    public static TraceOutcome outcome(Path file, String name, Path dir, int order, PipelineResult result) {
        TraceMetadata m = result.summary().metadata();
        if (m.rank().isPresent()) {
            boolean recorded = m.distributed().map(d -> d.rank().isPresent()).orElse(false);
            return new TraceOutcome(file, name, dir, m.rank().getAsInt(), recorded ? "trace" : "file name", result);
        }
        return new TraceOutcome(file, name, dir, order, ORDER_GIVEN, result);
    }

    /** File names without {@code .json}/{@code .json.gz}, made unique with {@code -2}, {@code -3}, ... */
    static List<String> uniqueNames(List<Path> traces) {
        Set<String> used = new HashSet<>(List.of(RUN_JSON));
        List<String> names = new ArrayList<>();
        for (Path p : traces) {
            String base = baseName(p.getFileName().toString());
            String name = base;
            for (int n = 2; !used.add(name.toLowerCase(Locale.ROOT)); n++) {
                name = base + "-" + n;
            }
            names.add(name);
        }
        return names;
    }

    static String baseName(String fileName) {
        String n = fileName;
        if (n.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.toLowerCase(Locale.ROOT).endsWith(".json")) {
            n = n.substring(0, n.length() - 5);
        }
        return n.isEmpty() || n.startsWith(".") ? "trace" + n : n;
    }

    /**
     * The output folder may be replaced only when it is new, empty, or a FlowSim output (it has a
     * {@code run.json} or {@code summary.json}), and when it holds none of the traces.
     */
    private static void checkReplaceable(Path target, List<Path> read) {
        if (target.getParent() == null) {
            throw FlowsimException.usage("the output directory cannot be the file system root");
        }
        // first: a file given as the output directory is among the option values that name files, so the
        // check below would call it a file the run reads
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw FlowsimException.usage("the output directory " + target + " is a file");
        }
        for (Path t : read) {
            if (t.toAbsolutePath().normalize().startsWith(target)) {
                throw FlowsimException.usage("the output directory " + target + " holds " + t
                        + ", which this run reads; write the run somewhere else (a run replaces its output directory)");
            }
        }
        if (!Files.exists(target)) {
            return;
        }
        boolean flowsimOutput = Files.exists(target.resolve(RUN_JSON)) || Files.exists(target.resolve("summary.json"));
        if (!flowsimOutput) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(target)) {
                if (s.iterator().hasNext()) {
                    throw FlowsimException.usage("the output directory " + target + " is not empty and is not a"
                            + " FlowSim output (no run.json); a run replaces its whole output directory, so name a"
                            + " new or empty one");
                }
            } catch (IOException e) {
                throw FlowsimException.badInput("cannot read output directory " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /** Moves the finished run into place: the old folder aside, the new one in, the old one deleted. */
    private static void swap(Path staging, Path target) {
        Path old = null;
        try {
            if (Files.exists(target)) {
                old = target.resolveSibling("." + target.getFileName() + OLD + ProcessHandle.current().pid() + "-"
                        + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null && !Files.exists(target)) {
                try {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                    old = null;
                } catch (IOException ignored) {
                    // reported below with the original cause; the old run stays at its aside name
                }
            }
            throw FlowsimException.badInput("cannot move the run into " + target + ": " + e.getMessage()
                    + (old != null ? " (the previous run is at " + old + ")" : ""), e);
        }
        if (old != null) {
            deleteQuietly(old);
        }
    }

    /**
     * Deletes the staging and set-aside folders of {@code name} in {@code parent} that a FlowSim process
     * which is no longer running left (killed with SIGKILL, or the machine stopped; Ctrl-C and SIGTERM
     * delete their own). Those of running processes are left alone.
     */
    static void removeStale(Path parent, String name) {
        String prefix = "." + name;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent, prefix + ".flowsim-*")) {
            for (Path p : s) {
                String rest = p.getFileName().toString().substring(prefix.length());
                for (String kind : List.of(STAGING, OLD)) {
                    if (rest.startsWith(kind) && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        String pid = rest.substring(kind.length()).replaceFirst("-\\d+$", "");
                        if (pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                            deleteQuietly(p);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover folder is hidden and named as such, and never looks like a run
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover staging folder is named as such and never looks like a run
        }
    }

    /** Prefixes a trace's messages with its name; progress of one trace is not shown among many. */
    private record TraceReporter(Reporter delegate, String trace) implements Reporter {
        @Override
        public void info(String message) {
            delegate.debug(trace + ": " + message);
        }

        @Override
        public void warn(String message) {
            delegate.warn(trace + ": " + message);
        }

        @Override
        public void debug(String message) {
            delegate.debug(trace + ": " + message);
        }

        @Override
        public Progress startProgress(String label, long total, String unit) {
            return Progress.none();
        }
    }
}
