package dev.venice.runtime.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored record formats of {@link PartitionStore} (1: schema id and value; 2: with the
 * producer's timestamp), written and read back through a real RocksDB.
 */
class PartitionStoreRecordFormatTest {
  @TempDir
  Path dir;

  @Test
  void bothFormatsRoundTripThroughRocksDb() throws Exception {
    byte[] batchValue = {1, 2, 3};
    byte[] realTimeValue = {4, 5};
    try (PartitionStore store = PartitionStore.open(dir.resolve("p"), false)) {
      store.apply(0, "push", 0, -1, key("batch"), PartitionStore.record(7, batchValue));
      store.apply(1, "leader", 0, 0, key("rt"),
          PartitionStore.record(8, 1_700_000_000_123L, realTimeValue));
      store.flush(); // read back from an SST file, not the memtable

      byte[] batch = store.get(key("batch"));
      assertArrayEquals(new byte[] {0, 0, 0, 7, 1, 2, 3}, batch, "format 1 is unchanged");
      PartitionStore.StoredRecord one = PartitionStore.StoredRecord.parse(batch);
      assertEquals(7, one.schemaId());
      assertFalse(one.hasProducerTimestamp());
      assertArrayEquals(batchValue, Arrays.copyOfRange(batch, one.valueOffset(), batch.length));

      byte[] realTime = store.get(key("rt"));
      assertEquals(16 + realTimeValue.length, realTime.length);
      PartitionStore.StoredRecord two = PartitionStore.StoredRecord.parse(realTime);
      assertEquals(8, two.schemaId());
      assertTrue(two.hasProducerTimestamp());
      assertEquals(1_700_000_000_123L, two.producerTimestampMs());
      assertArrayEquals(realTimeValue,
          Arrays.copyOfRange(realTime, two.valueOffset(), realTime.length));
    }
  }

  @Test
  void malformedRecordsAndTimestampsAreRefusedSayingWhy() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PartitionStore.StoredRecord.parse(new byte[] {0, 1})).getMessage()
        .contains("shorter than its 4-byte header"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PartitionStore.StoredRecord.parse(new byte[] {-1, -1, -1, -1, 0})).getMessage()
        .contains("neither a schema id"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PartitionStore.StoredRecord.parse(new byte[] {-1, -1, -1, -2, 0, 0, 0, 1}))
        .getMessage().contains("shorter than its 16-byte header"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> PartitionStore.record(1, -1, new byte[0])).getMessage().contains("-1"));
  }

  private static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
