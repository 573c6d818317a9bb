package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a list of distinct tasks against one LLMCompass server: waits for {@code GET /health},
 * keeps at most {@code --max-in-flight} tasks submitted and unfinished, polls each with a doubling
 * backoff, and ends every task in exactly one {@link Outcome}. Single-threaded: the server works one
 * task at a time anyway, and one thread makes every decision easy to follow and to record.
 *
 * <p>Terminal states: {@code done} (simulated, or refused by the server's validation),
 * {@code failed} (the simulator raised), HTTP 404 (the task was lost, e.g. the server restarted:
 * resubmitted once), HTTP errors on submission (422, 500: recorded with their body), per-task and
 * overall timeouts, and repeated transport failures. When the server cannot be reached at all — at
 * the start or after a transport failure — the run waits up to {@code --health-timeout} for it and
 * then throws {@link ErrorCode#UNAVAILABLE}; finished and submitted tasks are already in the
 * artifact directory, so a rerun resumes.
 */
final class LlmCompassRun {

    private final LlmCompassSettings settings;
    private final Tuning tuning;
    private final LlmCompassClient client;
    private final ArtifactStore store;
    private final Reporter reporter;
    private final Clock clock;

    /** Kernels longer than this on the simulated device are not believed (a unit or overflow bug upstream). */
    static final double MAX_PLAUSIBLE_SECONDS = 3600;

    private int simulated;
    private int failed;
    /** Where the session's overall --timeout ends; asked once the server answers /health. */
    private final Supplier<Optional<Long>> sessionDeadline;
    /** The overall --timeout as a System.nanoTime() instant, if any. */
    private Optional<Long> overallDeadline = Optional.empty();

    /**
     * @param sessionDeadline the overall {@code --timeout} of the session as a {@code System.nanoTime()}
     *                        instant, if any; asked once, when the first task is about to be submitted
     *                        (the session starts the clock then and shares it with every later run)
     */
    LlmCompassRun(LlmCompassSettings settings, Tuning tuning, LlmCompassClient client, ArtifactStore store,
                  Reporter reporter, Clock clock, Supplier<Optional<Long>> sessionDeadline) {
        this.settings = settings;
        this.tuning = tuning;
        this.client = client;
        this.store = store;
        this.reporter = reporter;
        this.clock = clock;
        this.sessionDeadline = sessionDeadline;
    }

    /** Ends every task of {@code work} (tasks not finished by an earlier run). */
    void run(List<Task> work) {
        if (work.isEmpty()) {
            return;
        }
        waitForHealth(null);
        Deque<Task> queue = new ArrayDeque<>(work);
        List<Task> inFlight = new ArrayList<>();
        Optional<Long> overallDeadline = sessionDeadline.get();
        this.overallDeadline = overallDeadline;
        try (Progress progress = reporter.startProgress("simulating on LLMCompass " + settings.systemKey(),
                work.size(), "tasks")) {
            while (!queue.isEmpty() || !inFlight.isEmpty()) {
                checkInterrupted();
                if (overallDeadline.isPresent() && System.nanoTime() - overallDeadline.get() >= 0) {
                    timeOutAll(queue, inFlight);
                    break;
                }
                fill(queue, inFlight);
                for (Task task : List.copyOf(inFlight)) {
                    if (System.nanoTime() - task.nextPollNanos >= 0) {
                        poll(task);
                    }
                    if (!task.finished() && task.taskId != null
                            && System.nanoTime() - task.submittedNanos > settings.taskTimeout().toNanos()) {
                        finish(task, Outcome.failure(Outcome.Kind.TIMEOUT, "TIMEOUT", "no result within --task-timeout "
                                + format(settings.taskTimeout()) + " (task " + task.taskId
                                + " may still be running on the server)", "timeout"));
                    }
                    if (task.finished()) {
                        inFlight.remove(task);
                    } else if (task.taskId == null) {
                        // lost (HTTP 404): resubmit before anything new
                        inFlight.remove(task);
                        queue.addFirst(task);
                    }
                }
                progress.update(simulated + failed, String.format(Locale.ROOT, "done %d, failed %d, pending %d",
                        simulated, failed, queue.size() + inFlight.size()));
                pause(queue, inFlight, overallDeadline);
            }
        }
    }

    private void fill(Deque<Task> queue, List<Task> inFlight) {
        while (inFlight.size() < settings.maxInFlight() && !queue.isEmpty()) {
            Task task = queue.pollFirst();
            if (task.resumed && task.taskId != null) {
                task.resumed = false;
                task.submittedNanos = System.nanoTime();
                task.pollDelayNanos = tuning.pollInitial().toNanos();
                task.nextPollNanos = task.submittedNanos;
                task.event(clock.instant(), "resumed", "polling the task an earlier run submitted");
                inFlight.add(task);
                continue;
            }
            submit(task);
            if (task.finished()) {
                continue;
            }
            if (task.taskId == null) {
                // a transport failure; the server answers /health again: retry it first, next round
                queue.addFirst(task);
                return;
            }
            inFlight.add(task);
        }
    }

    private void submit(Task task) {
        if (task.taskTimerNanos == 0) {
            // --task-timeout counts from the first attempt, so that a server that never answers
            // POST /tasks cannot hold a task for (retries x call timeout)
            task.taskTimerNanos = System.nanoTime();
        }
        long remaining = deadline(task.taskTimerNanos) - System.nanoTime();
        if (remaining <= 0) {
            finish(task, submissionTimeout());
            return;
        }
        LlmCompassClient.Reply reply;
        try {
            reply = client.submit(task.payload, callLimit(remaining));
        } catch (IOException e) {
            if (deadline(task.taskTimerNanos) - System.nanoTime() <= 0) {
                task.event(clock.instant(), "transport_error", "POST /tasks: " + describe(e));
                finish(task, submissionTimeout());
                return;
            }
            transportFailure(task, e, "POST /tasks");
            return;
        }
        task.submissions++;
        if (task.firstSubmittedAt == null) {
            task.firstSubmittedAt = clock.instant();
        }
        if (!reply.ok()) {
            task.lastResponse = httpResponse(reply);
            finish(task, Outcome.failure(Outcome.Kind.HTTP_ERROR, "HTTP_" + reply.code(),
                    "POST /tasks answered HTTP " + reply.code() + ": " + errorBody(reply), "http_" + reply.code()));
            return;
        }
        Optional<String> id = reply.json().map(j -> j.get("task_id")).filter(JsonNode::isTextual)
                .map(JsonNode::asText).filter(s -> !s.isBlank());
        if (id.isEmpty()) {
            task.lastResponse = httpResponse(reply);
            finish(task, Outcome.failure(Outcome.Kind.INVALID_RESPONSE, "INVALID_RESPONSE",
                    "POST /tasks answered HTTP " + reply.code() + " without a task_id: " + abbreviate(reply.body()),
                    "invalid"));
            return;
        }
        task.taskId = id.get();
        task.lastResponse = reply.json().get();
        task.submittedNanos = task.taskTimerNanos;
        task.pollDelayNanos = tuning.pollInitial().toNanos();
        task.nextPollNanos = task.submittedNanos + task.pollDelayNanos;
        task.event(clock.instant(), "submitted", null);
        reporter.debug("llmcompass: submitted " + task.payload.op() + " " + task.payload.inputDim() + " as task "
                + task.taskId);
        store.save(task, settings.apiUrlText());
    }

    private void poll(Task task) {
        long remaining = deadline(task.submittedNanos) - System.nanoTime();
        LlmCompassClient.Reply reply;
        try {
            reply = client.poll(task.taskId, callLimit(remaining));
        } catch (IOException e) {
            transportFailure(task, e, "GET /tasks/" + task.taskId);
            backOff(task);
            return;
        }
        task.polls++;
        if (reply.code() == 404) {
            lost(task, reply);
            return;
        }
        if (reply.code() >= 500) {
            task.lastResponse = httpResponse(reply);
            task.transportFailures++;
            task.event(clock.instant(), "http_error", "GET answered HTTP " + reply.code());
            if (task.transportFailures > tuning.maxTransportFailures()) {
                finish(task, Outcome.failure(Outcome.Kind.HTTP_ERROR, "HTTP_" + reply.code(), "GET /tasks/"
                        + task.taskId + " answered HTTP " + reply.code() + " " + (task.transportFailures)
                        + " times: " + errorBody(reply), "http_" + reply.code()));
            } else {
                backOff(task);
            }
            return;
        }
        if (!reply.ok()) {
            task.lastResponse = httpResponse(reply);
            finish(task, Outcome.failure(Outcome.Kind.HTTP_ERROR, "HTTP_" + reply.code(), "GET /tasks/"
                    + task.taskId + " answered HTTP " + reply.code() + ": " + errorBody(reply), "http_" + reply.code()));
            return;
        }
        JsonNode json = reply.json().orElse(null);
        if (json == null || !json.isObject()) {
            task.lastResponse = httpResponse(reply);
            finish(task, Outcome.failure(Outcome.Kind.INVALID_RESPONSE, "INVALID_RESPONSE", "GET /tasks/"
                    + task.taskId + " answered something that is not a JSON object: " + abbreviate(reply.body()),
                    "invalid"));
            return;
        }
        String status = json.path("status").asText("");
        switch (status) {
            case "done" -> {
                task.lastResponse = json;
                finish(task, interpret(json.get("result")));
            }
            case "failed" -> {
                task.lastResponse = json;
                String error = json.path("result").path("error").asText("");
                finish(task, Outcome.failure(Outcome.Kind.SIMULATOR_ERROR, "", error.isBlank()
                        ? "the simulator raised an exception with an empty message (typically a failed shape"
                        + " assertion)" : "the simulator raised: " + error, "failed"));
            }
            default -> {
                // queued, running, or a state this client does not know: wait, bounded by the task timeout
                if (!"queued".equals(status) && !"running".equals(status)) {
                    reporter.debug("llmcompass: task " + task.taskId + " has unknown status '" + status + "'");
                }
                task.lastResponse = json;
                backOff(task);
            }
        }
    }

    /** The sooner of a task's deadline (its timer plus --task-timeout) and the overall --timeout. */
    private long deadline(long taskTimerNanos) {
        long task = taskTimerNanos + settings.taskTimeout().toNanos();
        return overallDeadline.map(overall -> Math.min(overall, task)).orElse(task);
    }

    /** One HTTP call's limit: what is left before the deadline, at least a millisecond. */
    private static Duration callLimit(long remainingNanos) {
        return Duration.ofNanos(Math.max(1_000_000L, remainingNanos));
    }

    private Outcome submissionTimeout() {
        boolean overall = overallDeadline.isPresent() && overallDeadline.get() - System.nanoTime() <= 0;
        return Outcome.failure(Outcome.Kind.TIMEOUT, "TIMEOUT", "POST /tasks got no answer within "
                + (overall ? "the overall --timeout " + format(settings.overallTimeout().orElseThrow())
                : "--task-timeout " + format(settings.taskTimeout())), "timeout");
    }

    private Outcome interpret(JsonNode result) {
        if (result == null || !result.isObject()) {
            return Outcome.failure(Outcome.Kind.INVALID_RESPONSE, "INVALID_RESPONSE",
                    "the task is done but has no result object", "done");
        }
        String status = result.path("status").asText("");
        if ("success".equals(status)) {
            JsonNode time = result.get("simulated_time");
            if (time != null && time.isNumber() && Double.isFinite(time.asDouble()) && time.asDouble() >= 0) {
                if (time.asDouble() > MAX_PLAUSIBLE_SECONDS) {
                    return Outcome.failure(Outcome.Kind.INVALID_RESPONSE, "INVALID_RESPONSE",
                            "the task succeeded with an absurd simulated_time of " + time.asDouble()
                                    + " s (over an hour for one kernel); not used as a prediction", "done");
                }
                return Outcome.simulated(time.asDouble());
            }
            return Outcome.failure(Outcome.Kind.INVALID_RESPONSE, "INVALID_RESPONSE",
                    "the task succeeded without a valid simulated_time (" + time + ")", "done");
        }
        JsonNode reason = result.get("failure_reason");
        if (reason != null && reason.isObject()) {
            return Outcome.failure(Outcome.Kind.REJECTED, reason.path("error_code").asText("SIMULATOR_FAILED"),
                    reason.path("error").asText(""), "done");
        }
        String error = result.path("error").asText("");
        return Outcome.failure(Outcome.Kind.REJECTED, "", error.isBlank()
                ? "the server reported result status '" + status + "' without a reason" : error, "done");
    }

    private void lost(Task task, LlmCompassClient.Reply reply) {
        task.lastResponse = httpResponse(reply);
        task.event(clock.instant(), "lost", "GET answered HTTP 404 " + abbreviate(reply.body()));
        if (!task.resubmittedAfterLoss) {
            task.resubmittedAfterLoss = true;
            reporter.debug("llmcompass: task " + task.taskId + " is unknown to the server (restarted?);"
                    + " resubmitting it once");
            task.taskId = null;
            task.taskTimerNanos = 0;
            return;
        }
        finish(task, Outcome.failure(Outcome.Kind.LOST, "LOST", "the server lost the task twice (GET /tasks/"
                + task.taskId + " answered HTTP 404 task not found; was it restarted?)", "lost"));
    }

    private void transportFailure(Task task, IOException e, String call) {
        if (Thread.currentThread().isInterrupted() || e instanceof java.nio.channels.ClosedByInterruptException) {
            throw interrupted();
        }
        task.transportFailures++;
        task.event(clock.instant(), "transport_error", call + ": " + describe(e));
        reporter.debug("llmcompass: " + call + " failed: " + describe(e));
        waitForHealth(describe(e));
        if (task.transportFailures > tuning.maxTransportFailures()) {
            finish(task, Outcome.failure(Outcome.Kind.TRANSPORT_ERROR, "TRANSPORT_ERROR", call + " failed "
                    + task.transportFailures + " times, last: " + describe(e), "transport_error"));
        }
    }

    private void backOff(Task task) {
        if (task.finished()) {
            return;
        }
        long now = System.nanoTime();
        task.nextPollNanos = now + task.pollDelayNanos;
        task.pollDelayNanos = Math.min(task.pollDelayNanos * 2, tuning.pollMax().toNanos());
    }

    private void finish(Task task, Outcome outcome) {
        task.outcome = outcome;
        task.finishedAt = clock.instant();
        task.event(task.finishedAt, "finished", outcome.kind().id()
                + (outcome.kind() == Outcome.Kind.SIMULATED ? "" : ": " + outcome.errorText()));
        store.save(task, settings.apiUrlText());
        if (outcome.kind() == Outcome.Kind.SIMULATED) {
            simulated++;
            reporter.debug("llmcompass: " + task.payload.op() + " " + task.payload.inputDim() + " -> "
                    + outcome.latencySeconds().getAsDouble() + " s");
        } else {
            failed++;
            if (failed <= 5) {
                reporter.warn("LLMCompass task for " + task.payload.op() + " " + task.payload.inputDim() + " failed: "
                        + outcome.errorText());
            }
        }
        if (outcome.kind() == Outcome.Kind.REJECTED && Outcome.NO_SYSTEM.equals(outcome.errorCode())) {
            throw FlowsimException.usage("the LLMCompass server at " + settings.apiUrlText()
                    + " has no system '" + settings.systemKey() + "' (" + outcome.message()
                    + "); choose one it knows with --system-key (the LLMCompass fork knows A100_4_fp16 and TPUv3_8)");
        }
    }

    private void timeOutAll(Deque<Task> queue, List<Task> inFlight) {
        String limit = format(settings.overallTimeout().orElseThrow());
        for (Task task : inFlight) {
            finish(task, Outcome.failure(Outcome.Kind.TIMEOUT, "TIMEOUT", "no result before the overall --timeout "
                    + limit + (task.taskId == null ? "" : " (task " + task.taskId + " may still be running on the server)"),
                    "timeout"));
        }
        inFlight.clear();
        for (Task task : queue) {
            finish(task, Outcome.failure(Outcome.Kind.TIMEOUT, "TIMEOUT", "not submitted: the overall --timeout "
                    + limit + " passed first", "timeout"));
        }
        queue.clear();
    }

    /** Waits for {@code GET /health} to answer {@code {"status": "ok"}}; throws UNAVAILABLE at the deadline. */
    void waitForHealth(String trouble) {
        long deadline = System.nanoTime() + settings.healthTimeout().toNanos();
        String problem = "no answer";
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw unavailable(trouble, problem);
            }
            try {
                LlmCompassClient.Reply reply = client.health(Duration.ofNanos(remaining));
                if (reply.ok() && reply.json().map(j -> "ok".equals(j.path("status").asText())).orElse(false)) {
                    reporter.debug("llmcompass: " + client.describe("health") + " answered " + abbreviate(reply.body()));
                    return;
                }
                problem = "GET /health answered HTTP " + reply.code() + " " + abbreviate(reply.body());
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted();
                }
                // An attempt the deadline cut short (less time than a whole health call) that ran out of
                // it says only that time ran out: what the earlier attempts found stays the reason (a
                // refused connection is otherwise reported as a timeout whenever the last attempt, with a
                // few milliseconds left, cannot finish on a loaded machine).
                boolean cutShort = remaining < tuning.healthCallTimeout().toNanos() && timedOut(e);
                if (!cutShort || "no answer".equals(problem)) {
                    problem = describe(e);
                }
            }
            sleepNanos(Math.min(tuning.healthInterval().toNanos(), deadline - System.nanoTime()));
        }
    }

    private FlowsimException unavailable(String trouble, String problem) {
        String where = "the LLMCompass server at " + settings.apiUrlText();
        String waited = "waited " + format(settings.healthTimeout()) + " for GET /health";
        String resume = store.directory().map(d -> "; finished and submitted tasks are kept in " + d
                + ": rerun with the same --artifact-dir to resume").orElse("");
        if (trouble == null) {
            return FlowsimException.unavailable(where + " is not available: " + problem + " (" + waited
                    + "); start it (uvicorn backend_app.main:app --port 8000, in the LLMCompass repository)"
                    + " or point --api-url at it", null);
        }
        return FlowsimException.unavailable(where + " stopped answering (" + trouble + ") and did not come back: "
                + problem + " (" + waited + ")" + resume, null);
    }

    private void pause(Deque<Task> queue, List<Task> inFlight, Optional<Long> overallDeadline) {
        if (inFlight.isEmpty() || (!queue.isEmpty() && inFlight.size() < settings.maxInFlight())) {
            return;
        }
        long now = System.nanoTime();
        long wake = now + 1_000_000_000L;
        for (Task task : inFlight) {
            wake = Math.min(wake, task.nextPollNanos);
            wake = Math.min(wake, task.submittedNanos + settings.taskTimeout().toNanos() + 1);
        }
        if (overallDeadline.isPresent()) {
            wake = Math.min(wake, overallDeadline.get());
        }
        sleepNanos(wake - now);
    }

    private void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted();
        }
    }

    private void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted();
        }
    }

    private FlowsimException interrupted() {
        return new FlowsimException(ErrorCode.INTERRUPTED, "interrupted while simulating on LLMCompass"
                + store.directory().map(d -> "; finished and submitted tasks are kept in " + d
                + ": rerun with the same --artifact-dir to resume").orElse(""));
    }

    private static ObjectNode httpResponse(LlmCompassClient.Reply reply) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("http_status", reply.code());
        if (reply.json().isPresent()) {
            node.set("body", reply.json().get());
        } else {
            node.put("body", reply.body());
        }
        return node;
    }

    /** The useful part of an error body: FastAPI's {@code detail} (a string or a list of field errors). */
    static String errorBody(LlmCompassClient.Reply reply) {
        JsonNode detail = reply.json().map(j -> j.get("detail")).orElse(null);
        if (detail == null) {
            return abbreviate(reply.body());
        }
        if (detail.isTextual()) {
            return detail.asText();
        }
        if (detail.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode error : detail) {
                List<String> loc = new ArrayList<>();
                error.path("loc").forEach(l -> loc.add(l.asText()));
                parts.add(String.join(".", loc) + ": " + error.path("msg").asText(""));
            }
            return abbreviate(String.join("; ", parts));
        }
        return abbreviate(detail.toString());
    }

    static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
        if (e instanceof ConnectException) {
            return "connection refused" + message;
        }
        if (timedOut(e)) {
            return "no answer in time" + message;
        }
        if (e instanceof UnknownHostException) {
            return "unknown host" + message;
        }
        return e.getClass().getSimpleName() + message;
    }

    /** A call that ran out of time: OkHttp's socket timeouts and its whole-call timeout. */
    static boolean timedOut(IOException e) {
        return e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
    }

    static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 297) + "...";
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.toSeconds() < 1) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
