/**
 * Performance measurements: JMH micro-benchmarks (decorator overhead, read-hook dispatch, Bloom
 * filter vs RocksDB miss) and {@link dev.venice.benchmarks.LoadRunner}, which drives a local
 * cluster and writes a Markdown report. See benchmarks/README.md for the commands.
 */
package dev.venice.benchmarks;
