package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.StageTimings;
import java.util.function.LongSupplier;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One partition replica's stage timings since its last flush: per {@link IngestionStage}, an
 * HdrHistogram of nanoseconds per record (2 significant digits, int counts, created on the
 * stage's first value) and the sum of nanoseconds. The per-record cost is one array read and one
 * histogram increment per measured stage, and one clock read; nothing shared is touched. At most
 * once per {@code flushInterval} (checked on the next record or batch, so a replica that stops
 * receiving records keeps its last timings until its next record, its end of push or its close)
 * the accumulated timings are merged into the store's {@link StoreStages} in one call per stage
 * and the local histograms reset.
 *
 * <p>Leader batches ({@link #recordBatch}) arrive as totals per stage: each is recorded as {@code
 * records} values of the batch's mean per record (so a leader stage's percentiles are those of
 * per-batch means), and its sum as the exact total.
 *
 * <p>Not thread-safe: confined to the partition's ingestion thread, which the host calls every
 * ingestion hook of a partition on (records, leader batches, end of push, close).
 */
final class PartitionRecorder {
  private static final IngestionStage[] STAGES = IngestionStage.values();
  private static final int DIGITS = 2;

  private final StoreStages target;
  private final long flushIntervalNanos;
  private final LongSupplier clock;
  private final Runnable onFlush;
  private final IntCountsHistogram[] values = new IntCountsHistogram[STAGES.length];
  private final long[] nanos = new long[STAGES.length];
  private long lastFlush;
  private long pending;

  /**
   * @param target the store's shared timings
   * @param flushIntervalNanos the least time between two flushes, in nanoseconds
   * @param clock monotonic nanoseconds ({@code TimeSource::nanoTime})
   * @param onFlush called after each flush that merged something (counts flushes)
   */
  PartitionRecorder(StoreStages target, long flushIntervalNanos, LongSupplier clock,
      Runnable onFlush) {
    this.target = target;
    this.flushIntervalNanos = flushIntervalNanos;
    this.clock = clock;
    this.onFlush = onFlush;
    this.lastFlush = clock.getAsLong();
  }

  /** Adds one applied record's timings (stages reading {@code -1} are skipped). */
  void record(StageTimings timings) {
    for (int i = 0; i < STAGES.length; i++) {
      long v = timings.nanos(STAGES[i]);
      if (v >= 0) {
        histogram(i).recordValue(v);
        nanos[i] += v;
      }
    }
    pending++;
    flushIfDue();
  }

  /** Adds one leader batch's totals per stage over {@code records} records. */
  void recordBatch(StageTimings totals, int records) {
    for (int i = 0; i < STAGES.length; i++) {
      long v = totals.nanos(STAGES[i]);
      if (v >= 0) {
        histogram(i).recordValueWithCount(v / records, records);
        nanos[i] += v;
      }
    }
    pending += records;
    flushIfDue();
  }

  /** Records added since the last flush. */
  long pending() {
    return pending;
  }

  /** Merges what was accumulated into the store's timings now, if anything was. */
  void flush() {
    flush(clock.getAsLong());
  }

  private void flushIfDue() {
    long now = clock.getAsLong();
    if (now - lastFlush >= flushIntervalNanos) {
      flush(now);
    }
  }

  private void flush(long now) {
    lastFlush = now;
    if (pending == 0) {
      return;
    }
    for (int i = 0; i < STAGES.length; i++) {
      IntCountsHistogram h = values[i];
      if (h != null && h.getTotalCount() > 0) {
        target.add(STAGES[i], h, nanos[i], now);
        h.reset();
        nanos[i] = 0;
      }
    }
    pending = 0;
    onFlush.run();
  }

  private IntCountsHistogram histogram(int stage) {
    IntCountsHistogram h = values[stage];
    if (h == null) {
      h = new IntCountsHistogram(DIGITS);
      values[stage] = h;
    }
    return h;
  }
}
