/**
 * The {@code ingestion-stage-metrics} server plugin: per store, the time each ingestion stage
 * takes (decode, hooks, RocksDB write, and on a hybrid leader schema validation and the produce to
 * the version topic) as p50, p99, mean per record and records per second, recorded per partition
 * replica on its ingestion thread and merged into the store's meters in batches, and served at
 * {@code /plugins/ingestion-stage-metrics/breakdown}. See the module's README.
 */
package dev.venice.plugins.ingestionstagemetrics;
