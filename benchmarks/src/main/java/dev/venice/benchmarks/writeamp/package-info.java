/**
 * The write-amplification benchmark (seed project 47) and its CI check: {@link
 * dev.venice.benchmarks.writeamp.WriteAmplificationBenchmark} writes a fixed workload into RocksDB
 * with the server's production options and compares the write amplification with the committed
 * baseline {@code benchmarks/baselines/write-amplification.json}.
 */
package dev.venice.benchmarks.writeamp;
