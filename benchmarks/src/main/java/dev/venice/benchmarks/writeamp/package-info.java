/**
 * The write-amplification benchmark (seed project 47) and its CI check: {@link
 * dev.venice.benchmarks.writeamp.WriteAmplificationBenchmark} writes a fixed workload through the
 * server's own {@code PartitionStore} (its RocksDB options and write path) and compares the write
 * amplification with the committed baseline {@code benchmarks/baselines/write-amplification.json}.
 */
package dev.venice.benchmarks.writeamp;
