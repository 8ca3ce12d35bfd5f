package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.server.IngestionStage;
import java.util.function.BiConsumer;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/**
 * The stage timings of one store on this server: per {@link IngestionStage}, the distribution of
 * nanoseconds per record over two consecutive windows of {@code window} length (the current one
 * and the one before it, so a reading always covers between one and two windows), and monotonic
 * totals (records and nanoseconds) since the store was first seen.
 *
 * <p>Partition replicas merge their accumulated timings in with {@link #add}, at most once per
 * flush interval each (see {@link PartitionRecorder}); readers (gauges, the endpoint) call {@link
 * #snapshot}. Windows roll on either call, from the injected monotonic clock: after one window the
 * current window becomes the previous one; after two, both are emptied (an idle window is an
 * empty one, so rates fall to 0).
 *
 * <p>Distributions are HdrHistogram (Gil Tene's High Dynamic Range Histogram) with 2 significant
 * digits, auto-resizing: values are kept to within 1%. Thread-safe: every method takes this
 * object's lock, held for one histogram add (a few thousand buckets at most) or one snapshot; the
 * first-use callback runs outside it.
 */
final class StoreStages {
  private static final int STAGES = IngestionStage.values().length;
  private static final int DIGITS = 2;

  private final String store;
  private final long windowNanos;
  private final BiConsumer<StoreStages, IngestionStage> firstUse;
  private final Histogram[] current = new Histogram[STAGES];
  private final Histogram[] previous = new Histogram[STAGES];
  private final long[] currentNanos = new long[STAGES];
  private final long[] previousNanos = new long[STAGES];
  private final long[] totalCount = new long[STAGES];
  private final long[] totalNanos = new long[STAGES];
  private final boolean[] used = new boolean[STAGES];
  private long currentStart;
  private boolean hasPrevious;

  /**
   * @param store the store
   * @param windowNanos the length of one window, in nanoseconds (more than 0)
   * @param now the clock's reading now ({@code TimeSource.nanoTime()})
   * @param firstUse called once per stage, outside the lock, when the stage is first added
   */
  StoreStages(String store, long windowNanos, long now,
      BiConsumer<StoreStages, IngestionStage> firstUse) {
    if (windowNanos <= 0) {
      throw new IllegalArgumentException("window " + windowNanos + " ns is not positive");
    }
    this.store = store;
    this.windowNanos = windowNanos;
    this.firstUse = firstUse;
    this.currentStart = now;
    for (int i = 0; i < STAGES; i++) {
      current[i] = new Histogram(DIGITS);
      previous[i] = new Histogram(DIGITS);
    }
  }

  String store() {
    return store;
  }

  /**
   * Merges one partition replica's accumulated timings of {@code stage}.
   *
   * @param values the nanoseconds per record (copied, not kept)
   * @param nanos their sum, in nanoseconds
   * @param now the clock's reading now
   */
  void add(IngestionStage stage, AbstractHistogram values, long nanos, long now) {
    int i = stage.ordinal();
    boolean first;
    synchronized (this) {
      roll(now);
      current[i].add(values);
      currentNanos[i] += nanos;
      totalCount[i] += values.getTotalCount();
      totalNanos[i] += nanos;
      first = !used[i];
      used[i] = true;
    }
    if (first) {
      firstUse.accept(this, stage);
    }
  }

  /** The stage over the current and previous windows, as of {@code now}. */
  synchronized StageSnapshot snapshot(IngestionStage stage, long now) {
    roll(now);
    int i = stage.ordinal();
    Histogram both = current[i].copy();
    both.add(previous[i]);
    long count = both.getTotalCount();
    long span = Math.max(1, now - (hasPrevious ? currentStart - windowNanos : currentStart));
    double nan = Double.NaN;
    return new StageSnapshot(stage, used[i], count,
        count == 0 ? nan : (double) (currentNanos[i] + previousNanos[i]) / count,
        count == 0 ? nan : both.getValueAtPercentile(50),
        count == 0 ? nan : both.getValueAtPercentile(99),
        count == 0 ? nan : both.getMaxValue(),
        count * 1e9 / span, span, totalCount[i], totalNanos[i]);
  }

  /** Records timed of {@code stage} since the store was first seen. */
  synchronized long totalCount(IngestionStage stage) {
    return totalCount[stage.ordinal()];
  }

  /** Nanoseconds spent in {@code stage} since the store was first seen. */
  synchronized long totalNanos(IngestionStage stage) {
    return totalNanos[stage.ordinal()];
  }

  /** Windows are aligned on the store's first reading; an idle window counts as empty. */
  private void roll(long now) {
    long elapsed = now - currentStart;
    if (elapsed < windowNanos) {
      return;
    }
    long windows = elapsed / windowNanos;
    boolean keep = windows == 1; // the current window becomes the previous one
    for (int i = 0; i < STAGES; i++) {
      Histogram emptied = previous[i];
      emptied.reset();
      if (keep) {
        previous[i] = current[i];
        previousNanos[i] = currentNanos[i];
        current[i] = emptied;
      } else {
        current[i].reset();
        previousNanos[i] = 0;
      }
      currentNanos[i] = 0;
    }
    currentStart += windows * windowNanos;
    hasPrevious = true;
  }
}
