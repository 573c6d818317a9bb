package io.flowsim.runtime.cli;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.MeasurementTableReader;
import io.flowsim.api.Progress;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.MeasuredTable;
import io.flowsim.api.model.Measurement;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.PrintableText;
import io.flowsim.runtime.pipeline.TraceKernels;
import io.flowsim.runtime.pipeline.TraceRun;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Where {@code validate}, {@code calibrate} and {@code bench} get measurements: latency tables (files
 * or directories searched for {@code *.csv} / {@code *.csv.gz}) and traces.
 */
final class MeasurementInputs {

    @Parameters(paramLabel = "TABLE", arity = "0..*",
            description = "Measured latency tables (the formats of the installed measurement table readers: "
                    + "'flowsim plugins' lists them), or directories to search for them.")
    List<Path> tables = new ArrayList<>();

    @Option(names = "--trace-file", paramLabel = "FILE",
            description = "A trace whose measured kernel durations to use; repeatable.")
    List<Path> traces = new ArrayList<>();

    @Option(names = "--trace-dir", paramLabel = "DIR",
            description = "Use every *.json / *.json.gz trace in DIR, as with --trace-file (JSON files that are not "
                    + "profiler traces, such as *.meta.json sidecars, are listed as skipped).")
    Path traceDirectory;

    @Option(names = "--resolver", paramLabel = "NAME",
            description = "Resolvers for --trace-file, in chain order; repeatable (default: all, by priority).")
    List<String> resolvers = new ArrayList<>();

    @Option(names = "--only-groups", paramLabel = "REGEX",
            description = "Use only measurements whose group matches this regular expression (e.g. 'gemm bf16').")
    String onlyGroups;

    @Option(names = "--skip-groups", paramLabel = "REGEX",
            description = "Leave out measurements whose group matches this regular expression (e.g. 'triton').")
    String skipGroups;

    /** Measurements from one source, measured on one GPU. */
    record Source(String name, HardwareTarget target, List<Measurement> measurements, Map<String, Long> skipped) {
    }

    /** A table found by searching a directory that could not be used, and why (the reader's one line). */
    record SkippedTable(Path file, String reason) {
    }

    private final List<SkippedTable> skippedTables = new ArrayList<>();

    /** The tables of the last {@link #read} that were found in a directory and skipped, in the order read. */
    List<SkippedTable> skippedTables() {
        return List.copyOf(skippedTables);
    }

    boolean isEmpty() {
        return tables.isEmpty() && traces.isEmpty() && traceDirectory == null;
    }

    /** Adds the traces of {@code --trace-dir} (sorted) to those of {@code --trace-file}. */
    void expandTraceDirectory(ExtensionRegistry registry, io.flowsim.api.Reporter reporter) {
        if (traceDirectory != null) {
            traces.addAll(TraceRun.collect(List.of(), Optional.of(traceDirectory), registry, Optional.empty(),
                    reporter));
            traceDirectory = null;
        }
    }

    void addTo(io.flowsim.api.Options.Builder options) {
    }

