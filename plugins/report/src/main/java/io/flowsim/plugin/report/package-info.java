/**
 * The {@code report} plugin: the {@code html-report} exporter writes {@code report.html}, one
 * self-contained page (inline SVG charts drawn here, CSS and a little script; nothing fetched from
 * the network), and the {@code timeline} exporter writes {@code <trace>.timeline.json.gz}, a
 * Chrome-trace JSON of the measured kernels per stream and, after a simulation, a predicted track
 * beside each stream. Both are switched by the {@code report} option ({@code --report} /
 * {@code --no-report}). Formats: docs/output-formats.md.
 */
package io.flowsim.plugin.report;
