/**
 * The extension points of FlowSim and what they exchange at run time.
 *
 * <p>Data flows one way: {@link io.flowsim.api.TraceSource} &rarr; a chain of
 * {@link io.flowsim.api.KernelResolver}s &rarr; an optional {@link io.flowsim.api.SimulatorBackend}
 * &rarr; {@link io.flowsim.api.Exporter}s. Every extension point has a stable
 * {@link io.flowsim.api.FlowsimExtension#name()} and a one-line description, and every failure is a
 * {@link io.flowsim.api.FlowsimException} with an {@link io.flowsim.api.ErrorCode}.
 *
 * <p>This package depends on the JDK only. The immutable data model lives in
 * {@link io.flowsim.api.model}.
 */
package io.flowsim.api;
