package dev.venice.spi.plugin;

import dev.venice.spi.Experimental;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets at most one caller through per interval, without a lock: a warning logged at most every 10 s
 * while a failure repeats (the rest counted in a meter), or one refresh for a burst of failures.
 * Hosts use it too. Thread-safe; when many threads try at once, exactly one passes.
 *
 * @since 1.1.0
 */
@Experimental(since = "1.1.0")
public final class RateGate {
  private final long intervalNanos;
  private final TimeSource time;
  private final AtomicLong last;

  private RateGate(Duration interval, TimeSource time, boolean openNow) {
    this.intervalNanos = interval.toNanos();
    if (intervalNanos <= 0) {
      throw new IllegalArgumentException("a rate gate's interval must be positive, got "
          + interval);
    }
    this.time = Objects.requireNonNull(time, "time");
    this.last = new AtomicLong(time.nanoTime() - (openNow ? intervalNanos : 0));
  }

  /** A gate whose first {@link #tryPass()} passes, then one per {@code interval}. */
  public static RateGate open(Duration interval, TimeSource time) {
    return new RateGate(interval, time, true);
  }

  /** A gate that passes nobody until {@code interval} has gone by, then one per interval. */
  public static RateGate closed(Duration interval, TimeSource time) {
    return new RateGate(interval, time, false);
  }

  /** Whether this caller passes: at least one interval since the last one that did. */
  public boolean tryPass() {
    long now = time.nanoTime();
    long previous = last.get();
    return now - previous >= intervalNanos && last.compareAndSet(previous, now);
  }

  /** Starts the interval again now, as if a caller had just passed. */
  public void restart() {
    last.set(time.nanoTime());
  }
}
