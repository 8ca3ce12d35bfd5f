package dev.venice.spi.host;

/**
 * Storage statistics of one partition replica on this host.
 *
 * @param store the store
 * @param version the store version
 * @param partition the partition
 * @param recordCount the estimated number of records
 * @param bytes the estimated size on disk
 */
public record PartitionStats(String store, int version, int partition, long recordCount,
    long bytes) {}
