/**
 * The {@code sglang-profiler} trace source: runs an sglang server and its benchmark client with the
 * PyTorch profiler, collects the trace files the run created, and stops every process it started.
 */
package io.flowsim.plugin.sglang;
