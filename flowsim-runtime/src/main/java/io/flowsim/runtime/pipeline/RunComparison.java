package io.flowsim.runtime.pipeline;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two runs ({@code run.json} of two outputs): per stage, per stage and family, and per op,
 * the change in time, kernel count and efficiency.
 *
 * <p>Each side is read on its own time basis: measured times, except for a run simulated on
 * another GPU than the one it was recorded on (a what-if such as {@code --gpu B200}), which is read
 * by its predicted times and their efficiency on the simulated GPU. So a trace compared with its own
 * B200 prediction shows what the B200 would change.
 */
public final class RunComparison {

    /** The file names {@link #write} uses. */
    public static final String CSV = "compare.csv";
    /** The JSON file's name. */
    public static final String JSON = "compare.json";

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    /** One side: where it was read from and how. */
    public record Side(Path runJson, String label, boolean predicted, String gpu, JsonNode document) {
        public Side {
            Objects.requireNonNull(runJson, "runJson");
        }
    }

    /**
     * One compared row.
     *
     * @param level  {@code total}, {@code stage}, {@code stage_family} or {@code op}
     * @param key    the row's key ({@code decode}, {@code decode / gemm}, {@code matmul})
     * @param timeUsA   side A's time of the row; null when the row has kernels on side A but none of them
     *                  has a time on its basis (predicted times where no kernel of the row was predicted):
     *                  unknown, not zero. A row with no kernels on a side has time 0 there.
     * @param coverageA the share of the row's kernels on side A that its times cover (1 for measured
     *                  times; for predicted times the kernels with a prediction)
     */
    public record Row(String level, String key, long countA, long countB, Double timeUsA, Double timeUsB,
                      Double percentOfPeakA, Double percentOfPeakB, double tflopsA, double tflopsB,
                      double coverageA, double coverageB) {

        /** {@code B - A} in microseconds, or null when a side's time is unknown. */
        public Double deltaUs() {
            return timeUsA == null || timeUsB == null ? null : timeUsB - timeUsA;
        }

        /** {@code B / A}, or null when A has no time or a side's time is unknown. */
        public Double ratio() {
            return timeUsA == null || timeUsB == null || timeUsA == 0 ? null : timeUsB / timeUsA;
        }
    }

    /** The comparison. */
    public record Result(Side a, Side b, List<Row> rows) {
        public Result {
            rows = List.copyOf(rows);
        }
    }

    private RunComparison() {
    }

