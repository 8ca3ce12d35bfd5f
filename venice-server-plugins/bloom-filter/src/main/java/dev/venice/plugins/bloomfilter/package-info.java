/**
 * The {@code bloom-filter} server plugin: a Bloom filter per store-version partition, filled from
 * the keys ingested, consulted before each RocksDB lookup. See the module's README.
 */
package dev.venice.plugins.bloomfilter;
