package dev.venice.testkit;

import dev.venice.spi.client.ExtraLoadBudget;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link ExtraLoadBudget} a test sets: keys left to grant (unlimited by default) and the delay
 * floor (zero by default); it counts what it granted and refused, in keys. One budget serves every
 * store of the {@link TestingHostServices} it belongs to. Thread-safe: a grant is one
 * compare-and-set, so concurrent callers never take more keys than are left.
 */
public final class TestingExtraLoadBudget implements ExtraLoadBudget {
  private final AtomicLong remaining = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong granted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile Duration minDelay = Duration.ZERO;

  /** Sets the keys left to grant ({@link Long#MAX_VALUE}: unlimited, the default). */
  public TestingExtraLoadBudget remainingKeys(long keys) {
    remaining.set(keys);
    return this;
  }

  /** Sets the delay floor {@link #minDelay()} returns. */
  public TestingExtraLoadBudget minDelay(Duration floor) {
    this.minDelay = Objects.requireNonNull(floor, "floor");
    return this;
  }

  /** Keys granted so far. */
  public long grantedKeys() {
    return granted.get();
  }

  /** Keys refused so far (each refused request's key count). */
  public long refusedKeys() {
    return refused.get();
  }

  @Override
  public boolean tryAcquire(int keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("an extra request carries at least one key, not " + keys);
    }
    while (true) {
      long left = remaining.get();
      if (left < keys) {
        refused.addAndGet(keys);
        return false;
      }
      long after = left == Long.MAX_VALUE ? left : left - keys;
      if (remaining.compareAndSet(left, after)) {
        granted.addAndGet(keys);
        return true;
      }
    }
  }

  @Override
  public Duration minDelay() {
    return minDelay;
  }
}
