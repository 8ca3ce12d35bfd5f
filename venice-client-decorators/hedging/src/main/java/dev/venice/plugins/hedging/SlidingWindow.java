package dev.venice.plugins.hedging;

import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The answer latencies one store's hedging remembers over a sliding window, one histogram per
 * {@link #BUCKETS} time bucket (for the percentile delay). Old buckets are cleared as time moves
 * on, without a background thread.
 */
final class SlidingWindow {
  static final int BUCKETS = 10;
  private static final long MAX_TRACKED_NANOS = 60_000_000_000L;

  private final long windowNanos;
  private final long bucketNanos;
  private final LongSupplier clock;
  private final long[] bucketStart = new long[BUCKETS];
  private final Histogram[] latencies = new Histogram[BUCKETS];

  SlidingWindow(long windowNanos, LongSupplier clock) {
    this.windowNanos = windowNanos;
    this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
    this.clock = clock;
    for (int i = 0; i < BUCKETS; i++) {
      latencies[i] = new ConcurrentHistogram(MAX_TRACKED_NANOS, 2);
      bucketStart[i] = Long.MIN_VALUE;
    }
  }

  /** The window's span (ns), as created. */
  long windowNanos() {
    return windowNanos;
  }

  /** Records an answer's latency, whichever attempt (first call or hedge) gave it. */
  void recordLatency(long nanos) {
    latencies[current()].recordValue(Math.min(Math.max(nanos, 1), MAX_TRACKED_NANOS));
  }

  /** The latency percentile over the window, or -1 with no data. */
  long percentileNanos(double percentile) {
    current();
    // a bucket not written since the window moved past it is stale, not cleared yet
    long oldestStart = (Math.floorDiv(clock.getAsLong(), bucketNanos) - BUCKETS + 1) * bucketNanos;
    Histogram merged = new Histogram(MAX_TRACKED_NANOS, 2);
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketStart[i] >= oldestStart) {
        merged.add(latencies[i]);
      }
    }
    return merged.getTotalCount() == 0 ? -1 : merged.getValueAtPercentile(percentile);
  }

  /** The current bucket, clearing any bucket whose time has passed. */
  private int current() {
    long now = clock.getAsLong();
    long slot = Math.floorDiv(now, bucketNanos);
    int index = (int) Math.floorMod(slot, BUCKETS);
    long start = slot * bucketNanos;
    if (bucketStart[index] != start) {
      synchronized (this) {
        if (bucketStart[index] != start) {
          latencies[index].reset();
          bucketStart[index] = start;
        }
      }
    }
    return index;
  }
}
