/**
 * The {@code hot-partitions} plugin: on servers, a bounded per-partition count of key lookups over
 * a rate window, served at {@code /plugins/hot-partitions/rates}; on controllers, a background task
 * that gathers those rates from every server through the cluster view, sums the replicas of each
 * partition, computes each store's skew (max partition rate / mean) and reports hot partitions
 * (a warning log, the {@code hot.partition.detected} counter, {@code /plugins/hot-partitions/skew}).
 * See the module's README.
 */
package dev.venice.plugins.hotpartitions;
