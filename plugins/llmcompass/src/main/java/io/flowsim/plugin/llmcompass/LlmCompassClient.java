package io.flowsim.plugin.llmcompass;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The three calls FlowSim makes to an LLMCompass server, over one {@link OkHttpClient} with explicit
 * timeouts. It reports what the server said ({@link Reply}) or throws the {@link IOException} of a
 * transport failure; interpreting both is the caller's job. Automatic retries are off so that every
 * retry is a decision the caller makes and records. Not thread-safe beyond OkHttp's guarantees; one
 * instance per run; {@link #close()} releases its threads and connections.
 */
final class LlmCompassClient implements AutoCloseable {

    private static final MediaType JSON = MediaType.get("application/json");
    /** Longest answer body kept (the server's answers are a few hundred bytes). */
    private static final long MAX_BODY_BYTES = 1 << 20;

    /**
     * One HTTP answer.
     *
     * @param code the HTTP status
     * @param body the body as text (truncated to 1 MiB)
     * @param json the body parsed as JSON, when it is JSON
     */
    record Reply(int code, String body, Optional<JsonNode> json) {
        boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    private final HttpUrl base;
    private final OkHttpClient http;
    private final Duration healthCallTimeout;

    LlmCompassClient(HttpUrl base, Tuning tuning) {
        this.base = base;
        this.healthCallTimeout = tuning.healthCallTimeout();
        this.http = new OkHttpClient.Builder()
                .connectTimeout(tuning.connectTimeout())
                .readTimeout(tuning.readTimeout())
                .writeTimeout(tuning.readTimeout())
                .callTimeout(tuning.callTimeout())
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .build();
    }

    /** {@code GET /health}, bounded by {@code limit} and the health-call timeout. */
    Reply health(Duration limit) throws IOException {
        Duration bound = limit.compareTo(healthCallTimeout) < 0 ? limit : healthCallTimeout;
        Call call = http.newCall(new Request.Builder().url(url("health")).get().build());
        call.timeout().timeout(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS);
        return execute(call);
    }

    /**
     * {@code POST /tasks} (asynchronous: the server answers at once with a task id), the whole call
     * (connect, write, wait, read however slowly the body trickles) bounded by {@code limit} and
     * the call timeout.
     */
    Reply submit(TaskPayload payload, Duration limit) throws IOException {
        String body;
        try {
            body = Json.MAPPER.writeValueAsString(payload.toJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an LLMCompass payload", e);
        }
        return execute(bounded(http.newCall(new Request.Builder().url(url("tasks"))
                .post(RequestBody.create(body, JSON)).build()), limit));
    }

    /** {@code GET /tasks/{id}}, bounded like {@link #submit}. */
    Reply poll(String taskId, Duration limit) throws IOException {
        HttpUrl url = base.newBuilder().addPathSegment("tasks").addPathSegment(taskId).build();
        return execute(bounded(http.newCall(new Request.Builder().url(url).get().build()), limit));
    }

    /** Shortens the call's overall timeout to {@code limit} when that is sooner than the call timeout. */
    private Call bounded(Call call, Duration limit) {
        long callTimeout = http.callTimeoutMillis();
        long millis = Math.max(1, limit.toMillis());
        if (callTimeout == 0 || millis < callTimeout) {
            call.timeout().timeout(millis, TimeUnit.MILLISECONDS);
        }
        return call;
    }

    /** The URL of an endpoint, for messages. */
    String describe(String path) {
        return url(path).toString();
    }

    private HttpUrl url(String path) {
        return base.newBuilder().addPathSegments(path).build();
    }

    private static Reply execute(Call call) throws IOException {
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            String text = body.source().request(MAX_BODY_BYTES)
                    ? body.source().getBuffer().readUtf8(MAX_BODY_BYTES)
                    : body.string();
            return new Reply(response.code(), text, parse(text));
        }
    }

    private static Optional<JsonNode> parse(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
