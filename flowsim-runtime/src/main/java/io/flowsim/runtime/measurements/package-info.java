/**
 * Measured kernel latencies for scoring and calibrating simulator backends: the deterministic
 * held-out split ({@link io.flowsim.runtime.measurements.HoldOutSplit}), accuracy per group
 * ({@link io.flowsim.runtime.measurements.MeasurementScorer}) and synthetic requests for benchmarks.
 * The tables themselves are read by {@link io.flowsim.api.MeasurementTableReader} extensions.
 * Used by {@code flowsim validate}, {@code calibrate} and {@code bench}.
 */
package io.flowsim.runtime.measurements;
