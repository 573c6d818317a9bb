package io.flowsim.plugin.llmcompass;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import okhttp3.HttpUrl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The user's settings for one run, read from the run's {@link Options}.
 *
 * @param apiUrl           the server's base URL ({@code --api-url})
 * @param systemKey        the LLMCompass system to simulate ({@code --system-key})
 * @param artifactDir      where task artifacts and summaries go ({@code --artifact-dir}, else
 *                         {@code <output-dir>/llmcompass}); empty when the run has neither
 * @param healthTimeout    how long to wait for {@code GET /health} ({@code --health-timeout})
 * @param taskTimeout      the longest one task may take from submission ({@code --task-timeout})
 * @param overallTimeout   the longest the whole simulation may take ({@code --timeout}); empty = no limit
 *                         beyond the per-task one
 * @param maxInFlight      tasks submitted and not finished at any time ({@code --max-in-flight})
 * @param normAsLayerNorm  whether norms that are not LayerNorm (RMSNorm, fused add+norm) are simulated
 *                         with LLMCompass' LayerNorm model ({@code -O llmcompass.norm-as-layernorm=true})
 * @param retryFailed      whether tasks that an earlier run saw fail inside the simulator are submitted
 *                         again instead of reused ({@code -O llmcompass.retry-failed=true})
 */
record LlmCompassSettings(HttpUrl apiUrl, String systemKey, Optional<Path> artifactDir, Duration healthTimeout,
                          Duration taskTimeout, Optional<Duration> overallTimeout, int maxInFlight,
                          boolean normAsLayerNorm, boolean retryFailed) {

    static final String DEFAULT_API_URL = "http://127.0.0.1:8000";
    static final String DEFAULT_SYSTEM_KEY = "A100_4_fp16";
    static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofMinutes(15);
    static final int DEFAULT_MAX_IN_FLIGHT = 1;
    /** More than this only adds GIL contention inside the one-process server. */
    static final int MAX_IN_FLIGHT_LIMIT = 64;

    static final ExtensionOption<String> API_URL = ExtensionOption.string("llmcompass.api-url",
            "The server's base URL").withDefault(DEFAULT_API_URL).paramLabel("URL").alias("--api-url");
    static final ExtensionOption<String> SYSTEM_KEY = ExtensionOption.string("llmcompass.system-key",
            "The simulated system").withDefault(DEFAULT_SYSTEM_KEY).paramLabel("KEY").alias("--system-key");
    static final ExtensionOption<Path> ARTIFACT_DIR = ExtensionOption.path("llmcompass.artifact-dir",
            "Where to keep one JSON per request and the summaries (default: <output-dir>/llmcompass); a rerun"
                    + " reuses finished results").paramLabel("DIR").alias("--artifact-dir");
    static final ExtensionOption<Duration> HEALTH_TIMEOUT = ExtensionOption.duration("llmcompass.health-timeout",
            "How long to wait for the server's /health").withDefault(DEFAULT_HEALTH_TIMEOUT).alias("--health-timeout");
    static final ExtensionOption<Duration> TASK_TIMEOUT = ExtensionOption.duration("llmcompass.task-timeout",
            "The longest one task may take").withDefault(DEFAULT_TASK_TIMEOUT).alias("--task-timeout");
    static final ExtensionOption<Duration> TIMEOUT = ExtensionOption.duration("llmcompass.timeout",
            "The longest the whole simulation may take (default: no limit; e.g. 2h)").alias("--timeout");
    static final ExtensionOption<Integer> MAX_IN_FLIGHT = ExtensionOption.integer("llmcompass.max-in-flight",
            "Tasks submitted but not finished at any time (at most " + 64 + ")").withDefault(DEFAULT_MAX_IN_FLIGHT)
            .alias("--max-in-flight");
    static final ExtensionOption<Boolean> NORM_AS_LAYERNORM = ExtensionOption.bool("llmcompass.norm-as-layernorm",
            "Simulate norms that are not LayerNorm (RMSNorm, fused add+norm) with LLMCompass' LayerNorm model")
            .withDefault(false);
    static final ExtensionOption<Boolean> RETRY_FAILED = ExtensionOption.bool("llmcompass.retry-failed",
            "Submit again the tasks an earlier run saw fail inside the simulator instead of reusing them")
            .withDefault(false);

    /** Every option the backend reads. */
    static final List<ExtensionOption<?>> OPTIONS = List.of(API_URL, SYSTEM_KEY, ARTIFACT_DIR, HEALTH_TIMEOUT,
            TASK_TIMEOUT, TIMEOUT, MAX_IN_FLIGHT, NORM_AS_LAYERNORM, RETRY_FAILED);

    LlmCompassSettings {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(systemKey, "systemKey");
        Objects.requireNonNull(artifactDir, "artifactDir");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        Objects.requireNonNull(taskTimeout, "taskTimeout");
        Objects.requireNonNull(overallTimeout, "overallTimeout");
    }

    /** Reads and validates the settings; a bad value is a usage error naming the option. */
    static LlmCompassSettings from(RunContext context) {
        Options options = context.options();
        String rawUrl = options.get(API_URL).trim();
        HttpUrl url = HttpUrl.parse(rawUrl);
        if (url == null) {
            throw FlowsimException.usage("option --api-url: '" + rawUrl
                    + "' is not an http:// or https:// URL (example: " + DEFAULT_API_URL + ")");
        }
        String systemKey = options.get(SYSTEM_KEY).trim();
        if (systemKey.isEmpty()) {
            throw FlowsimException.usage("option --system-key is empty (LLMCompass knows A100_4_fp16 and TPUv3_8)");
        }
        Optional<Path> artifactDir = options.find(ARTIFACT_DIR)
                .or(() -> context.outputDirectory().map(d -> d.resolve("llmcompass")));
        Duration health = options.get(HEALTH_TIMEOUT);
        Duration task = options.get(TASK_TIMEOUT);
        Optional<Duration> overall = options.find(TIMEOUT);
        if (task.isZero()) {
            throw FlowsimException.usage("option --task-timeout must be longer than 0");
        }
        if (overall.isPresent() && overall.get().isZero()) {
            throw FlowsimException.usage("option --timeout must be longer than 0");
        }
        int maxInFlight = options.get(MAX_IN_FLIGHT);
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
            throw FlowsimException.usage("option --max-in-flight: " + maxInFlight + " is not between 1 and "
                    + MAX_IN_FLIGHT_LIMIT + " (one LLMCompass process gains nothing from parallel tasks: "
                    + "keep 1 or 2)");
        }
        boolean normAsLayerNorm = options.get(NORM_AS_LAYERNORM);
        boolean retryFailed = options.get(RETRY_FAILED);
        return new LlmCompassSettings(url, systemKey, artifactDir, health, task, overall, maxInFlight,
                normAsLayerNorm, retryFailed);
    }

    /** The base URL as users typed it, without a trailing slash. */
    String apiUrlText() {
        String s = apiUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
