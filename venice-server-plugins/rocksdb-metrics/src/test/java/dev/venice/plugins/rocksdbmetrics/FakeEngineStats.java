package dev.venice.plugins.rocksdbmetrics;

import dev.venice.spi.host.EngineStats;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.StorageStatsService;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A storage-stats service whose replicas' engine statistics the test sets. Thread-safe. */
final class FakeEngineStats implements StorageStatsService {
  private final Map<String, EngineStats> replicas = new ConcurrentHashMap<>();

  /** Sets (or replaces) a replica's statistics. */
  FakeEngineStats put(String store, int version, int partition, Map<String, Long> values) {
    replicas.put(store + "/" + version + "/" + partition,
        new EngineStats(store, version, partition, values));
    return this;
  }

  /** Removes a replica, as when it closes. */
  FakeEngineStats remove(String store, int version, int partition) {
    replicas.remove(store + "/" + version + "/" + partition);
    return this;
  }

  @Override
  public List<PartitionStats> partitions() {
    return List.of();
  }

  @Override
  public List<EngineStats> engineStats() {
    return List.copyOf(replicas.values());
  }

  /**
   * The statistics of a replica that has written and read data, as a server with statistics on
   * reports them: every name the plugin exports, each {@code scale} times a base value.
   */
  static Map<String, Long> busy(long scale, boolean statistics) {
    Map<String, Long> v = new TreeMap<>();
    v.put("rocksdb.num-running-compactions", 1L);
    v.put("rocksdb.compaction-pending", 1L);
    v.put("rocksdb.estimate-pending-compaction-bytes", 1000 * scale);
    v.put("rocksdb.cur-size-all-mem-tables", 4096 * scale);
    v.put("rocksdb.num-files-at-level0", 2L);
    v.put("rocksdb.sst-bytes-at-level0", 2000 * scale);
    v.put("rocksdb.num-files-at-level1", 1L);
    v.put("rocksdb.sst-bytes-at-level1", 5000 * scale);
    v.put("rocksdb.flushes.completed", 3 * scale);
    v.put("rocksdb.compactions.completed", scale);
    if (statistics) {
      v.put("rocksdb.compact.read.bytes", 7000 * scale);
      v.put("rocksdb.compact.write.bytes", 6000 * scale);
      v.put("rocksdb.flush.write.bytes", 3000 * scale);
      v.put("rocksdb.block.cache.hit", 90 * scale);
      v.put("rocksdb.block.cache.miss", 10 * scale);
      v.put("rocksdb.bytes.written", 9000 * scale);
    }
    return v;
  }
}
