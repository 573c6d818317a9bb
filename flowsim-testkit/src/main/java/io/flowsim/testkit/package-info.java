/**
 * Test helpers for FlowSim extensions, for plugin authors (scope {@code test}): {@link
 * io.flowsim.testkit.RecordingReporter}, {@link io.flowsim.testkit.TestRequests} and {@link
 * io.flowsim.testkit.TestKernels} (built on the API's request and kernel builders), and {@link
 * io.flowsim.testkit.ExtensionHarness}, which runs one extension the way the pipeline does and checks
 * its contract. Depends on flowsim-api and the JDK only.
 */
package io.flowsim.testkit;