    /** Reads a side: an output folder holding {@code run.json}, or a {@code run.json} file. */
    public static Side read(Path path) {
        if (!Files.exists(path)) {
            throw FlowsimException.badInput(path + " not found: compare reads the output folders of flowsim parse"
                    + " or simulate (or their run.json)");
        }
        if (!Files.isDirectory(path) && !Files.isRegularFile(path)) {
            // reading a named pipe nobody writes to would wait for ever; a device never ends
            throw FlowsimException.badInput(path + " is not a regular file (a pipe or a device): compare reads the"
                    + " output folders of flowsim parse or simulate (or their run.json)");
        }
        Path file = Files.isDirectory(path) ? path.resolve(TraceRun.RUN_JSON) : path;
        if (!Files.isRegularFile(file)) {
            throw FlowsimException.badInput("no run.json in " + path + ": compare reads the outputs of flowsim parse"
                    + " or simulate (rerun them with this version to get run.json)");
        }
        JsonNode doc;
        try {
            doc = RuntimeJson.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // Jackson's own message ends with a source description meant for developers
            JsonLocation at = e.getLocation();
            throw FlowsimException.badInput(file + " is not a FlowSim run.json: malformed JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (doc == null || !doc.path("analysis").isObject() || !doc.path("traces").isArray()) {
            throw FlowsimException.badInput(file + " is not a FlowSim run.json (no analysis or traces)");
        }
        boolean predicted = false;
        Set<String> gpus = new LinkedHashSet<>();
        for (JsonNode t : doc.path("traces")) {
            if (t.has("target") && !t.path("target_is_trace_device").asBoolean(true)) {
                predicted = true;
                gpus.add(t.path("target").asText());
            } else {
                gpus.add(t.path("gpu").asText().isEmpty() ? "GPU not recorded" : t.path("gpu").asText());
            }
        }
        String gpu = String.join(", ", gpus);
        String label = (predicted ? "predicted on " : "measured on ") + gpu;
        return new Side(file, label, predicted, gpu, doc);
    }

    /** Compares A with B. */
    public static Result compare(Side a, Side b) {
        List<Row> rows = new ArrayList<>();
        rows.add(row("total", "total", a.document().path("analysis").path("total"), a,
                b.document().path("analysis").path("total"), b));
        rows.addAll(level("stage", "per_stage", n -> n.path("stage").asText(), a, b));
        rows.addAll(level("stage_family", "per_stage_family",
                n -> n.path("stage").asText() + " / " + n.path("family").asText(), a, b));
        rows.addAll(level("op", "per_op_mapping", n -> n.path("op_mapping").asText(), a, b));
        return new Result(a, b, rows);
    }

    private static List<Row> level(String level, String field, java.util.function.Function<JsonNode, String> key,
                                   Side a, Side b) {
        Map<String, JsonNode[]> byKey = new LinkedHashMap<>();
        for (JsonNode n : a.document().path("analysis").path(field)) {
            byKey.computeIfAbsent(key.apply(n), k -> new JsonNode[2])[0] = n;
        }
        for (JsonNode n : b.document().path("analysis").path(field)) {
            byKey.computeIfAbsent(key.apply(n), k -> new JsonNode[2])[1] = n;
        }
        List<Row> rows = new ArrayList<>();
        byKey.forEach((k, pair) -> rows.add(row(level, k, pair[0], a, pair[1], b)));
        // rows whose change is unknown (a side without times) after every known change
        rows.sort(Comparator.comparingDouble((Row r) -> r.deltaUs() == null ? Double.POSITIVE_INFINITY
                : -Math.abs(r.deltaUs())).thenComparing(Row::key));
        return rows;
    }

    private static Row row(String level, String key, JsonNode na, Side a, JsonNode nb, Side b) {
        return new Row(level, key, count(na, a), count(nb, b), knownTime(na, a), knownTime(nb, b), percent(na, a),
                percent(nb, b), tflops(na, a), tflops(nb, b), coverage(na, a), coverage(nb, b));
    }

    private static double coverage(JsonNode n, Side s) {
        if (n == null) {
            return 0;
        }
        long all = n.path("count").asLong();
        return all == 0 ? 0 : (double) count(n, s) / all;
    }

    private static long count(JsonNode n, Side s) {
        return n == null ? 0 : n.path(s.predicted() ? "predicted_count" : "count").asLong();
    }

    private static double time(JsonNode n, Side s) {
        return n == null ? 0 : n.path(s.predicted() ? "predicted_time_us" : "kernel_time_us").asDouble();
    }

    /** The row's time on the side's basis; null when it has kernels there and none has such a time. */
    private static Double knownTime(JsonNode n, Side s) {
        if (n != null && n.path("count").asLong() > 0 && count(n, s) == 0) {
            return null;
        }
        return time(n, s);
    }

    private static Double percent(JsonNode n, Side s) {
        if (n == null) {
            return null;
        }
        JsonNode p = n.path(s.predicted() ? "predicted_percent_of_peak" : "percent_of_peak");
        return p.isNumber() ? p.asDouble() : null;
    }

    /** FLOPs over the side's time of the row (µs). */
    private static double tflops(JsonNode n, Side s) {
        if (n == null) {
            return 0;
        }
        if (!s.predicted()) {
            return n.path("achieved_tflops").asDouble();
        }
        double t = time(n, s);
        return t == 0 ? 0 : n.path("flops").asDouble() / (t * 1e-6) / 1e12;
    }

    /** The comparison as one JSON document. */
    public static ObjectNode document(Result r) {
        ObjectNode root = RuntimeJson.MAPPER.createObjectNode();
        root.put("format_version", RunJson.FORMAT_VERSION);
        root.set("a", side(r.a()));
        root.set("b", side(r.b()));
        ArrayNode rows = root.putArray("rows");
        for (Row x : r.rows()) {
            ObjectNode n = rows.addObject();
            n.put("level", x.level());
            n.put("key", x.key());
            n.put("count_a", x.countA());
            n.put("count_b", x.countB());
            n.put("count_delta", x.countB() - x.countA());
            putNullable(n, "time_us_a", x.timeUsA());
            putNullable(n, "time_us_b", x.timeUsB());
            putNullable(n, "time_delta_us", x.deltaUs());
            putNullable(n, "time_ratio", x.ratio());
            putNullable(n, "percent_of_peak_a", x.percentOfPeakA());
            putNullable(n, "percent_of_peak_b", x.percentOfPeakB());
            putNullable(n, "percent_of_peak_delta", x.percentOfPeakA() == null || x.percentOfPeakB() == null ? null
                    : x.percentOfPeakB() - x.percentOfPeakA());
            n.put("tflops_a", x.tflopsA());
            n.put("tflops_b", x.tflopsB());
            n.put("coverage_a", x.coverageA());
            n.put("coverage_b", x.coverageB());
        }
        return root;
    }

    private static void putNullable(ObjectNode n, String field, Double v) {
        if (v == null) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }

    private static ObjectNode side(Side s) {
        ObjectNode n = RuntimeJson.MAPPER.createObjectNode();
        n.put("run_json", s.runJson().toString());
        n.put("basis", s.predicted() ? "predicted" : "measured");
        n.put("gpu", s.gpu());
        n.put("label", s.label());
        return n;
    }

    /** Writes {@code compare.csv} and {@code compare.json} into {@code dir}, each atomically. */
    public static List<Path> write(Result r, Path dir) {
        OutputDirectories.create(dir);
        Path json = dir.resolve(JSON);
        Path csv = dir.resolve(CSV);
        // both reserved first and moved into place together: a failure leaves neither half of a new pair
        try (AtomicOutput jsonOut = AtomicOutput.create(json); AtomicOutput csvOut = AtomicOutput.create(csv)) {
            try (OutputStream os = Files.newOutputStream(jsonOut.temporary())) {
                RuntimeJson.MAPPER.writeValue(os, document(r));
            } catch (IOException e) {
                throw jsonOut.writeFailed(e);
            }
            try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(csvOut.temporary(), StandardCharsets.UTF_8),
                    FORMAT)) {
                p.printRecord("level", "key", "count_a", "count_b", "count_delta", "time_us_a", "time_us_b",
                        "time_delta_us", "time_ratio", "percent_of_peak_a", "percent_of_peak_b", "percent_of_peak_delta",
                        "tflops_a", "tflops_b", "coverage_a", "coverage_b");
                for (Row x : r.rows()) {
                    p.printRecord(x.level(), x.key(), x.countA(), x.countB(), x.countB() - x.countA(),
                            num(x.timeUsA()), num(x.timeUsB()), num(x.deltaUs()), num(x.ratio()),
                            num(x.percentOfPeakA()), num(x.percentOfPeakB()),
                            x.percentOfPeakA() == null || x.percentOfPeakB() == null ? ""
                                    : num(x.percentOfPeakB() - x.percentOfPeakA()),
                            num(x.tflopsA()), num(x.tflopsB()), num(x.coverageA()), num(x.coverageB()));
                }
            } catch (IOException e) {
                throw csvOut.writeFailed(e);
            }
            jsonOut.commit();
            csvOut.commit();
        }
        return List.of(csv, json);
    }

    private static String num(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    /** Empty for an unknown value (a CSV reader sees a missing value, never a zero). */
    private static String num(Double v) {
        return v == null ? "" : num(v.doubleValue());
    }
}