    /** Every table file named, directories expanded (sorted) to the files a reader accepts, with the name to show. */
    List<Path[]> tableFiles(List<MeasurementTableReader> readers) {
        List<Path[]> files = new ArrayList<>();
        for (Path p : tables) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(f -> readers.stream().anyMatch(r -> r.canRead(f))).sorted()
                            .forEach(f -> files.add(new Path[] {f, p.relativize(f)}));
                } catch (IOException | UncheckedIOException e) {
                    throw FlowsimException.badInput("cannot list directory " + p + ": " + e.getMessage(), e);
                }
            } else if (Files.exists(p)) {
                if (!Files.isRegularFile(p)) {
                    // a named pipe without a writer would block the command for ever; a device never ends
                    throw FlowsimException.badInput("table " + p + " is not a regular file (a pipe or a device);"
                            + " name a table file or a folder of tables");
                }
                files.add(new Path[] {p, p.getFileName()});
            } else {
                throw FlowsimException.badInput("table not found: " + p);
            }
        }
        return files;
    }

    /**
     * Reads every table and trace. Tables found by searching a directory are skipped if unreadable: with a
     * warning, unless {@code warnSkipped} is false because the command reports {@link #skippedTables} with
     * its results.
     */
    List<Source> read(ExtensionRegistry registry, RunContext context, Optional<String> gpu) {
        return read(registry, context, gpu, true);
    }

    List<Source> read(ExtensionRegistry registry, RunContext context, Optional<String> gpu, boolean warnSkipped) {
        return read(registry, context, gpu, warnSkipped, target -> { });
    }

    /**
     * As {@link #read(ExtensionRegistry, RunContext, Optional, boolean)}, and each table's GPU is passed to
     * {@code checkTarget} (the backend's {@link io.flowsim.api.SimulationSession#checkTarget}) once read: a
     * table found in a directory whose GPU the backend refuses (exit 2: a GPU without a profile) is skipped
     * like an unreadable one, so the others are still scored; a table named on the command line fails the
     * run, with its name.
     */
    List<Source> read(ExtensionRegistry registry, RunContext context, Optional<String> gpu, boolean warnSkipped,
                      Consumer<HardwareTarget> checkTarget) {
        skippedTables.clear();
        expandTraceDirectory(registry, context.reporter());
        List<Source> sources = new ArrayList<>();
        List<MeasurementTableReader> readers = registry.tableReaders().stream().map(Discovered::extension).toList();
        if (!tables.isEmpty() && readers.isEmpty()) {
            throw FlowsimException.usage("no measurement table reader is installed to read " + tables.get(0)
                    + " ('flowsim plugins' lists the extensions found)");
        }
        List<Path[]> files = tableFiles(readers);
        try (Progress progress = context.reporter().startProgress("reading tables", files.size(), "tables")) {
            for (Path[] f : files) {
                boolean searched = !tables.contains(f[0]);
                MeasuredTable t;
                try {
                    MeasurementTableReader reader = readers.stream().filter(r -> r.canRead(f[0])).findFirst()
                            .orElse(readers.get(0));
                    t = reader.read(f[0], gpu, context);
                } catch (FlowsimException e) {
                    if (!searched) {
                        throw e;
                    }
                    skip(f[0], e, warnSkipped, context);
                    progress.advance(1);
                    continue;
                }
                Optional<FlowsimException> refused = refusal(checkTarget, f[0], t.gpu(), searched);
                if (refused.isPresent()) {
                    if (!searched) {
                        throw refused.get();
                    }
                    skip(f[0], refused.get(), warnSkipped, context);
                    progress.advance(1);
                    continue;
                }
                sources.add(new Source(f[1].toString(), new HardwareTarget(t.gpu(), Optional.empty()),
                        filter(t.measurements()), t.skipped()));
                progress.advance(1);
            }
        }
        for (Path trace : traces) {
            TraceKernels k = TraceKernels.read(registry, context, trace, Optional.empty(), resolvers);
            List<Measurement> ms = filter(k.measurements());
            sources.add(new Source(trace.getFileName().toString(), k.target(gpu), ms, Map.of()));
        }
        return sources;
    }

    /**
     * What {@code validate}, {@code calibrate} and {@code bench} read: every table and trace, each table's GPU
     * checked by {@code session} ({@link SimulationSession#checkTarget}): a table found in a directory that
     * cannot be used (unreadable, or measured on a GPU the backend has no profile for) is kept in {@link
     * #skippedTables} for the command to list with its results ({@link #printSkippedTables}); a table named on
     * the command line fails the run with its name.
     *
     * @param purpose what the command does with the measurements ({@code score}, {@code fit}, ...), for the
     *                line when none is left
     * @throws FlowsimException bad input when no measurement is left, naming the inputs and the first table
     *                          skipped with its reason (an empty result with exit code 0 would read as a clean run)
     */
    List<Source> readChecked(ExtensionRegistry registry, RunContext context, Optional<String> gpu,
                             SimulationSession session, String purpose) {
        List<Source> sources = read(registry, context, gpu, false, session::checkTarget);
        if (sources.stream().allMatch(s -> s.measurements().isEmpty())) {
            throw FlowsimException.badInput("no measurements to " + purpose + " in "
                    + String.join(", ", Stream.concat(tables.stream(), traces.stream()).map(Path::toString).toList())
                    + (onlyGroups != null || skipGroups != null ? " that --only-groups and --skip-groups select" : "")
                    + (skippedTables.isEmpty() ? "" : "; " + skippedTables.size() + " table"
                            + (skippedTables.size() == 1 ? "" : "s") + " skipped, the first: "
                            + skippedTables.get(0).reason())
                    + skippedRows(sources));
        }
        return sources;
    }

    /** Why the rows of the tables read were not used (their reader's first reason), for the no-measurement line. */
    static String skippedRows(List<Source> sources) {
        long rows = sources.stream().flatMap(s -> s.skipped().values().stream()).mapToLong(Long::longValue).sum();
        return sources.stream().flatMap(s -> s.skipped().keySet().stream()).findFirst()
                .map(reason -> String.format(java.util.Locale.ROOT, "; %,d row%s skipped, the first: %s", rows,
                        rows == 1 ? "" : "s", reason))
                .orElse("");
    }

    /**
     * Fails unless every source was measured on one GPU: {@code calibrate} fits one and {@code bench} times one.
     *
     * @param command what the command does with one GPU ({@code calibrate fits}), for the line
     */
    static void requireOneGpu(List<Source> sources, String command) {
        java.util.Set<String> gpus = new java.util.LinkedHashSet<>();
        sources.forEach(s -> gpus.add(s.target().name()));
        if (gpus.size() > 1) {
            throw FlowsimException.usage(command + " one GPU at a time, but the inputs were measured on "
                    + String.join(", ", gpus) + "; name the GPU with --gpu if they are the same one");
        }
    }

    /**
     * The "Tables skipped" block of a command's results; tables skipped for the same reason (the tables of one
     * GPU's folder) share one line, since a reason can name every profile the backend knows. Nothing when none
     * was skipped.
     *
     * @param notUsed what became of them, for the heading ({@code not scored}, {@code not fitted}, ...)
     */
    static void printSkippedTables(PrintStream out, List<SkippedTable> skippedTables, String notUsed) {
        if (skippedTables.isEmpty()) {
            return;
        }
        out.println();
        out.println("Tables skipped (found in a directory, " + notUsed + "):");
        Map<String, List<Path>> byReason = new LinkedHashMap<>();
        skippedTables.forEach(t -> byReason.computeIfAbsent(t.reason(), r -> new ArrayList<>()).add(t.file()));
        byReason.forEach((reason, files) -> out.println("  " + PrintableText.of(files.get(0) + (files.size() == 1 ? ""
                : files.size() == 2 ? " and " + files.get(1)
                : String.format(Locale.ROOT, " and %,d more tables (--format json lists each)", files.size() - 1))
                + ": " + reason)));
    }

    /**
     * A refusal's first sentence: for a skipped table, among the results, the GPU and the way out are enough;
     * the rest (a backend may list every GPU it knows, some 900 characters) would repeat on
     * every skipped folder's line. The whole message when it is one sentence.
     */
    static String firstSentence(String message) {
        for (int i = message.indexOf(". "); i >= 0; i = message.indexOf(". ", i + 1)) {
            if (i + 2 < message.length() && Character.isUpperCase(message.charAt(i + 2))) {
                return message.substring(0, i);
            }
        }
        return message;
    }

    private void skip(Path file, FlowsimException e, boolean warn, RunContext context) {
        // the line names the file already: a reason that starts with it (a reader's "FILE: why") says it once
        String prefix = file + ": ";
        String reason = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
        skippedTables.add(new SkippedTable(file, reason));
        if (warn) {
            context.reporter().warn("skipping " + file + ": " + e.getMessage());
        }
    }

    /**
     * Asks the backend whether it can simulate the GPU a table was measured on: the refusal of a GPU it does
     * not know (a usage or input error, exit 2), naming the table when it was named on the command line (the
     * skipped tables name the file already). A backend that fails otherwise fails the run.
     */
    private static Optional<FlowsimException> refusal(Consumer<HardwareTarget> checkTarget, Path file, String gpu,
                                                      boolean searched) {
        try {
            checkTarget.accept(new HardwareTarget(gpu, Optional.empty()));
            return Optional.empty();
        } catch (FlowsimException e) {
            if (e.code() != ErrorCode.USAGE && e.code() != ErrorCode.BAD_INPUT) {
                throw e;
            }
            String measured = "measured on '" + gpu + "' (its device column, or else its folder, names the GPU)";
            return Optional.of(new FlowsimException(e.code(), (searched ? "" : file + ": ") + measured + ": "
                    + (searched ? firstSentence(e.getMessage()) : e.getMessage()), e));
        }
    }

    private List<Measurement> filter(List<Measurement> all) {
        Pattern only = compile("--only-groups", onlyGroups);
        Pattern skip = compile("--skip-groups", skipGroups);
        if (only == null && skip == null) {
            return all;
        }
        List<Measurement> kept = new ArrayList<>();
        for (Measurement m : all) {
            if ((only == null || only.matcher(m.group()).find()) && (skip == null || !skip.matcher(m.group()).find())) {
                kept.add(m);
            }
        }
        return kept;
    }

    private static Pattern compile(String option, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw FlowsimException.usage(option + ": '" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }
}
