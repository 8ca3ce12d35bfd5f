/**
 * The {@code write-path-latency} server plugin: per store, histograms of the hops of sampled
 * real-time writes (Kafka queue, leader processing, end to end on the leader; replication on a
 * follower) from the {@code write-path-timestamp-map} header the online producer and the
 * partition's leader stamp, with this replica's clock after the RocksDB write as the last stamp.
 * See the module's README.
 */
package dev.venice.plugins.writepathlatency;
