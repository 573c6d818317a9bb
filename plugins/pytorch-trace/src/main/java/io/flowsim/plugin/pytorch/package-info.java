/**
 * The {@code pytorch-trace} plugin: a {@link io.flowsim.api.TraceSource} for PyTorch-profiler
 * (Kineto) Chrome traces of every PyTorch era.
 *
 * <p>{@link io.flowsim.plugin.pytorch.PyTorchTraceSource} is the only public type. A trace is read
 * in one streaming pass ({@code TraceScanner}) that keeps the GPU activities and launch calls on
 * the heap and spills the other CPU spans to a temporary file; {@code TraceLinker} then links each
 * activity to its launch call (correlation), operator (validated External id, or nesting), shapes
 * (operator inputs or sglang shape labels) and call stack (the original FlowSim's walk, keyed by
 * correlation). {@code TraceMerger} merges per-rank traces. docs/trace-parsing.md describes the
 * rules and the statistics.
 */
package io.flowsim.plugin.pytorch;
