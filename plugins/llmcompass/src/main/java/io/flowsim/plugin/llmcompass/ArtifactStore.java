package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Reporter;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The artifact directory: one JSON per distinct payload ({@code tasks/<op>-<sha256>.json}: request,
 * kernel names, task id, events, last response, outcome, timings), written when a task is submitted
 * and again when it ends, plus {@code summary.json} and {@code summary.csv} at the end of a run.
 * Every file is written to a temporary file and moved into place, so a reader never sees half a file.
 * A disabled store (no directory) keeps nothing.
 */
final class ArtifactStore {

    static final String FORMAT = "flowsim-llmcompass-task/1";
    static final String[] CSV_COLUMNS = {
        // the original FlowSim client's columns
        "task_id", "kernel_name", "op", "input_dim", "dtype", "system_key", "status", "latency_s", "error",
        // ours
        "outcome", "predicted_ns", "family", "payload_sha256", "artifact", "reused", "submissions", "elapsed_s"};
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder()
            .setHeader(CSV_COLUMNS)
            .setRecordSeparator("\n")
            .get();

    /**
     * What an earlier run left for a payload.
     *
     * @param taskId  the server's task id of the last submission, if any
     * @param outcome the outcome, if the task ended
     * @param json    the whole artifact
     */
    record Stored(Optional<String> taskId, Optional<Outcome> outcome, ObjectNode json) {
    }

    private final Optional<Path> dir;
    private final Reporter reporter;

    private ArtifactStore(Optional<Path> dir, Reporter reporter) {
        this.dir = dir;
        this.reporter = reporter;
    }

    /** Opens (and creates) the artifact directory; empty means artifacts are not kept. */
    static ArtifactStore open(Optional<Path> dir, Reporter reporter) {
        if (dir.isPresent()) {
            try {
                Files.createDirectories(dir.get().resolve("tasks"));
            } catch (IOException e) {
                throw FlowsimException.badInput("cannot create the LLMCompass artifact directory " + dir.get()
                        + " (" + e.getMessage() + "); choose another with --artifact-dir", e);
            }
        }
        return new ArtifactStore(dir, reporter);
    }

    Optional<Path> directory() {
        return dir;
    }

