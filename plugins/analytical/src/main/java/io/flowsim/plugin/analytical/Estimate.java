package io.flowsim.plugin.analytical;

import java.util.Locale;

/**
 * What one model says about one kernel: a duration, or why it cannot say.
 *
 * @param seconds the predicted duration in seconds; NaN when unsupported
 * @param model   the model that answered ({@code gemm}, {@code attention-decode}, ...)
 * @param bound   what limits the kernel: {@code compute}, {@code memory}, {@code latency},
 *                {@code network}; or the reason when unsupported
 */
record Estimate(double seconds, String model, String bound) {

    /** The longest duration a {@code long} count of nanoseconds holds, in seconds (about 292 years). */
    static final double LONGEST_SECONDS = Long.MAX_VALUE / 1e9;

    static Estimate of(double seconds, String model, String bound) {
        return new Estimate(seconds, model, bound);
    }

    static Estimate unsupported(String reason) {
        return new Estimate(Double.NaN, "", reason);
    }

    boolean supported() {
        return !Double.isNaN(seconds);
    }

    /** The reason, for unsupported estimates. */
    String reason() {
        return bound;
    }

    /**
     * This estimate, or an unsupported one when its duration does not fit a {@code long} count of nanoseconds
     * (a shape no GPU runs, or an infinite time): such a prediction is no number a user can rely on, and
     * rounding it would cap it silently at {@link Long#MAX_VALUE}.
     */
    Estimate checkedDuration() {
        if (!supported() || seconds * 1e9 < 0x1p63) {
            return this;
        }
        return unsupported(String.format(Locale.ROOT,
                "predicted %.1e s by the %s model: beyond what a duration holds (at most %.1e s)", seconds, model,
                LONGEST_SECONDS));
    }

    /** The duration in whole nanoseconds, at least 1; only for a {@link #checkedDuration() checked} estimate. */
    long nanos() {
        return Math.max(1, Math.round(seconds * 1e9));
    }

    /** A copy with {@code extra} seconds added. */
    Estimate plus(double extra) {
        return new Estimate(seconds + extra, model, bound);
    }
}
