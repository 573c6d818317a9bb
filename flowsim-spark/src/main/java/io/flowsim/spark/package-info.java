/**
 * FlowSim on Apache Spark: parses and simulates a fleet of traces, one trace per task, through the
 * same discovery, trace sources, resolvers, CSV exporter and simulator backends as the command line,
 * and writes two Parquet tables partitioned by run: {@code kernels} (one row per GPU kernel, the CSV
 * columns plus run, rank, stage and the prediction) and {@code traces} (one row per trace with its
 * status and totals). Simulation requests are de-duplicated across the whole fleet. See
 * docs/scale-out.md.
 */
package io.flowsim.spark;
