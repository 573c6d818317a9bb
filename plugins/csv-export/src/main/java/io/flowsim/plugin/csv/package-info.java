/**
 * The {@code csv-export} plugin: the {@code csv} exporter (per-kernel CSV with the original
 * FlowSim's columns first, and a CSV of memcpys and memsets) and the {@code summary} exporter
 * ({@code summary.json}). Formats are documented in docs/output-formats.md; every file is written
 * atomically.
 */
package io.flowsim.plugin.csv;
