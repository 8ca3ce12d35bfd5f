package dev.venice.spi.plugin;

import java.time.Instant;

/** Wall-clock and monotonic time, replaceable in tests. */
public interface TimeSource {
  /** The system's clocks. */
  TimeSource SYSTEM = new TimeSource() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public Instant now() {
      return Instant.now();
    }
  };

  /** Monotonic nanoseconds, for measuring elapsed time (like {@link System#nanoTime()}). */
  long nanoTime();

  /** The current wall-clock time. */
  Instant now();
}
