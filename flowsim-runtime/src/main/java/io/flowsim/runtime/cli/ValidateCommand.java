package io.flowsim.runtime.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.Measurement;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.measurements.HoldOutSplit;
import io.flowsim.runtime.measurements.MeasurementScorer;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PluginFailure;
import io.flowsim.runtime.pipeline.PrintableText;
import io.flowsim.runtime.pipeline.RunJson;
import io.flowsim.runtime.pipeline.RuntimeJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code flowsim validate}: score a simulator backend against measured kernel latencies. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Score a simulator backend against measured kernel latencies.",
        description = "Score a simulator backend against measured kernel latencies: latency tables"
            + " (read by the installed measurement table readers) and traces. Prints, per table"
            + " and group, the median, p90 and time-weighted absolute error and the error of the"
            + " totals; rows the backend cannot model are counted, with the reason.")
final class ValidateCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE, ExtensionPoint.KERNEL_RESOLVER, ExtensionPoint.SIMULATOR_BACKEND);
    }

    @ParentCommand
    FlowsimCommand root;

    @Mixin
    MeasurementInputs inputs;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = SimulateCommand.DEFAULT_BACKEND,
            description = "The simulator backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU to simulate (default: each table's device column or path, each trace's GPU).")
    String gpu;

    @Option(names = "--split", paramLabel = "PART", defaultValue = "all",
            description = "Which measurements to score: all, held-out or fitting (the deterministic split "
                    + "flowsim calibrate uses; default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--held-out-fraction", paramLabel = "F", defaultValue = "0.3",
            description = "The share of measurements (by key hash) held out from fitting (default: ${DEFAULT-VALUE}).")
    double heldOutFraction;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: the scores as one JSON document on standard output.")
    String format;

    @Option(names = "--csv", paramLabel = "FILE",
            description = "Also write every measurement with its prediction to this CSV file (source, group, origin,"
                    + " key, measured_ns, predicted_ns, error_percent, reason).")
    Path csv;

    /** The environment variable naming the tables to use when none are named. */
    static final String TABLES_VARIABLE = "FLOWSIM_TABLES";

    /**
     * The measured tables used when none are named: the files and directories in
     * {@code $FLOWSIM_TABLES} (separated like the PATH), those that exist. The product names no
     * location of its own; the checkout's {@code ./flowsim} launcher sets the variable to the shared
     * ground truth and the project's own measurements when they are there.
     */
    static List<Path> defaultTables() {
        List<Path> found = new ArrayList<>();
        String list = System.getenv(TABLES_VARIABLE);
        if (list == null || list.isBlank()) {
            return found;
        }
        for (String entry : list.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && java.nio.file.Files.exists(Path.of(entry.strip()))) {
                found.add(Path.of(entry.strip()));
            }
        }
        return found;
    }

    @Override
    public Integer call() {
        boolean json = OutputFormat.isJson(format);
        if (inputs.isEmpty()) {
            List<Path> defaults = defaultTables();
            if (defaults.isEmpty()) {
                throw FlowsimException.usage("name at least one table, directory of tables or --trace-file to validate"
                        + " against (or set $" + TABLES_VARIABLE + " to the tables to use when none is named)");
            }
            root.reporter().info("validating against the measured tables in $" + TABLES_VARIABLE + ": " + defaults);
            inputs.tables.addAll(defaults);
        }
        HoldOutSplit holdOut = CalibrateCommand.split(heldOutFraction);
        String part = split.trim().toLowerCase(Locale.ROOT);
        if (!List.of("all", "held-out", "fitting").contains(part)) {
            throw FlowsimException.usage("--split must be all, held-out or fitting, got '" + split + "'");
        }
        Options.Builder options = root.options();
        inputs.addTo(options);
        try (ExtensionRegistry registry = root.discover()) {
            Discovered<SimulatorBackend> b = registry.requireDiscovered(ExtensionPoint.SIMULATOR_BACKEND,
                    SimulatorBackend.class, backend);
            RunContext context = RunContext.of(options.build(), root.reporter(), null);
            // a GPU or a setting the backend refuses (a file it cannot read) fails now, before any table or trace is read
            new Pipeline(registry, context).checkBackend(Optional.of(backend), Optional.ofNullable(gpu));
            // the tables and traces read are inputs: --csv never replaces one, and is refused before any work
            inputs.expandTraceDirectory(registry, root.reporter());
            List<Path> read = new ArrayList<>(inputs.traces);
            inputs.tableFiles(registry.tableReaders().stream().map(Discovered::extension).toList())
                    .forEach(f -> read.add(f[0]));
            try (AtomicOutput.Inputs protectedInputs = AtomicOutput.protectInputs(read);
                 AtomicOutput csvOutput = csv == null ? null : CsvFiles.reserve(csv)) {
                Scores scores;
                // closed before anything is printed or written: a session that fails to close fails the run
                // without a table or CSV that looks complete
                try (SimulationSession session = PluginFailure.open(b, context)) {
                    // skipped tables are reported with the results (stdout), not as warnings while reading; so
                    // is a table found in a directory whose GPU the backend has no profile for
                    List<MeasurementInputs.Source> sources = inputs.readChecked(registry, context,
                            Optional.ofNullable(gpu), session, "score");
                    scores = score(b, session, sources, holdOut, part);
                }
                return report(b.name(), scores, part, json, csvOutput);
            }
        }
    }

    /** The scores as one JSON document (docs/output-formats.md). */
    static ObjectNode document(String backend, String part, double heldOutFraction,
                               List<MeasurementScorer.GroupScore> scores, Map<String, Map<String, Long>> skipped,
                               List<MeasurementInputs.SkippedTable> skippedTables) {
        ObjectNode root = RuntimeJson.MAPPER.createObjectNode();
        root.put("format_version", RunJson.FORMAT_VERSION);
        root.put("command", "validate");
        root.put("backend", backend);
        root.put("split", part);
        root.put("held_out_fraction", heldOutFraction);
        ArrayNode groups = root.putArray("groups");
        for (MeasurementScorer.GroupScore g : scores) {
            AccuracyRow a = g.accuracy();
            ObjectNode n = groups.addObject();
            n.put("source", g.source());
            n.put("group", g.group());
            n.put("predicted", a == null ? 0 : a.count());
            n.put("unsupported", g.unsupported());
            if (a != null) {
                n.put("median_abs_error_percent", a.medianAbsErrorPercent());
                n.put("p90_abs_error_percent", a.p90AbsErrorPercent());
                n.put("time_weighted_abs_error_percent", a.timeWeightedAbsErrorPercent());
                n.put("total_error_percent", a.totalErrorPercent());
                n.put("measured_time_us", a.measuredNs() / 1000.0);
                n.put("predicted_time_us", a.predictedNs() / 1000.0);
            }
            ObjectNode reasons = n.putObject("unsupported_reasons");
            g.reasons().forEach(reasons::put);
        }
        ObjectNode skippedNode = root.putObject("skipped_rows");
        skipped.forEach((table, reasons) -> {
            ObjectNode t = skippedNode.putObject(table);
            reasons.forEach(t::put);
        });
        ObjectNode tablesNode = root.putObject("skipped_tables");
        skippedTables.forEach(t -> tablesNode.put(t.file().toString(), t.reason()));
        return root;
    }

    /** Every source scored: the groups, the counts by outcome, the skipped rows and the CSV's rows. */
    private record Scores(List<MeasurementScorer.GroupScore> groups, long predicted, long failed, long notModelled,
                          Map<String, Map<String, Long>> skipped, List<String[]> details) {
    }

    private Scores score(Discovered<SimulatorBackend> backend, SimulationSession session,
                         List<MeasurementInputs.Source> sources, HoldOutSplit holdOut, String part) {
        List<MeasurementScorer.GroupScore> scores = new ArrayList<>();
        long predicted = 0;
        long failed = 0;
        long notModelled = 0;
        Map<String, Map<String, Long>> skipped = new TreeMap<>();
        List<String[]> details = new ArrayList<>();
        for (MeasurementInputs.Source s : sources) {
            List<Measurement> chosen = switch (part) {
                case "held-out" -> holdOut.heldOut(s.measurements());
                case "fitting" -> holdOut.fitting(s.measurements());
                default -> s.measurements();
            };
            root.reporter().info("scoring " + s.name() + ": " + chosen.size() + " measurements on "
                    + s.target().name());
            List<MeasurementScorer.Scored> scored = MeasurementScorer.score(backend, session, s.target(), chosen);
            scores.addAll(MeasurementScorer.byGroup(s.name() + " [" + s.target().name() + "]", scored));
            for (MeasurementScorer.Scored x : scored) {
                if (x.predicted()) {
                    predicted++;
                } else if (x.failed()) {
                    failed++;
                } else {
                    notModelled++;
                }
            }
            if (csv != null) {
                for (MeasurementScorer.Scored x : scored) {
                    Measurement m = x.measurement();
                    String error = x.predicted() && m.measuredNs() > 0 ? String.format(Locale.ROOT, "%.2f",
                            100.0 * (x.predictedNs() - m.measuredNs()) / m.measuredNs()) : "";
                    details.add(new String[] {s.name(), m.group(), m.origin(), m.key(),
                        Long.toString(m.measuredNs()), x.predicted() ? Long.toString(x.predictedNs()) : "", error,
                        x.reason()});
                }
            }
            if (!s.skipped().isEmpty()) {
                skipped.put(s.name(), s.skipped());
            }
        }
        return new Scores(scores, predicted, failed, notModelled, skipped, details);
    }

    /** Prints the scores and writes the CSV; returns the exit code: the run-level status (see {@link #runStatus}). */
    private int report(String backendName, Scores scores, String part, boolean json, AtomicOutput csvOutput) {
        if (json) {
            RunOutputs.printJson(root.out, document(backendName, part, heldOutFraction, scores.groups(),
                    scores.skipped(), inputs.skippedTables()));
        } else {
            root.out.println("Validation of backend " + backendName + (part.equals("all") ? ""
                    : " on the " + part + " part (fraction " + heldOutFraction + " held out by key hash)"));
            print(root.out, scores.groups(), scores.skipped(), inputs.skippedTables());
        }
        if (csv != null) {
            CsvFiles.write(csvOutput, new String[] {"source", "group", "origin", "key", "measured_ns", "predicted_ns",
                "error_percent", "reason"}, scores.details());
            if (json) {
                root.reporter().info("wrote " + csv);
            } else {
                root.out.println("Wrote " + PrintableText.of(csv));
            }
        }
        return runStatus(backendName, scores.predicted(), scores.failed(), scores.notModelled());
    }

    /**
     * The run-level status, as for {@code simulate}: 0 when no measurement lacks a prediction because
     * the backend failed (one it does not model is not a failure); 3 when the backend failed and
     * predicted none; 4 when it failed on some measurements and predicted others. The table and the
     * CSV are complete either way and give each measurement's reason.
     */
    private int runStatus(String backendName, long predicted, long failed, long notModelled) {
        if (failed == 0) {
            return 0;
        }
        long total = predicted + failed + notModelled;
        String counts = failed + " failed, " + notModelled + " unsupported; the table gives the reasons";
        if (predicted == 0) {
            root.err.println("flowsim: backend " + backendName + " predicted none of the " + total
                    + " measurements (" + counts + ")");
            return SimulateCommand.EXIT_NOTHING_PREDICTED;
        }
        root.err.println("flowsim: backend " + backendName + " predicted " + predicted + " of the " + total
                + " measurements (" + counts + ")");
        return SimulateCommand.EXIT_PARTLY_PREDICTED;
    }

    static void print(PrintStream out, List<MeasurementScorer.GroupScore> scores, Map<String, Map<String, Long>> skipped,
                      List<MeasurementInputs.SkippedTable> skippedTables) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"source", "group", "rows", "predicted", "median |err|", "p90 |err|",
            "time-weighted |err|", "total err"});
        String last = null;
        for (MeasurementScorer.GroupScore g : scores) {
            AccuracyRow a = g.accuracy();
            long predicted = a == null ? 0 : a.count();
            String source = g.source().equals(last) ? "" : g.source();
            last = g.source();
            rows.add(new String[] {source, g.group(), String.format(Locale.ROOT, "%,d", predicted + g.unsupported()),
                String.format(Locale.ROOT, "%,d", predicted),
                a == null ? "-" : SummaryPrinter.pct(a.medianAbsErrorPercent(), false), a == null ? "-" : SummaryPrinter.pct(a.p90AbsErrorPercent(), false),
                a == null ? "-" : SummaryPrinter.pct(a.timeWeightedAbsErrorPercent(), false),
                a == null ? "-" : SummaryPrinter.pct(a.totalErrorPercent(), true)});
        }
        TextTable.print(out, rows, new boolean[] {false, false, true, true, true, true, true, true});
        boolean header = false;
        for (MeasurementScorer.GroupScore g : scores) {
            for (Map.Entry<String, Long> e : g.reasons().entrySet()) {
                if (!header) {
                    out.println();
                    out.println("Not predicted by the backend:");
                    header = true;
                }
                out.printf(Locale.ROOT, "  %s / %s: %,d x %s%n", PrintableText.of(g.source()),
                        PrintableText.of(g.group()), e.getValue(), PrintableText.of(e.getKey()));
            }
        }
        if (!skipped.isEmpty()) {
            out.println();
            out.println("Rows skipped (the table's row cannot be expressed as kernels):");
            skipped.forEach((table, reasons) -> reasons.forEach((reason, count) ->
                    out.printf(Locale.ROOT, "  %s: %,d x %s%n", PrintableText.of(table), count,
                            PrintableText.of(reason))));
        }
        MeasurementInputs.printSkippedTables(out, skippedTables, "not scored");
    }
}
