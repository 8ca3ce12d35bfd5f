package dev.venice.runtime.common.plugin;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline; the failure says what was still missing. */
public final class Await {
  private Await() {}

  public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> missing) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("after " + timeout.toMillis() + " ms: " + missing.get());
      }
      LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
    }
  }
}
