/**
 * Measured kernel latencies for scoring and calibrating simulator backends: readers of the
 * aiconfigurator and vidur latency tables that turn each row into the kernels it timed
 * ({@link io.flowsim.runtime.measurements.MeasurementTables}), the deterministic held-out split
 * ({@link io.flowsim.runtime.measurements.HoldOutSplit}), accuracy per group
 * ({@link io.flowsim.runtime.measurements.MeasurementScorer}) and synthetic requests for benchmarks.
 * Used by {@code flowsim validate}, {@code calibrate} and {@code bench}.
 */
package io.flowsim.runtime.measurements;
