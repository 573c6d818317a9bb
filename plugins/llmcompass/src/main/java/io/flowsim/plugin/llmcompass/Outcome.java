package io.flowsim.plugin.llmcompass;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How one task ended.
 *
 * @param kind         the kind of ending
 * @param latencySeconds the server's {@code simulated_time}, present exactly for {@link Kind#SIMULATED}
 * @param errorCode    the server's {@code error_code} (or our own code for client-side endings); empty if none
 * @param message      what went wrong, in one line; empty for {@link Kind#SIMULATED}
 * @param serverStatus the task's last top-level status on the server ({@code done}, {@code failed}), or
 *                     what the client saw instead ({@code http_422}, {@code timeout}, {@code lost}, ...)
 */
record Outcome(Kind kind, OptionalDouble latencySeconds, String errorCode, String message, String serverStatus) {

    /** The kinds of ending. */
    enum Kind {
        /** {@code done} with {@code result.status == "success"}. */
        SIMULATED,
        /** {@code done} with a {@code failure_reason}: the server's validation refused the task. */
        REJECTED,
        /** {@code failed}: the simulator raised an exception. */
        SIMULATOR_ERROR,
        /** The server answered a submission or poll with an HTTP error. */
        HTTP_ERROR,
        /** Per-task or overall timeout. */
        TIMEOUT,
        /** The server forgot the task twice (HTTP 404). */
        LOST,
        /** Repeated transport failures (dropped connections, read timeouts). */
        TRANSPORT_ERROR,
        /** The server's answer did not follow its documented format. */
        INVALID_RESPONSE;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind fromId(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /** The server's error code for an unknown system key. */
    static final String NO_SYSTEM = "NO_SYSTEM";

    Outcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(latencySeconds, "latencySeconds");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(serverStatus, "serverStatus");
        if ((kind == Kind.SIMULATED) != latencySeconds.isPresent()) {
            throw new IllegalArgumentException("a latency must be present exactly for a simulated task");
        }
    }

    static Outcome simulated(double seconds) {
        return new Outcome(Kind.SIMULATED, OptionalDouble.of(seconds), "", "", "done");
    }

    static Outcome failure(Kind kind, String errorCode, String message, String serverStatus) {
        return new Outcome(kind, OptionalDouble.empty(), errorCode, message, serverStatus);
    }

    /**
     * Whether a later run may reuse this outcome instead of asking again. Reused: what the server
     * finished — simulated, refused by its validation (except an unknown system key, which a user fixes
     * on the server side), or failed with an exception in the simulator (unless {@code retryFailed}:
     * such failures can come from the server's environment, e.g. a missing temp directory). Asked
     * again: HTTP and transport errors, lost tasks, invalid answers; timed-out tasks are polled again.
     */
    boolean reusable(boolean retryFailed) {
        return switch (kind) {
            case SIMULATED -> true;
            case REJECTED -> !NO_SYSTEM.equals(errorCode);
            case SIMULATOR_ERROR -> !retryFailed;
            default -> false;
        };
    }

    /** The original client's {@code error} cell: {@code [CODE] message}, or the message alone. */
    String errorText() {
        if (kind == Kind.SIMULATED) {
            return "";
        }
        return errorCode.isEmpty() ? message : "[" + errorCode + "] " + message;
    }
}
