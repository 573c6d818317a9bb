package io.flowsim.plugin.llmcompass;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import okhttp3.HttpUrl;

import java.nio.file.Path;
import java.time.Duration;
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
    static final String NORM_AS_LAYERNORM = "llmcompass.norm-as-layernorm";
    static final String RETRY_FAILED = "llmcompass.retry-failed";

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
        String rawUrl = options.get("api-url", DEFAULT_API_URL).trim();
        HttpUrl url = HttpUrl.parse(rawUrl);
        if (url == null) {
            throw FlowsimException.usage("option --api-url: '" + rawUrl
                    + "' is not an http:// or https:// URL (example: " + DEFAULT_API_URL + ")");
        }
        String systemKey = options.get("system-key", DEFAULT_SYSTEM_KEY).trim();
        if (systemKey.isEmpty()) {
            throw FlowsimException.usage("option --system-key is empty (LLMCompass knows A100_4_fp16 and TPUv3_8)");
        }
        Optional<Path> artifactDir = options.get("artifact-dir").map(Path::of)
                .or(() -> context.outputDirectory().map(d -> d.resolve("llmcompass")));
        Duration health = options.getDuration("health-timeout", DEFAULT_HEALTH_TIMEOUT);
        Duration task = options.getDuration("task-timeout", DEFAULT_TASK_TIMEOUT);
        Optional<Duration> overall = options.get("timeout").map(v -> options.getDuration("timeout", null));
        if (task.isZero()) {
            throw FlowsimException.usage("option --task-timeout must be longer than 0");
        }
        if (overall.isPresent() && overall.get().isZero()) {
            throw FlowsimException.usage("option --timeout must be longer than 0");
        }
        int maxInFlight = options.getInt("max-in-flight", DEFAULT_MAX_IN_FLIGHT);
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_LIMIT) {
            throw FlowsimException.usage("option --max-in-flight: " + maxInFlight + " is not between 1 and "
                    + MAX_IN_FLIGHT_LIMIT + " (one LLMCompass process gains nothing from parallel tasks: "
                    + "keep 1 or 2)");
        }
        boolean normAsLayerNorm = options.getBoolean(NORM_AS_LAYERNORM, false);
        boolean retryFailed = options.getBoolean(RETRY_FAILED, false);
        return new LlmCompassSettings(url, systemKey, artifactDir, health, task, overall, maxInFlight,
                normAsLayerNorm, retryFailed);
    }

    /** The base URL as users typed it, without a trailing slash. */
    String apiUrlText() {
        String s = apiUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
