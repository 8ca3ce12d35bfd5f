package dev.venice.plugins.dvcmemorypressure;

import dev.venice.spi.plugin.TimeSource;

/**
 * The feedback loop of seed project 12, on plain numbers (no SPI or RocksDB type): given the
 * RocksDB memory in use and the shared block cache's capacity at each sample, decides when to
 * shrink the cache and when to give it back. One thread (the plugin's task).
 *
 * <p><b>Rule.</b> With {@code high = highWatermark × budget} and {@code low = lowWatermark ×
 * budget}:
 *
 * <ul>
 *   <li>usage above {@code high} is pressure: the cache gives up the excess over {@code low}
 *       ({@code capacity − (usage − low)}), but never goes below {@code floorBytes}, and at most
 *       once per {@code cooldown} (a shrink takes effect as entries are evicted and readers
 *       release pinned blocks; a second shrink before the first shows in the numbers would
 *       overshoot);
 *   <li>back to the initial capacity only once usage has stayed below {@code low} for {@code
 *       hold}, counted from the last sample above it;
 *   <li>between {@code low} and {@code high} nothing changes.
 * </ul>
 *
 * <p>The two watermarks and the hold are the hysteresis: RocksDB's usage is an estimate that
 * moves with every flush and block read, so a single threshold, or an immediate restore, would
 * resize back and forth on noise. Shrinking to the low watermark (not to just under the high one)
 * leaves that gap of headroom before the next event.
 */
final class MemoryPressureController {
  /** What a sample asks of the cache. */
  enum Action {
    /** Leave it as it is. */
    NONE,
    /** Shrink it to {@link Decision#capacityBytes()} (pressure). */
    SHRINK,
    /** Give it back its initial capacity (pressure gone). */
    RESTORE
  }

  /**
   * A sample's decision.
   *
   * @param action what to do
   * @param capacityBytes the capacity to set (for SHRINK and RESTORE), else the current one
   * @param atFloor whether the shrink stopped at the floor (usage may stay above the watermark)
   */
  record Decision(Action action, long capacityBytes, boolean atFloor) {}

  private final long budgetBytes;
  private final long highBytes;
  private final long lowBytes;
  private final long floorBytes;
  private final long holdNanos;
  private final long cooldownNanos;
  private final TimeSource time;
  private boolean shrunk;
  private long lastShrinkNanos;
  private long lastAboveLowNanos;

  MemoryPressureController(long budgetBytes, double highWatermark, double lowWatermark,
      long floorBytes, java.time.Duration hold, java.time.Duration cooldown, TimeSource time) {
    this.budgetBytes = budgetBytes;
    this.highBytes = (long) (highWatermark * budgetBytes);
    this.lowBytes = (long) (lowWatermark * budgetBytes);
    this.floorBytes = floorBytes;
    this.holdNanos = hold.toNanos();
    this.cooldownNanos = cooldown.toNanos();
    this.time = time;
  }

  /**
   * One sample.
   *
   * @param usageBytes the memory in use now (memory tables, table readers, block cache usage)
   * @param capacityBytes the block cache's capacity now
   * @param initialCapacityBytes the capacity to restore
   */
  Decision sample(long usageBytes, long capacityBytes, long initialCapacityBytes) {
    long now = time.nanoTime();
    if (usageBytes >= lowBytes) {
      lastAboveLowNanos = now;
    }
    if (usageBytes > highBytes) {
      if (capacityBytes <= floorBytes) {
        return new Decision(Action.NONE, capacityBytes, true); // nothing left to give
      }
      if (!shrunk || now - lastShrinkNanos >= cooldownNanos) {
        long target = Math.max(floorBytes, capacityBytes - (usageBytes - lowBytes));
        shrunk = true;
        lastShrinkNanos = now;
        return new Decision(Action.SHRINK, target, target == floorBytes);
      }
      return new Decision(Action.NONE, capacityBytes, false); // the last shrink still settling
    }
    if (shrunk && usageBytes < lowBytes && now - lastAboveLowNanos >= holdNanos) {
      shrunk = false;
      return new Decision(Action.RESTORE, initialCapacityBytes, false);
    }
    return new Decision(Action.NONE, capacityBytes, false);
  }

  /** Whether the cache is shrunk (between a shrink and its restore). */
  boolean underPressure() {
    return shrunk;
  }

  /** The budget, in bytes. */
  long budgetBytes() {
    return budgetBytes;
  }

  /** The high watermark, in bytes. */
  long highBytes() {
    return highBytes;
  }

  /** The low watermark, in bytes. */
  long lowBytes() {
    return lowBytes;
  }
}
