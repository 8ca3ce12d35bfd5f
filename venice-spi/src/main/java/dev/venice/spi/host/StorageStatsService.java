package dev.venice.spi.host;

import java.util.List;

/** Storage statistics of the partitions this host holds. Thread-safe. */
public interface StorageStatsService {
  /** Statistics of every partition held here. */
  List<PartitionStats> partitions();

  /**
   * The storage engine's own statistics of every partition replica held here (see {@link
   * EngineStats} for the names). Each call reads a few dozen native counters per replica: call it
   * from a background task (a sampler every few seconds or more), not per request. A replica that
   * closes while it is read is left out. Never throws.
   *
   * @return one entry per partition replica, in no particular order; empty on a host without an
   *     engine that reports statistics
   * @since 1.5.0
   */
  @dev.venice.spi.Experimental(since = "1.5.0")
  default List<EngineStats> engineStats() {
    return List.of();
  }

  /**
   * The storage engine's approximate native memory use across every partition held here (see
   * {@link StorageMemoryUsage}). Cheap enough for a sampler every second or so; never throws.
   *
   * @return empty on a host whose engine does not report it
   * @since 1.8.0
   */
  @dev.venice.spi.Experimental(since = "1.8.0")
  default java.util.Optional<StorageMemoryUsage> memoryUsage() {
    return java.util.Optional.empty();
  }

  /**
   * The block cache every partition here shares, to resize under memory pressure.
   *
   * @return empty when the host has no shared block cache (a server's partitions each have their
   *     own)
   * @since 1.8.0
   */
  @dev.venice.spi.Experimental(since = "1.8.0")
  default java.util.Optional<BlockCacheControl> sharedBlockCache() {
    return java.util.Optional.empty();
  }
}
