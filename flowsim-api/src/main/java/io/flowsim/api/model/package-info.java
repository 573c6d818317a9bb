/**
 * The immutable data model FlowSim's extension points exchange: trace metadata, kernel records,
 * resolved kernels, simulation requests and results, and run summaries.
 *
 * <p>All types are records or enums that validate their arguments in their constructors: no null
 * values, no null collections ({@code Optional} for absent values), defensive copies of lists and
 * maps. They are safe to share between threads. This package depends on the JDK only and on nothing
 * in {@link io.flowsim.api}.
 */
package io.flowsim.api.model;
