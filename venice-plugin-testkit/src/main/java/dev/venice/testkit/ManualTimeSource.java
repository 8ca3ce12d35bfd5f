package dev.venice.testkit;

import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link TimeSource} that stands still until a test moves it: {@link #nanoTime()} and {@link
 * #now()} advance together, by exactly what {@link #advance} is given, and never otherwise.
 * Thread-safe: readers on any thread see every completed advance.
 */
public final class ManualTimeSource implements TimeSource {
  /** Where the wall clock starts by default: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final Instant start;
  private long elapsedNanos;

  /** A clock at {@link #DEFAULT_START}, with {@link #nanoTime()} at 0. */
  public ManualTimeSource() {
    this(DEFAULT_START);
  }

  /**
   * A clock whose wall time starts at {@code start} and whose {@link #nanoTime()} starts at 0.
   *
   * @throws NullPointerException when {@code start} is null
   */
  public ManualTimeSource(Instant start) {
    this.start = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves both clocks forward by {@code step}.
   *
   * @param step how far; zero is allowed
   * @return this clock, for chaining
   * @throws IllegalArgumentException when {@code step} is negative (monotonic time never goes back)
   */
  public synchronized ManualTimeSource advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: cannot advance by " + step);
    }
    elapsedNanos = Math.addExact(elapsedNanos, step.toNanos());
    return this;
  }

  /** Monotonic nanoseconds: 0 at construction plus every {@link #advance}. */
  @Override
  public synchronized long nanoTime() {
    return elapsedNanos;
  }

  /** The start instant plus every {@link #advance}. */
  @Override
  public synchronized Instant now() {
    return start.plusNanos(elapsedNanos);
  }

  @Override
  public String toString() {
    return "ManualTimeSource(" + now() + ")";
  }
}
