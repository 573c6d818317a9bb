/**
 * FlowSim's embedded analytical GPU performance model, the default simulator backend
 * ({@link io.flowsim.plugin.analytical.AnalyticalBackend}): hardware profiles read from JSON
 * ({@code profiles/*.json}, user files with {@code --hardware}), one closed-form model per operation
 * family, and a bounded least-squares calibration of the profiles' efficiency parameters. The models
 * are described with their formulas in docs/simulator.md.
 */
package io.flowsim.plugin.analytical;
