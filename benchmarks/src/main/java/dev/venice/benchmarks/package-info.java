/**
 * Performance measurements: JMH micro-benchmarks (decorator overhead, read-hook dispatch, Bloom
 * filter vs RocksDB miss) and the load benchmarks of {@link dev.venice.benchmarks.LoadRunner}
 * (slow replica, degraded replica, cold start), which drive a local cluster ({@link
 * dev.venice.benchmarks.LoadCluster}) with interleaved rounds of closed- and open-loop load
 * ({@link dev.venice.benchmarks.LoadRounds}, {@link dev.venice.benchmarks.LoadDrivers}) and write
 * Markdown reports ({@link dev.venice.benchmarks.LoadReport}). See benchmarks/README.md for the
 * commands.
 */
package dev.venice.benchmarks;
