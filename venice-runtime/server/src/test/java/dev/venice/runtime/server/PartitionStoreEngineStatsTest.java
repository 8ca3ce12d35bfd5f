package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.TickerType;

/**
 * A partition replica's RocksDB statistics by name, on a real RocksDB: after writes, flushes and a
 * compaction every statistic the storage-stats service documents is there and has moved.
 */
class PartitionStoreEngineStatsTest {
  private static final int KEYS = 2_000;

  @TempDir
  Path dir;

  @Test
  void withStatisticsEveryNamedStatisticMoves() throws Exception {
    try (PartitionStore store = PartitionStore.open(dir.resolve("on"), true)) {
      writeTwoOverlappingFiles(store);
      assertNotNull(store.get(key(7))); // a read from an SST file: the block cache is asked
      Map<String, Long> stats = store.engineStats();
      for (String ticker : List.of("rocksdb.compact.read.bytes", "rocksdb.compact.write.bytes",
          "rocksdb.flush.write.bytes", "rocksdb.bytes.written", "rocksdb.number.keys.written",
          "rocksdb.flushes.completed", "rocksdb.compactions.completed",
          "rocksdb.total-sst-files-size", "rocksdb.live-sst-files-size",
          "rocksdb.estimate-num-keys", "rocksdb.block-cache-capacity")) {
        assertTrue(stats.getOrDefault(ticker, 0L) > 0, ticker + " in " + stats);
      }
      assertTrue(stats.get("rocksdb.block.cache.hit") + stats.get("rocksdb.block.cache.miss") > 0,
          stats.toString());
      assertTrue(stats.get("rocksdb.flushes.completed") >= 2, stats.toString());
      long files = 0;
      long bytes = 0;
      for (int level = 0; stats.containsKey("rocksdb.num-files-at-level" + level); level++) {
        files += stats.get("rocksdb.num-files-at-level" + level);
        bytes += stats.get("rocksdb.sst-bytes-at-level" + level);
      }
      assertTrue(files >= 1, stats.toString());
      assertEquals(stats.get("rocksdb.live-sst-files-size"), bytes, stats.toString());
      // gauges of work in progress (RocksDB may start a compaction of its own at any time)
      for (String gauge : List.of("rocksdb.num-running-compactions", "rocksdb.num-running-flushes",
          "rocksdb.compaction-pending", "rocksdb.mem-table-flush-pending",
          "rocksdb.estimate-pending-compaction-bytes", "rocksdb.cur-size-all-mem-tables",
          "rocksdb.estimate-table-readers-mem", "rocksdb.block-cache-usage",
          "rocksdb.stall.micros", "rocksdb.bytes.read")) {
        assertTrue(stats.get(gauge) >= 0, gauge + " in " + stats);
      }
    }
  }

  @Test
  void withoutStatisticsTheTickersAreAbsentAndThePropertiesStay() throws Exception {
    try (PartitionStore store = PartitionStore.open(dir.resolve("off"), false)) {
      writeTwoOverlappingFiles(store);
      Map<String, Long> stats = store.engineStats();
      assertFalse(stats.keySet().stream().anyMatch(name -> name.startsWith("rocksdb.compact.")
          || name.startsWith("rocksdb.block.cache.") || name.startsWith("rocksdb.bytes.")),
          stats.toString());
      assertTrue(stats.get("rocksdb.flushes.completed") >= 2, stats.toString());
      assertTrue(stats.get("rocksdb.estimate-num-keys") > 0);
    }
  }

  @Test
  void aClosedStoreReportsNothing() throws Exception {
    PartitionStore store = PartitionStore.open(dir.resolve("closed"), true);
    store.close();
    assertEquals(Map.of(), store.engineStats());
  }

  @Test
  void tickerNamesAreRocksDbsOwn() {
    assertEquals("rocksdb.compact.read.bytes", PartitionStore.tickerName(
        TickerType.COMPACT_READ_BYTES));
    assertEquals("rocksdb.block.cache.miss", PartitionStore.tickerName(
        TickerType.BLOCK_CACHE_MISS));
  }

  /** Every key written twice, each round flushed to a file of its own, then compacted. */
  private static void writeTwoOverlappingFiles(PartitionStore store) throws Exception {
    long offset = 0;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < KEYS; i++) {
        byte[] value = new byte[512];
        Arrays.fill(value, (byte) (round + i));
        store.apply(offset++, "producer", offset, -1, key(i), PartitionStore.record(1, value));
      }
      store.flushAndCompact();
    }
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }
}
