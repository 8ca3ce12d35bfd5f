package dev.venice.runtime.client;

import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fast client's {@link ExtraLoadBudget}: over a sliding {@code window} (ten buckets), the keys
 * granted to hedges and retries stay within {@code fraction} of the keys the client sent on first
 * attempts, plus {@code reserveKeys} so a quiet store can still hedge now and then. The fraction is
 * Venice's fast-client retry budget (10% of observed load) counted in keys instead of requests.
 *
 * <p>Zero cost until used: first attempts are counted only once a decorator has asked for the
 * budget ({@link #activate()}), so a client without hedging or retries pays one volatile read per
 * partition request. Counting a request is a striped add ({@link LongAdder}), never a shared lock;
 * {@link #tryAcquire} (a hedge about to be sent) takes a lock, so two hedges cannot both take the
 * last keys. Thread-safe.
 */
final class StoreExtraLoadBudget implements ExtraLoadBudget {
  private static final int BUCKETS = 10;

  private final double fraction;
  private final long reserveKeys;
  private final Duration minDelay;
  private final long bucketNanos;
  private final TimeSource time;
  private final AtomicLongArray bucketStart = new AtomicLongArray(BUCKETS);
  private final LongAdder[] requested = new LongAdder[BUCKETS];
  private final long[] granted = new long[BUCKETS];
  private final LongAdder requestedTotal = new LongAdder();
  private final LongAdder grantedTotal = new LongAdder();
  private final LongAdder refusedTotal = new LongAdder();
  private volatile boolean active;

  /**
   * @param fraction extra keys allowed per key sent on first attempts, 0 to 1
   * @param window how far back both counts look, at least 10 ms
   * @param reserveKeys extra keys allowed per window on top of the fraction, 0 or more
   * @param minDelay the delay floor of hedges and retries
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  StoreExtraLoadBudget(String store, double fraction, Duration window, int reserveKeys,
      Duration minDelay, TimeSource time, MeterRegistry registry) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("store " + store + ": extra-load budget " + fraction
          + " is not a fraction between 0 and 1");
    }
    if (window.toMillis() < 10) {
      throw new IllegalArgumentException("store " + store + ": extra-load budget window " + window
          + " is shorter than 10 ms");
    }
    if (reserveKeys < 0) {
      throw new IllegalArgumentException("store " + store + ": extra-load reserve " + reserveKeys
          + " keys is negative");
    }
    if (minDelay.isNegative()) {
      throw new IllegalArgumentException("store " + store + ": extra-load minimum delay "
          + minDelay + " is negative");
    }
    this.fraction = fraction;
    this.reserveKeys = reserveKeys;
    this.minDelay = minDelay;
    this.bucketNanos = window.toNanos() / BUCKETS;
    this.time = time;
    for (int i = 0; i < BUCKETS; i++) {
      requested[i] = new LongAdder();
      bucketStart.set(i, Long.MIN_VALUE);
    }
    FunctionCounter.builder("venice.client.extra.load.requested.keys", requestedTotal,
            LongAdder::sum)
        .description("Keys sent on first attempts while the extra-load budget is in use")
        .tag("store", store).register(registry);
    FunctionCounter.builder("venice.client.extra.load.granted.keys", grantedTotal, LongAdder::sum)
        .description("Extra keys granted to hedges and retries").tag("store", store)
        .register(registry);
    FunctionCounter.builder("venice.client.extra.load.refused.keys", refusedTotal, LongAdder::sum)
        .description("Extra keys refused: the budget was spent").tag("store", store)
        .register(registry);
  }

  /** Starts counting first attempts; called when a decorator asks the host for the budget. */
  StoreExtraLoadBudget activate() {
    active = true;
    return this;
  }

  /** Counts a partition request's first attempt, {@code keys} keys (a no-op until activated). */
  void recordFirstAttempt(int keys) {
    if (active) {
      requested[index(currentSlot())].add(keys);
      requestedTotal.add(keys);
    }
  }

  @Override
  public boolean tryAcquire(int keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("an extra request carries at least one key, not " + keys);
    }
    long slot = currentSlot();
    // a bucket not written since the window moved past it is stale, not cleared yet
    long oldestStart = (slot - BUCKETS + 1) * bucketNanos;
    synchronized (granted) {
      long sent = 0;
      long spent = 0;
      for (int i = 0; i < BUCKETS; i++) {
        if (bucketStart.get(i) >= oldestStart) {
          sent += requested[i].sum();
          spent += granted[i];
        }
      }
      if (spent + keys > (long) Math.floor(fraction * sent) + reserveKeys) {
        refusedTotal.add(keys);
        return false;
      }
      granted[index(slot)] += keys;
    }
    grantedTotal.add(keys);
    return true;
  }

  @Override
  public Duration minDelay() {
    return minDelay;
  }

  /** The current time slot (a bucket's span since the clock's origin), its bucket emptied. */
  private long currentSlot() {
    long slot = Math.floorDiv(time.nanoTime(), bucketNanos);
    int index = index(slot);
    long start = slot * bucketNanos;
    if (bucketStart.get(index) != start) {
      synchronized (granted) {
        if (bucketStart.get(index) != start) {
          requested[index].reset();
          granted[index] = 0;
          bucketStart.set(index, start);
        }
      }
    }
    return slot;
  }

  private static int index(long slot) {
    return (int) Math.floorMod(slot, BUCKETS);
  }
}
