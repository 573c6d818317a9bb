package io.flowsim.plugin.llmcompass;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing constants of the client that users rarely need to change: HTTP timeouts, the health-check
 * interval and the polling backoff. Tests shorten them; the defaults suit a real LLMCompass server,
 * whose GEMM tasks take 5 to 135 seconds and whose status answers take milliseconds.
 *
 * @param connectTimeout       TCP connect timeout of one HTTP call
 * @param readTimeout          read timeout of one HTTP call
 * @param callTimeout          the whole of one HTTP call (connect, write, server time, read)
 * @param healthInterval       pause between two {@code GET /health} attempts while waiting for the server
 * @param healthCallTimeout    the whole of one {@code GET /health} call
 * @param pollInitial          delay before the first {@code GET /tasks/{id}} of a task
 * @param pollMax              the longest delay between two polls of one task (the backoff doubles up to it)
 * @param maxTransportFailures how many transport failures (dropped connection, timeout, HTTP 5xx on a
 *                             poll) one task may suffer before it is given up as failed
 */
record Tuning(Duration connectTimeout, Duration readTimeout, Duration callTimeout, Duration healthInterval,
              Duration healthCallTimeout, Duration pollInitial, Duration pollMax, int maxTransportFailures) {

    /** The defaults used by the command line. */
    static final Tuning DEFAULT = new Tuning(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(2), 3);

    Tuning {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(healthInterval, "healthInterval");
        Objects.requireNonNull(healthCallTimeout, "healthCallTimeout");
        Objects.requireNonNull(pollInitial, "pollInitial");
        Objects.requireNonNull(pollMax, "pollMax");
        if (maxTransportFailures < 0) {
            throw new IllegalArgumentException("maxTransportFailures < 0");
        }
    }
}
