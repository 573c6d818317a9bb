package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One distinct payload and everything the run learns about it. Mutable; confined to the thread
 * running the simulation.
 */
final class Task {

    final TaskPayload payload;
    final String key;
    final Set<String> kernelNames = new LinkedHashSet<>();
    /** Where this task's artifact lives, relative to the artifact directory ({@code tasks/<op>-<key>.json}). */
    final String artifactName;
    final ArrayNode events = Json.MAPPER.createArrayNode();

    /** The server's id of the current submission; null before submission or after a loss. */
    String taskId;
    /** When the current submission was made (or resumed); the per-task timeout counts from here. */
    long submittedNanos;
    /** When the first attempt to submit this task began (System.nanoTime()); 0 before; reset on loss. */
    long taskTimerNanos;
    Instant firstSubmittedAt;
    Instant finishedAt;
    long nextPollNanos;
    long pollDelayNanos;
    int polls;
    int submissions;
    int transportFailures;
    boolean resubmittedAfterLoss;
    /** The task was submitted by an earlier run and is being polled again, not resubmitted. */
    boolean resumed;
    /** The outcome came from an earlier run's artifact. */
    boolean reused;
    /** The last answer from the server about this task (a poll or submission body), for the artifact. */
    JsonNode lastResponse;
    Outcome outcome;

    Task(TaskPayload payload) {
        this.payload = Objects.requireNonNull(payload, "payload");
        this.key = payload.key();
        this.artifactName = "tasks/" + payload.op() + "-" + key + ".json";
    }

    boolean finished() {
        return outcome != null;
    }

    void event(Instant at, String what, String detail) {
        ObjectNode e = events.addObject();
        e.put("at", at.toString());
        e.put("event", what);
        if (taskId != null) {
            e.put("task_id", taskId);
        }
        if (detail != null && !detail.isEmpty()) {
            e.put("detail", detail);
        }
    }
}
