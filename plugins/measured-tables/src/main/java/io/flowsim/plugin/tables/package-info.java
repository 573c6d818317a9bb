/**
 * The bundled {@link io.flowsim.api.MeasurementTableReader}: aiconfigurator and vidur latency tables
 * read into the kernels each row timed, following docs/operand-conventions.md.
 */
package io.flowsim.plugin.tables;
