package dev.venice.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Deadline waits for tests: poll a condition every millisecond or so until it holds or the
 * deadline passes, then fail naming what was waited for. Use it instead of sleeping for a guessed
 * time. Stateless and thread-safe.
 */
public final class Await {
  /** The wait {@link #until(BooleanSupplier, Supplier)} allows: 10 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds; the condition is checked first without waiting.
   *
   * @param condition what to wait for; called on this thread, repeatedly, so cheap and side-effect
   *     free; an exception it throws is passed through at once
   * @param timeout how long to wait at most
   * @param waitedFor describes what was waited for, called only on failure (e.g. {@code () -> "a
   *     call to replica b_1"})
   * @throws AssertionError "waited N ms for <what>, in vain" when the deadline passes
   */
  public static void until(BooleanSupplier condition, Duration timeout,
      Supplier<String> waitedFor) {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(waitedFor, "waitedFor");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("waited " + timeout.toMillis() + " ms for " + waitedFor.get()
            + ", in vain");
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new AssertionError("interrupted while waiting for " + waitedFor.get());
      }
    }
  }

  /**
   * {@link #until(BooleanSupplier, Duration, Supplier)} with {@link #DEFAULT_TIMEOUT}.
   *
   * @throws AssertionError naming what was waited for when 10 seconds pass
   */
  public static void until(BooleanSupplier condition, Supplier<String> waitedFor) {
    until(condition, DEFAULT_TIMEOUT, waitedFor);
  }
}
