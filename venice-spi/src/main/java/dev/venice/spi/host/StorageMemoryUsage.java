package dev.venice.spi.host;

import dev.venice.spi.Experimental;

/**
 * The storage engine's approximate native memory use across every partition a host holds, by
 * kind (on RocksDB: {@code MemoryUtil.getApproximateMemoryUsageByType}, an approximation RocksDB
 * computes from its own accounting; it excludes allocator overhead and fragmentation). Bytes.
 *
 * @param memTableBytes memory tables, flushed or not
 * @param tableReadersBytes index and filter blocks held outside the block cache
 * @param blockCacheUsageBytes what the block cache holds (counted once, however many partitions
 *     share it)
 * @param blockCachePinnedBytes the part of it in use by readers right now (cannot be evicted)
 * @param blockCacheCapacityBytes the block cache's capacity now
 * @since 1.8.0
 */
@Experimental(since = "1.8.0")
public record StorageMemoryUsage(long memTableBytes, long tableReadersBytes,
    long blockCacheUsageBytes, long blockCachePinnedBytes, long blockCacheCapacityBytes) {
  /** Memory tables, table readers and the block cache's usage together, in bytes. */
  public long totalBytes() {
    return memTableBytes + tableReadersBytes + blockCacheUsageBytes;
  }
}
