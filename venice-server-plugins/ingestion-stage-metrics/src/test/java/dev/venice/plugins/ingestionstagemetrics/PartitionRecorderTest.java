package dev.venice.plugins.ingestionstagemetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.StageTimings;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A replica's recorder: nothing reaches the store until the flush interval ends (checked on the
 * next record, one clock read per record), then one merge per stage; unmeasured stages skipped;
 * leader batches as their mean per record.
 */
class PartitionRecorderTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger clockReads = new AtomicInteger();
  private final AtomicInteger flushes = new AtomicInteger();
  private final StoreStages store = new StoreStages("users", 60_000 * MS, 0, (s, stage) -> {});
  private final PartitionRecorder recorder = new PartitionRecorder(store, 1000 * MS, () -> {
    clockReads.incrementAndGet();
    return clock.get();
  }, flushes::incrementAndGet);

  private static StageTimings timings(long decode, long apply) {
    return new StageTimings().record(IngestionStage.DECODE, decode)
        .record(IngestionStage.APPLY, apply);
  }

  @Test
  void recordsReachTheStoreOncePerFlushInterval() {
    clockReads.set(0);
    for (int i = 0; i < 1000; i++) {
      recorder.record(timings(100, 2000 + i));
      clock.addAndGet(MS / 2); // 1000 records over 0.5 s
    }
    assertEquals(1000, clockReads.get(), "one clock read per record, no more");
    assertEquals(0, store.totalCount(IngestionStage.APPLY));
    assertEquals(1000, recorder.pending());
    clock.addAndGet(500 * MS);
    recorder.record(timings(100, 2000));
    assertEquals(1, flushes.get());
    assertEquals(1001, store.totalCount(IngestionStage.APPLY));
    assertEquals(1001 * 100, store.totalNanos(IngestionStage.DECODE));
    assertEquals(0, store.totalCount(IngestionStage.HOOKS), "an unmeasured stage stays empty");
    assertEquals(0, recorder.pending());
    recorder.record(timings(100, 2000));
    assertEquals(1, flushes.get(), "the next interval started at the flush");
    recorder.flush();
    assertEquals(2, flushes.get());
    recorder.flush();
    assertEquals(2, flushes.get(), "nothing pending: no merge");
  }

  @Test
  void aLeaderBatchCountsItsRecordsAtTheirMean() {
    recorder.recordBatch(new StageTimings().record(IngestionStage.LEADER_PRODUCE, 1_000_000)
        .record(IngestionStage.SCHEMA_VALIDATION, 30_000), 10);
    recorder.flush();
    StageSnapshot produce = store.snapshot(IngestionStage.LEADER_PRODUCE, 0);
    assertEquals(10, produce.count());
    assertEquals(100_000, produce.meanNanos(), 1e-9);
    assertEquals(100_000, produce.p50Nanos(), 1000);
    assertEquals(30_000, store.totalNanos(IngestionStage.SCHEMA_VALIDATION));
    assertEquals(0, store.totalCount(IngestionStage.APPLY));
  }
}
