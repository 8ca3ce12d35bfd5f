package dev.venice.spi.host;

import dev.venice.spi.Experimental;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The storage engine's own statistics of one partition replica, by name, so a plugin can export
 * them without engine types (no RocksDB class reaches a plugin or the SPI). A name the engine does
 * not report is absent, never zero. On the reference server (RocksDB) the names are:
 *
 * <ul>
 *   <li>always, RocksDB's integer properties of the data column family, under their own names:
 *       {@code rocksdb.num-running-compactions}, {@code rocksdb.compaction-pending}, {@code
 *       rocksdb.estimate-pending-compaction-bytes}, {@code rocksdb.num-running-flushes}, {@code
 *       rocksdb.mem-table-flush-pending}, {@code rocksdb.cur-size-all-mem-tables} (bytes), {@code
 *       rocksdb.estimate-table-readers-mem} (bytes: index and filter blocks held outside the block
 *       cache), {@code rocksdb.block-cache-usage}, {@code rocksdb.block-cache-capacity} (bytes),
 *       {@code rocksdb.estimate-num-keys}, {@code rocksdb.total-sst-files-size}, {@code
 *       rocksdb.live-sst-files-size} (bytes);
 *   <li>always, per LSM level {@code N} (0 to the last level holding a file): {@code
 *       rocksdb.num-files-at-level<N>} (RocksDB's property) and {@code
 *       rocksdb.sst-bytes-at-level<N>} (the level's SST bytes, from the column family's metadata);
 *   <li>always, counted since the replica opened by an event listener of the host: {@code
 *       rocksdb.flushes.completed} and {@code rocksdb.compactions.completed};
 *   <li>when the server runs with {@code storage.statistics.enabled=true} (RocksDB's {@code
 *       Statistics}, a few percent of CPU on writes and reads), RocksDB's cumulative tickers since
 *       the replica opened, under RocksDB's ticker names: {@code rocksdb.compact.read.bytes},
 *       {@code rocksdb.compact.write.bytes}, {@code rocksdb.flush.write.bytes}, {@code
 *       rocksdb.block.cache.hit}, {@code rocksdb.block.cache.miss}, {@code rocksdb.bytes.written},
 *       {@code rocksdb.bytes.read}, {@code rocksdb.number.keys.written}, {@code
 *       rocksdb.stall.micros}.
 * </ul>
 *
 * @param store the store
 * @param version the store version
 * @param partition the partition
 * @param values statistic name to value (counts, bytes or microseconds, as each name says),
 *     sorted by name, unmodifiable
 * @since 1.5.0
 */
@Experimental(since = "1.5.0")
public record EngineStats(String store, int version, int partition, Map<String, Long> values) {
  /** Validates the fields and copies the values, sorted by name. */
  public EngineStats {
    Objects.requireNonNull(store, "store");
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }
}
