package dev.venice.plugins.hedging;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one store's hedging remembers over a sliding window, in {@link #BUCKETS} time buckets: the
 * number of requests and hedges (for the budget) and a latency histogram per bucket (for the
 * percentile delay). Old buckets are cleared as time moves on, without a background thread.
 */
final class SlidingWindow {
  static final int BUCKETS = 10;
  private static final long MAX_TRACKED_NANOS = 60_000_000_000L;

  private final long windowNanos;
  private final long bucketNanos;
  private final LongSupplier clock;
  private final long[] bucketStart = new long[BUCKETS];
  private final AtomicLongArray requests = new AtomicLongArray(BUCKETS);
  private final AtomicLongArray hedges = new AtomicLongArray(BUCKETS);
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

  /** Counts one request. */
  void recordRequest() {
    requests.incrementAndGet(current());
  }

  /** Records an answer's latency, whichever attempt (first call or hedge) gave it. */
  void recordLatency(long nanos) {
    latencies[current()].recordValue(Math.min(Math.max(nanos, 1), MAX_TRACKED_NANOS));
  }

  /**
   * Takes one hedge from the budget: allowed while hedges in the window stay below {@code budget}
   * of its requests (and at least {@code minHedges}).
   */
  synchronized boolean tryHedge(double budget, int minHedges) {
    int now = current();
    long allowed = Math.max(minHedges, (long) Math.floor(budget * sum(requests)));
    if (sum(hedges) >= allowed) {
      return false;
    }
    hedges.incrementAndGet(now);
    return true;
  }

  /** The latency percentile over the window, or -1 with no data. */
  long percentileNanos(double percentile) {
    current();
    Histogram merged = new Histogram(MAX_TRACKED_NANOS, 2);
    for (Histogram bucket : latencies) {
      merged.add(bucket);
    }
    return merged.getTotalCount() == 0 ? -1 : merged.getValueAtPercentile(percentile);
  }

  private long sum(AtomicLongArray counts) {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += counts.get(i);
    }
    return total;
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
          requests.set(index, 0);
          hedges.set(index, 0);
          latencies[index].reset();
          bucketStart[index] = start;
        }
      }
    }
    return index;
  }
}
