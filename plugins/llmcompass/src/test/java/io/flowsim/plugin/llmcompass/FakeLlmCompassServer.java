package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small, faithful fake of the LLMCompass HTTP server (TerrenceZhangX/LLMCompass, branch
 * {@code backend_wrapper}, {@code backend_app/main.py} + {@code sync_simulators.py}) as documented in
 * {@code shared/docs/llmcompass-api.md}: an in-memory task store, a queue drained by
 * {@code workerCount} workers ({@code queued -> running -> done|failed}), the request model
 * ({@code KernelTask}) with FastAPI/pydantic-v1 422 bodies, op routing, the per-op dtype and
 * input_dim rules, the check order dtype -> dims -> shape asserts -> system_key, the three result
 * shapes, and {@code {"detail": "task not found"}} for unknown ids.
 *
 * <p>What it does not reproduce is LLMCompass' performance model: {@link #expectedSeconds} is a
 * plain A100 roofline standing in for it, so tests can check the client's unit conversion against
 * a number the fake computed. Fault injection (restart, dropped connections, slow answers, one-off
 * replies, the FastAPI &lt; 0.93 failure mode) stands in for what a real server does under trouble.
 */
final class FakeLlmCompassServer extends Dispatcher implements AutoCloseable {

    static final Set<String> SYSTEMS = Set.of("A100_4_fp16", "TPUv3_8");
    private static final Set<String> OPS = Set.of("matmul", "bmm", "layernorm", "gelu", "softmax");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A Python exception raised inside the simulator: the task ends {@code failed}. */
    static final class PythonError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PythonError(String message) {
            super(message);
        }
    }

    private static final class StoredTask {
        final ObjectNode payload;
        final String createdAt;
        volatile String status = "queued";
        volatile JsonNode result;
        volatile String updatedAt;

        StoredTask(ObjectNode payload, String createdAt) {
            this.payload = payload;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
        }
    }

    private record Fault(String method, String pathPrefix, Function<MockResponse, MockResponse> change,
                         boolean process) {
    }

    private final Map<String, StoredTask> tasks = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> submissions = Collections.synchronizedList(new ArrayList<>());
    private final List<String> servedStatuses = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger unfinished = new AtomicInteger();
    private final AtomicInteger maxUnfinished = new AtomicInteger();

    volatile Function<JsonNode, Duration> taskDuration = p -> Duration.ofMillis(50);
    /** The dtype rule: the real one accepts names containing fp16 or float16. */
    volatile Function<String, Boolean> dtypeAccepted =
            d -> d.toLowerCase(Locale.ROOT).contains("fp16") || d.toLowerCase(Locale.ROOT).contains("float16");
    /** Raise a Python error inside the simulator for some payloads (e.g. a missing temp directory). */
    volatile Function<JsonNode, String> crash = p -> null;
    /** FastAPI &lt; 0.93 ignores {@code lifespan}: no task store, every POST answers HTTP 500. */
    volatile boolean lifespanIgnored;
    /** Called after a task is stored, with its id (tests restart the server from here). */
    volatile Consumer<String> onSubmit = id -> { };
    /** Delay every answer by this much. */
    volatile Duration answerDelay = Duration.ZERO;

    FakeLlmCompassServer(int workerCount) {
        this.workers = Executors.newFixedThreadPool(workerCount, r -> {
            Thread t = new Thread(r, "fake-llmcompass-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** The roofline this fake answers with, in seconds (not LLMCompass' model). */
    static double expectedSeconds(JsonNode payload) {
        String op = payload.path("op").asText().toLowerCase(Locale.ROOT);
        JsonNode dims = payload.get("input_dim");
        double bandwidth = 2.039e12;
        if (op.equals("matmul") || op.equals("bmm")) {
            List<Long> a = longs(dims.get(0));
            List<Long> b = longs(dims.get(1));
            long batch = op.equals("bmm") ? product(a.subList(0, a.size() - 2)) : 1;
            long m = op.equals("bmm") ? a.get(a.size() - 2) : product(a.subList(0, a.size() - 1));
            long k = a.get(a.size() - 1);
            long n = b.get(b.size() - 1);
            double flops = 2.0 * batch * m * n * k;
            double bytes = 2.0 * batch * (m * k + k * n + m * n);
            double peak = (m == 1 || n == 1) ? 78e12 : 311.9e12;
            return Math.max(flops / peak, bytes / bandwidth);
        }
        long elements = product(longs(dims));
        return 2.0 * 2 * elements / bandwidth;
    }

    // ---- observations for tests ----

    List<JsonNode> submissions() {
        synchronized (submissions) {
            return List.copyOf(submissions);
        }
    }

    List<String> servedStatuses() {
        synchronized (servedStatuses) {
            return List.copyOf(servedStatuses);
        }
    }

    /** The most tasks that were queued or running at the same time. */
    int maxUnfinished() {
        return maxUnfinished.get();
    }

    Set<String> taskIds() {
        return Set.copyOf(tasks.keySet());
    }

    // ---- fault injection ----

    /** Like a process restart: every task is forgotten (results of running work are discarded). */
    void restart() {
        tasks.clear();
    }

    /** The next matching request is answered with {@code reply} instead (and not processed). */
    void replyOnce(String method, String pathPrefix, MockResponse reply) {
        faults.add(new Fault(method, pathPrefix, ignored -> reply, false));
    }

    /** The next matching request is processed, then its connection is dropped before the answer. */
    void dropAfterProcessingOnce(String method, String pathPrefix) {
        faults.add(new Fault(method, pathPrefix, r -> new MockResponse.Builder(r)
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build(), true));
    }

    /** The next matching request is processed and answered after {@code delay}. */
    void delayOnce(String method, String pathPrefix, Duration delay) {
        faults.add(new Fault(method, pathPrefix, r -> new MockResponse.Builder(r)
                .headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS).build(), true));
    }

    // ---- the protocol ----

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String method = request.getMethod();
        String path = request.getUrl().encodedPath();
        Fault fault = takeFault(method, path);
        if (fault != null && !fault.process()) {
            return fault.change().apply(null);
        }
        MockResponse response = route(method, path, request);
        if (!answerDelay.isZero()) {
            response = new MockResponse.Builder(response)
                    .headersDelay(answerDelay.toMillis(), TimeUnit.MILLISECONDS).build();
        }
        return fault == null ? response : fault.change().apply(response);
    }

    private Fault takeFault(String method, String path) {
        for (Fault f : faults) {
            if (f.method().equals(method) && path.startsWith(f.pathPrefix()) && faults.remove(f)) {
                return f;
            }
        }
        return null;
    }

    private MockResponse route(String method, String path, RecordedRequest request) {
        if (method.equals("GET") && path.equals("/health")) {
            return json(200, health());
        }
        if (method.equals("GET") && path.equals("/supported_ops")) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("supported_ops").add("gelu").add("layernorm").add("matmul").add("softmax");
            return json(200, body);
        }
        if (method.equals("POST") && path.equals("/tasks")) {
            return create(request.getBody() == null ? "" : request.getBody().utf8());
        }
        if (method.equals("GET") && path.startsWith("/tasks/")) {
            return get(path.substring("/tasks/".length()));
        }
        if (path.equals("/tasks") || path.equals("/health")) {
            return json(405, detail("Method Not Allowed"));
        }
        return json(404, detail("Not Found"));
    }

    private ObjectNode health() {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "ok");
        body.put("queue_length", (int) tasks.values().stream().filter(t -> t.status.equals("queued")).count());
        body.put("worker_count", 32);
        ObjectNode counts = body.putObject("task_counts");
        for (String s : List.of("queued", "running", "done", "failed")) {
            counts.put(s, tasks.values().stream().filter(t -> t.status.equals(s)).count());
        }
        return body;
    }

    private MockResponse create(String text) {
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            ObjectNode error = JSON.createObjectNode();
            ArrayNode list = error.putArray("detail");
            ObjectNode item = list.addObject();
            item.putArray("loc").add("body").add(e.getLocation() == null ? 0 : e.getLocation().getCharOffset());
            item.put("msg", "Expecting value: line 1 column 1 (char 0)");
            item.put("type", "value_error.jsondecode");
            return json(422, error);
        }
        ArrayNode errors = JSON.createArrayNode();
        if (body == null || !body.isObject()) {
            fieldError(errors, null, "value is not a valid dict", "type_error.dict");
            return json(422, JSON.createObjectNode().set("detail", errors));
        }
        ObjectNode payload = JSON.createObjectNode();
        requiredString(body, "kernel_name", payload, errors);
        requiredString(body, "op", payload, errors);
        payload.set("input_dim", body.has("input_dim") ? body.get("input_dim") : JSON.nullNode());
        JsonNode dtype = body.has("dtype") ? body.get("dtype") : JSON.getNodeFactory().textNode("fp32");
        if (!(dtype.isNull() || dtype.isTextual() || (dtype.isArray() && allText(dtype)))) {
            fieldError(errors, "dtype", "str type expected", "type_error.str");
        }
        payload.set("dtype", dtype);
        JsonNode key = body.get("system_key");
        if (key != null && !key.isNull() && !key.isTextual()) {
            fieldError(errors, "system_key", "str type expected", "type_error.str");
        }
        payload.set("system_key", key == null ? JSON.nullNode() : key);
        if (!errors.isEmpty()) {
            return json(422, JSON.createObjectNode().set("detail", errors));
        }
        if (lifespanIgnored) {
            return new MockResponse.Builder().code(500).addHeader("content-type", "text/plain; charset=utf-8")
                    .body("Internal Server Error").build();
        }
        String id = UUID.randomUUID().toString();
        StoredTask task = new StoredTask(payload, now());
        tasks.put(id, task);
        submissions.add(payload);
        maxUnfinished.accumulateAndGet(unfinished.incrementAndGet(), Math::max);
        workers.execute(() -> work(id, task));
        onSubmit.accept(id);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("task_id", id);
        answer.put("status", "queued");
        return json(200, answer);
    }

    private void work(String id, StoredTask task) {
        try {
            task.status = "running";
            Thread.sleep(taskDuration.apply(task.payload).toMillis());
            task.result = simulate(task.payload);
            task.status = "done";
        } catch (PythonError e) {
            ObjectNode error = JSON.createObjectNode();
            error.put("error", e.getMessage());
            task.result = error;
            task.status = "failed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            task.updatedAt = now();
            unfinished.decrementAndGet();
        }
    }

    private MockResponse get(String id) {
        StoredTask task = tasks.get(id);
        if (task == null) {
            return json(404, detail("task not found"));
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("task_id", id);
        String status = task.status;
        body.put("status", status);
        body.set("result", status.equals("done") || status.equals("failed") ? task.result : JSON.nullNode());
        body.set("user_submitted_request", task.payload);
        body.put("created_at", task.createdAt);
        body.put("updated_at", task.updatedAt);
        servedStatuses.add(status);
        return json(200, body);
    }

    /** {@code sync_simulators.py}: routing, dtype and dims rules, shape asserts, then the system key. */
    private JsonNode simulate(ObjectNode payload) {
        String crashMessage = crash.apply(payload);
        if (crashMessage != null) {
            throw new PythonError(crashMessage);
        }
        String op = payload.path("op").asText();
        String selector = (op.isEmpty() ? payload.path("kernel_name").asText() : op).toLowerCase(Locale.ROOT);
        if (!OPS.contains(selector)) {
            return failure("unsupported op - no generic simulator available", "UNSUPPORTED_OP");
        }
        JsonNode dtype = payload.get("dtype");
        JsonNode dims = payload.get("input_dim");
        if (selector.equals("matmul") || selector.equals("bmm")) {
            if (dtype.isNull()) {
                throw new PythonError("'NoneType' object is not subscriptable");
            }
            String first = dtype.isArray() ? dtype.get(0).asText() : dtype.asText().substring(0, 1);
            if (!dtypeAccepted.apply(first)) {
                return failure("invalid or unsupported dtype", "INVALID_INPUT");
            }
            if (dims.isNull()) {
                throw new PythonError("'NoneType' object is not subscriptable");
            }
            JsonNode a = dims.get(0);
            JsonNode b = dims.get(1);
            if (a == null || a.isNull() || b == null || b.isNull()) {
                return failure("invalid input dimension", "INVALID_INPUT");
            }
            List<Long> la = longs(a);
            List<Long> lb = longs(b);
            if (!lb.get(lb.size() - 2).equals(la.get(la.size() - 1))) {
                throw new PythonError("");
            }
            if (selector.equals("bmm")
                    && product(la.subList(0, la.size() - 2)) != product(lb.subList(0, lb.size() - 2))) {
                throw new PythonError("");
            }
        } else {
            if (dtype.isArray()) {
                throw new PythonError("'list' object has no attribute 'lower'");
            }
            if (dtype.isNull()) {
                throw new PythonError("'NoneType' object has no attribute 'lower'");
            }
            if (!dtypeAccepted.apply(dtype.asText())) {
                return failure("invalid or unsupported dtype", "INVALID_INPUT");
            }
            if (dims.isNull()) {
                return failure("invalid input dimension", "INVALID_INPUT");
            }
            if (selector.equals("gelu")) {
                throw new PythonError("name 'GeLu' is not defined");
            }
        }
        JsonNode key = payload.get("system_key");
        if (key.isNull() || key.asText().isEmpty()) {
            return failure("no valid system_key provided", "NO_SYSTEM");
        }
        if (!SYSTEMS.contains(key.asText())) {
            return failure("missing system configuration '" + key.asText() + "'", "NO_SYSTEM");
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("status", "success");
        result.putObject("output").put("summary", switch (selector) {
            case "layernorm" -> "LayerNorm simulated";
            case "softmax" -> "Softmax simulated";
            default -> selector + " simulated";
        });
        result.put("simulated_time", expectedSeconds(payload));
        return result;
    }

    private static ObjectNode failure(String error, String code) {
        ObjectNode result = JSON.createObjectNode();
        result.put("status", "failed");
        result.putNull("output");
        result.putNull("simulated_time");
        ObjectNode reason = result.putObject("failure_reason");
        reason.put("error", error);
        reason.put("error_code", code);
        return result;
    }

    private static void requiredString(JsonNode body, String field, ObjectNode payload, ArrayNode errors) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            fieldError(errors, field, v == null ? "field required" : "none is not an allowed value",
                    v == null ? "value_error.missing" : "type_error.none.not_allowed");
        } else if (!v.isTextual() && !v.isNumber()) {
            fieldError(errors, field, "str type expected", "type_error.str");
        } else {
            payload.put(field, v.asText());
        }
    }

    private static void fieldError(ArrayNode errors, String field, String msg, String type) {
        ObjectNode e = errors.addObject();
        ArrayNode loc = e.putArray("loc").add("body");
        if (field != null) {
            loc.add(field);
        }
        e.put("msg", msg);
        e.put("type", type);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode detail(String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("detail", text);
        return body;
    }

    private static MockResponse json(int code, JsonNode body) {
        return new MockResponse.Builder().code(code).addHeader("content-type", "application/json")
                .body(body.toString()).build();
    }

    /** Naive UTC ISO-8601 with microseconds and no zone, like Python's {@code utcnow().isoformat()}. */
    private static String now() {
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC);
        return String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%06d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1000);
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    private static long product(List<Long> values) {
        long p = 1;
        for (long v : values) {
            p *= v;
        }
        return p;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
