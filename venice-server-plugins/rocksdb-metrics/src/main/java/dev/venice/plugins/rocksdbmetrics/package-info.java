/**
 * The {@code rocksdb-metrics} server plugin: RocksDB's compaction, flush, per-level SST and
 * block-cache statistics of the server's partition replicas, read by name through the SPI's
 * storage-stats service by a background sampler and exported as meters per store (per partition
 * replica on opt-in), and served at {@code /plugins/rocksdb-metrics/stats}. See the module's
 * README.
 */
package dev.venice.plugins.rocksdbmetrics;
