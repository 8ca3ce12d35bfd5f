package dev.venice.plugins.hotpartitions;

import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Key lookups per second of each partition on this server, over the last complete rate window: a
 * {@link PartitionCounts} per window of {@code window} length, the current one being filled and
 * the previous one read. Windows follow each other from the tracker's creation ({@code [t0, t0 +
 * w), [t0 + w, t0 + 2w), ...}); the clock is read on every lookup and the window changes on the
 * first lookup (or read) after it ended, so no timer runs. A window in which nothing was looked up
 * reads as empty. Memory: at most two windows of {@code capacity} counters.
 *
 * <p>Thread-safe: counting takes no lock unless the partition is new to the window (see {@link
 * PartitionCounts}) or the window ends (one thread swaps it under this object's lock). A lookup
 * that read the clock just before the swap may land in the window that just ended; it is counted
 * there.
 */
final class PartitionRates {
  /**
   * One window: when it started (monotonic nanoseconds) and its counts.
   *
   * @param counts {@code null} for a window nothing was counted in
   */
  private record Window(long startNanos, PartitionCounts counts) {}

  /**
   * The rates of the last complete window.
   *
   * @param window the window's length
   * @param end when it ended (wall clock), {@code null} before the first window ends
   * @param capacity the most partitions tracked per window
   * @param counts its counts by decreasing count; a rate is {@code count / window} per second
   */
  record Rates(Duration window, Instant end, int capacity, PartitionCounts.Snapshot counts) {
    /** Lookups per second for {@code lookups} counted in the window. */
    double perSecond(long lookups) {
      return lookups / (window.toNanos() / 1e9);
    }
  }

  private static final PartitionCounts.Snapshot EMPTY =
      new PartitionCounts.Snapshot(List.of(), 0, false, 0);

  private final TimeSource time;
  private final long windowNanos;
  private final Duration window;
  private final int capacity;
  private final PartitionIds ids = new PartitionIds();
  private volatile Window current;
  private volatile Window previous;

  /**
   * @param time the clock (its monotonic nanoseconds delimit windows, its wall clock dates them)
   * @param window the rate window, more than 0
   * @param capacity the most partitions tracked per window ({@code max-tracked-partitions})
   */
  PartitionRates(TimeSource time, Duration window, int capacity) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("rate window " + window + " must be more than 0");
    }
    this.time = time;
    this.window = window;
    this.windowNanos = window.toNanos();
    this.capacity = capacity;
    this.current = new Window(time.nanoTime(), new PartitionCounts(capacity));
  }

  /**
   * Counts one key lookup of a partition in the current window, allocating nothing once the
   * partition was seen (its id comes from a {@link PartitionIds} cache).
   */
  void record(String store, int version, int partition) {
    record(ids.get(store, version, partition));
  }

  /** Counts one key lookup of {@code id} in the current window. */
  void record(PartitionId id) {
    Window w = current;
    if (time.nanoTime() - w.startNanos >= windowNanos) {
      w = rotate(time.nanoTime());
    }
    w.counts.add(id);
  }

  private synchronized Window rotate(long now) {
    Window w = current;
    long elapsed = (now - w.startNanos) / windowNanos;
    if (elapsed < 1) {
      return w; // another thread rotated first
    }
    long start = w.startNanos + elapsed * windowNanos;
    previous = elapsed == 1 ? w : new Window(start - windowNanos, null);
    current = new Window(start, new PartitionCounts(capacity));
    return current;
  }

  /** The rates of the last complete window (all empty before the first window ends). */
  Rates rates() {
    long now = time.nanoTime();
    if (now - current.startNanos >= windowNanos) {
      rotate(now);
    }
    Window last = previous;
    if (last == null) {
      return new Rates(window, null, capacity, EMPTY);
    }
    Instant end = time.now().minusNanos(now - (last.startNanos + windowNanos));
    return new Rates(window, end, capacity, last.counts == null ? EMPTY
        : last.counts.snapshot());
  }
}
