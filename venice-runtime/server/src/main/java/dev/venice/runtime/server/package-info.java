/**
 * The Venice storage server: a Helix participant holding store-version partitions in RocksDB,
 * filling them from Kafka (leaders of hybrid partitions also copy the real-time topic into the
 * version topic), and serving reads over gRPC with the plugins' read hooks around every lookup.
 */
package dev.venice.runtime.server;