    /** The earlier artifact of this task, if one exists, is readable and asks the same question. */
    Optional<Stored> load(Task task) {
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Path file = dir.get().resolve(task.artifactName);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            reporter.warn("ignoring unreadable LLMCompass artifact " + file + " (" + e.getMessage()
                    + "); its task is asked again");
            return Optional.empty();
        }
        if (json == null || !json.isObject() || !FORMAT.equals(json.path("format").asText())
                || !task.payload.sameQuestion(json.get("request"))) {
            reporter.warn("ignoring LLMCompass artifact " + file + ": not a " + FORMAT
                    + " file for this request; its task is asked again");
            return Optional.empty();
        }
        ObjectNode object = (ObjectNode) json;
        Optional<String> taskId = text(object, "task_id");
        try {
            return Optional.of(new Stored(taskId, outcome(object.get("outcome")), object));
        } catch (IllegalArgumentException e) {
            reporter.warn("ignoring LLMCompass artifact " + file + ": " + e.getMessage()
                    + "; its task is asked again");
            return Optional.empty();
        }
    }

    /**
     * Applies what an earlier run left to a task: a reusable outcome, or the task id of a submission
     * that never ended (the run stopped, or timed out waiting) to poll again before resubmitting.
     */
    void restore(Task task, Stored stored, boolean retryFailed) {
        ObjectNode json = stored.json();
        json.path("kernel_names").forEach(n -> task.kernelNames.add(n.asText()));
        json.path("events").forEach(e -> task.events.add(e.deepCopy()));
        task.submissions = json.path("timings").path("submissions").asInt(0);
        task.firstSubmittedAt = instant(json.path("timings").path("first_submitted_at").asText(null));
        if (stored.outcome().isPresent() && stored.outcome().get().reusable(retryFailed)) {
            task.outcome = stored.outcome().get();
            task.reused = true;
            task.taskId = stored.taskId().orElse(null);
            task.lastResponse = json.get("response");
            task.finishedAt = instant(json.path("timings").path("finished_at").asText(null));
        } else if (stored.taskId().isPresent() && (stored.outcome().isEmpty()
                || stored.outcome().get().kind() == Outcome.Kind.TIMEOUT)) {
            // submitted by a run that stopped or gave up waiting: the server may still have it
            task.taskId = stored.taskId().get();
            task.resumed = true;
        }
    }

    /** Writes the task's artifact (after submission and at the end). */
    void save(Task task, String apiUrl) {
        if (dir.isEmpty()) {
            return;
        }
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("format", FORMAT);
        json.put("key", task.key);
        json.put("api_url", apiUrl);
        json.set("request", task.payload.toJson());
        ArrayNode names = json.putArray("kernel_names");
        task.kernelNames.forEach(names::add);
        json.put("state", task.finished() ? "finished" : "submitted");
        if (task.taskId != null) {
            json.put("task_id", task.taskId);
        } else {
            json.putNull("task_id");
        }
        if (task.finished()) {
            ObjectNode o = json.putObject("outcome");
            Outcome outcome = task.outcome;
            o.put("kind", outcome.kind().id());
            if (outcome.latencySeconds().isPresent()) {
                o.put("latency_s", outcome.latencySeconds().getAsDouble());
            } else {
                o.putNull("latency_s");
            }
            o.put("error_code", outcome.errorCode());
            o.put("error", outcome.message());
            o.put("server_status", outcome.serverStatus());
        } else {
            json.putNull("outcome");
        }
        if (task.lastResponse != null) {
            json.set("response", task.lastResponse.deepCopy());
        } else {
            json.putNull("response");
        }
        ObjectNode timings = json.putObject("timings");
        putInstant(timings, "first_submitted_at", task.firstSubmittedAt);
        putInstant(timings, "finished_at", task.finishedAt);
        if (task.firstSubmittedAt != null && task.finishedAt != null) {
            timings.put("elapsed_s", Duration.between(task.firstSubmittedAt, task.finishedAt).toMillis() / 1000.0);
        } else {
            timings.putNull("elapsed_s");
        }
        timings.put("submissions", task.submissions);
        timings.put("polls", task.polls);
        json.set("events", task.events.deepCopy());
        write(dir.get().resolve(task.artifactName), out ->
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, json));
    }

    /** Writes {@code summary.json} and {@code summary.csv}; returns the files written. */
    List<Path> writeSummary(ObjectNode header, List<ObjectNode> rows) {
        if (dir.isEmpty()) {
            return List.of();
        }
        ObjectNode summary = header.deepCopy();
        ArrayNode tasks = summary.putArray("tasks");
        rows.forEach(tasks::add);
        Path json = dir.get().resolve("summary.json");
        write(json, out -> Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, summary));
        Path csv = dir.get().resolve("summary.csv");
        write(csv, out -> {
            try (CSVPrinter printer = new CSVPrinter(out, CSV)) {
                for (ObjectNode row : rows) {
                    Object[] cells = new Object[CSV_COLUMNS.length];
                    for (int i = 0; i < cells.length; i++) {
                        cells[i] = cell(row.get(CSV_COLUMNS[i]));
                    }
                    printer.printRecord(cells);
                }
            }
        });
        return List.of(json, csv);
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        return value.isContainerNode() ? value.toString() : value.asText();
    }

    @FunctionalInterface
    private interface Body {
        void writeTo(Writer out) throws IOException;
    }

    private static void write(Path target, Body body) {
        try (AtomicOutput output = AtomicOutput.create(target)) {
            try (Writer out = Files.newBufferedWriter(output.temporary(), StandardCharsets.UTF_8)) {
                body.writeTo(out);
            }
            output.commit();
        } catch (IOException e) {
            throw FlowsimException.badInput("cannot write the LLMCompass artifact " + target + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Outcome> outcome(JsonNode o) {
        if (o == null || o.isNull()) {
            return Optional.empty();
        }
        if (!o.isObject()) {
            throw new IllegalArgumentException("its outcome is not an object");
        }
        Outcome.Kind kind = Outcome.Kind.fromId(o.path("kind").asText(""));
        JsonNode latency = o.get("latency_s");
        OptionalDouble seconds = latency != null && latency.isNumber()
                ? OptionalDouble.of(latency.asDouble()) : OptionalDouble.empty();
        return Optional.of(new Outcome(kind, seconds, o.path("error_code").asText(""), o.path("error").asText(""),
                o.path("server_status").asText("")));
    }

    private static Optional<String> text(ObjectNode json, String field) {
        JsonNode v = json.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void putInstant(ObjectNode node, String field, Instant value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }
}
