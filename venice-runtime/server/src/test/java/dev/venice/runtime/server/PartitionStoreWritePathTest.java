package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public write path the benchmarks drive ({@code PartitionStore.open}, {@code apply}, {@code
 * endOfPush}, {@code flush}, {@code engineStats}, {@code record}) and the test entry point {@code
 * flushAndCompact}, on a real RocksDB.
 */
class PartitionStoreWritePathTest {
  @TempDir
  Path dir;

  @Test
  void flushWritesBothColumnFamiliesAndWaits() throws Exception {
    try (PartitionStore store = PartitionStore.open(dir.resolve("p"), true)) {
      Random random = new Random(47);
      for (int i = 0; i < 1_000; i++) {
        byte[] value = new byte[100];
        random.nextBytes(value); // incompressible: Snappy leaves the flushed bytes as they are
        store.apply(i, "producer", i, i, key(i), PartitionStore.record(1, value));
      }
      store.endOfPush(1_000, "producer", 1_000);
      Map<String, Long> before = store.engineStats();
      assertEquals(0, before.get("rocksdb.flush.write.bytes"), before.toString());
      store.flush();
      Map<String, Long> after = store.engineStats();
      // done when flush() returns (the count is the data column family's, as every statistic)
      assertEquals(1, after.get("rocksdb.flushes.completed"), after.toString());
      assertTrue(after.get("rocksdb.flush.write.bytes") > 1_000 * 100, after.toString());
      assertEquals(1, after.get("rocksdb.num-files-at-level0"), after.toString());
      assertEquals(0, after.get("rocksdb.mem-table-flush-pending"), after.toString());
      assertEquals(1_000, store.appliedRecords());
      assertEquals(1_000, store.checkpointOffset());
      assertEquals(999, store.upstreamOffset());
      assertTrue(store.endOfPushReceived());
    }
    try (PartitionStore reopened = PartitionStore.open(dir.resolve("p"), false)) {
      assertEquals(1_000, reopened.appliedRecords());
      assertTrue(reopened.endOfPushReceived());
      assertEquals(1_000, reopened.countKeys());
    }
  }

  @Test
  void aClosedStoreRefusesFlushAndSkipsFlushAndCompact() throws Exception {
    PartitionStore store = PartitionStore.open(dir.resolve("closed"), false);
    store.apply(0, "producer", 0, -1, key(0), PartitionStore.record(1, new byte[1]));
    assertTrue(store.flushAndCompact());
    store.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, store::flush);
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertFalse(store.flushAndCompact());
  }

  @Test
  void theColumnFamilyTuningIsAppliedOnTopOfTheServerOptions() throws Exception {
    // a 256 KiB memtable instead of 64 MiB: 2 MB of puts flush by themselves, without flush()
    try (PartitionStore store = PartitionStore.open(dir.resolve("tuned"), true,
        options -> options.setWriteBufferSize(256 * 1024))) {
      for (int i = 0; i < 2_000; i++) {
        store.apply(i, "producer", i, -1, key(i), PartitionStore.record(1, new byte[1_000]));
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (store.engineStats().get("rocksdb.flushes.completed") == 0
          && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(store.engineStats().get("rocksdb.flushes.completed") > 0);
    }
    try (PartitionStore untuned = PartitionStore.open(dir.resolve("untuned"), true, null)) {
      for (int i = 0; i < 2_000; i++) {
        untuned.apply(i, "producer", i, -1, key(i), PartitionStore.record(1, new byte[1_000]));
      }
      assertEquals(0, untuned.engineStats().get("rocksdb.flushes.completed"));
    }
  }

  @Test
  void aRecordIsTheSchemaIdBigEndianThenTheValue() {
    assertArrayEquals(new byte[] {0, 0, 1, 2, 7, 8}, PartitionStore.record(258, new byte[] {7, 8}));
  }

  private static byte[] key(int i) {
    return ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }
}
