package dev.venice.plugins.dvcmemorypressure;

import dev.venice.spi.host.BlockCacheControl;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.StorageMemoryUsage;
import dev.venice.spi.host.StorageStatsService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A host's storage in memory: the usage a test sets, a cache that records its resizes. */
final class FakeStorage implements StorageStatsService, BlockCacheControl {
  final List<Long> resizes = new ArrayList<>();
  private final long initialCapacity;
  private volatile long capacity;
  private volatile long otherBytes;
  private volatile long cacheUsage;

  FakeStorage(long initialCapacity) {
    this.initialCapacity = initialCapacity;
    this.capacity = initialCapacity;
  }

  /** Memory tables and table readers together, and the cache's usage (capped at its capacity). */
  FakeStorage use(long memTablesAndReaders, long cacheBytes) {
    otherBytes = memTablesAndReaders;
    cacheUsage = cacheBytes;
    return this;
  }

  @Override
  public List<PartitionStats> partitions() {
    return List.of();
  }

  @Override
  public Optional<StorageMemoryUsage> memoryUsage() {
    return Optional.of(new StorageMemoryUsage(otherBytes, 0, Math.min(cacheUsage, capacity), 0,
        capacity));
  }

  @Override
  public Optional<BlockCacheControl> sharedBlockCache() {
    return Optional.of(this);
  }

  @Override
  public long initialCapacityBytes() {
    return initialCapacity;
  }

  @Override
  public long capacityBytes() {
    return capacity;
  }

  @Override
  public synchronized void resize(long bytes) {
    resizes.add(bytes);
    capacity = bytes;
  }
}
