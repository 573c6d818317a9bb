package io.flowsim.runtime.cli;

import io.flowsim.api.AtomicOutput;
import io.flowsim.runtime.pipeline.PrintableText;
import io.flowsim.runtime.pipeline.RunComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.flowsim.runtime.cli.SummaryPrinter.us;

/** {@code flowsim compare A B}: two runs side by side, per stage, family and op. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Compare two runs (two GPUs, two versions, or a trace and its --gpu prediction).",
        description = {"Compare two outputs of flowsim parse or simulate (folders holding run.json): per stage,"
            + " stage and family, and op, the change in time, kernel count and efficiency (B against A).",
            "A run simulated on another GPU than it was recorded on is read by its predicted times."})
final class CompareCommand implements Callable<Integer> {

    /** Rows printed per level; a line after the table counts those left out (every row is in the files). */
    static final int PRINTED_ROWS = 12;

    /** A time (and the change from it) that is unknown: no kernel of the row has one on that side. */
    static final String NO_TIME = "n/a";

    @ParentCommand
    FlowsimCommand root;

    @Parameters(index = "0", paramLabel = "A", description = "The baseline: an output folder (or its run.json).")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "The run compared with it.")
    Path b;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "flowsim-compare",
            converter = NonEmptyOutput.ToPath.class,
            description = "Where to write compare.csv and compare.json (default: ${DEFAULT-VALUE}).")
    Path outputDirectory;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json: the comparison as one JSON document on standard output.")
    String format;

    @Override
    public Integer call() {
        boolean json = OutputFormat.isJson(format);
        RunComparison.Side sideA = RunComparison.read(a);
        RunComparison.Side sideB = RunComparison.read(b);
        RunComparison.Result result = RunComparison.compare(sideA, sideB);
        List<Path> files;
        // the run.json files read are inputs: compare.json or compare.csv never replaces one
        try (AtomicOutput.Inputs inputs = AtomicOutput.protectInputs(List.of(sideA.runJson(), sideB.runJson()))) {
            files = RunComparison.write(result, outputDirectory);
        }
        if (json) {
            RunOutputs.printJson(root.out, RunComparison.document(result));
        } else {
            print(root.out, result, files);
        }
        return 0;
    }

    static void print(PrintStream out, RunComparison.Result r, List<Path> files) {
        out.println("A  " + PrintableText.of(r.a().runJson() + " (" + r.a().label() + ")"));
        out.println("B  " + PrintableText.of(r.b().runJson() + " (" + r.b().label() + ")"));
        r.rows().stream().filter(x -> x.level().equals("total")).findFirst().ifPresent(t -> {
            for (String side : List.of("A", "B")) {
                double c = side.equals("A") ? t.coverageA() : t.coverageB();
                if (c < 1) {
                    out.printf(Locale.ROOT, "Note: %s's predicted times cover %.1f%% of its kernels (the others have no"
                            + " prediction); a time marked * covers only part of its row%n", side, 100 * c);
                }
            }
        });
        boolean unknownPrinted = false;
        for (String level : List.of("total", "stage", "stage_family", "op")) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {level.replace('_', ' ').replace("stage family", "stage / family"), "count A",
                "count B", "time A us", "time B us", "delta us", "B/A", "% of peak A", "% of peak B"});
            List<RunComparison.Row> all = r.rows().stream().filter(x -> x.level().equals(level)).toList();
            List<RunComparison.Row> printed = all.subList(0, Math.min(all.size(), PRINTED_ROWS));
            unknownPrinted |= printed.stream().anyMatch(CompareCommand::unknown);
            printed.forEach(x -> rows.add(
                    new String[] {x.key(), String.format(Locale.ROOT, "%,d", x.countA()),
                        String.format(Locale.ROOT, "%,d", x.countB()),
                        time(x.timeUsA(), x.coverageA()), time(x.timeUsB(), x.coverageB()),
                        x.deltaUs() == null ? NO_TIME
                                : (x.deltaUs() >= 0 ? "+" : "") + us(Math.round(x.deltaUs() * 1000)),
                        x.ratio() != null ? String.format(Locale.ROOT, "%.2fx", x.ratio())
                                : x.deltaUs() == null ? NO_TIME : "-",
                        pct(x.percentOfPeakA()), pct(x.percentOfPeakB())}));
            out.println();
            TextTable.print(out, rows, new boolean[] {false, true, true, true, true, true, true, true, true});
            List<RunComparison.Row> left = all.subList(printed.size(), all.size());
            if (!left.isEmpty()) {
                // n/a rows sort last, so they are the first to fall off: the reader is told, and where they are
                long unknown = left.stream().filter(CompareCommand::unknown).count();
                unknownPrinted |= unknown > 0;
                out.println("... " + left.size() + " more " + (left.size() == 1 ? "row" : "rows")
                        + (unknown == 0 ? "" : " (" + (unknown == left.size() ? (left.size() == 1 ? "it" : "all")
                        : unknown + " of them") + " " + NO_TIME + ")") + ", in " + where(files));
            }
        }
        if (unknownPrinted) {
            out.println();
            out.println(NO_TIME + ": the row has kernels on that side but none of them has a predicted time (unknown,"
                    + " not zero), so its change is unknown too");
        }
        out.println();
        SummaryPrinter.printFiles(out, files);
    }

    private static boolean unknown(RunComparison.Row x) {
        return x.timeUsA() == null || x.timeUsB() == null;
    }

    /** Where every row is: the files written, or their names when none is given. */
    private static String where(List<Path> files) {
        return files.isEmpty() ? "compare.csv and compare.json"
                : String.join(" and ", files.stream().map(Path::toString).toList());
    }

    /** A side's time of a row, {@code *} when it covers part of the row, {@link #NO_TIME} when none. */
    private static String time(Double us, double coverage) {
        return us == null ? NO_TIME : us(Math.round(us * 1000)) + (coverage < 1 ? "*" : "");
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f%%", v);
    }
}
