package io.flowsim.plugin.analytical;

/**
 * What one model says about one kernel: a duration, or why it cannot say.
 *
 * @param seconds the predicted duration in seconds; NaN when unsupported
 * @param model   the model that answered ({@code gemm}, {@code attention-decode}, ...)
 * @param bound   what limits the kernel: {@code compute}, {@code memory}, {@code latency},
 *                {@code network}; or the reason when unsupported
 */
record Estimate(double seconds, String model, String bound) {

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

    /** The duration in whole nanoseconds, at least 1. */
    long nanos() {
        return Math.max(1, Math.round(seconds * 1e9));
    }

    /** A copy with {@code extra} seconds added. */
    Estimate plus(double extra) {
        return new Estimate(seconds + extra, model, bound);
    }
}
