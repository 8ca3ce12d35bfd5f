package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared extra-load budget in keys, on a manual clock. */
class StoreExtraLoadBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final TimeSource clock = new TimeSource() {
    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public Instant now() {
      return Instant.ofEpochSecond(0, now.get());
    }
  };
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private StoreExtraLoadBudget budget(double fraction, int reserveKeys) {
    return new StoreExtraLoadBudget("users", fraction, Duration.ofSeconds(10), reserveKeys,
        Duration.ofMillis(1), clock, registry).activate();
  }

  private double counted(String meter) {
    return registry.get("venice.client.extra.load." + meter).tag("store", "users")
        .functionCounter().count();
  }

  @Test
  void extraKeysStayWithinTheFractionOfKeysSent() {
    StoreExtraLoadBudget budget = budget(0.1, 0);
    budget.recordFirstAttempt(400); // one 400-key batch: 40 extra keys allowed
    assertFalse(budget.tryAcquire(400), "hedging the whole 400-key batch would add 100%");
    assertTrue(budget.tryAcquire(40));
    assertFalse(budget.tryAcquire(1), "spent");
    assertEquals(400, counted("requested.keys"));
    assertEquals(40, counted("granted.keys"));
    assertEquals(401, counted("refused.keys"));
  }

  @Test
  void theReserveLetsAQuietStoreHedgeAFewKeys() {
    StoreExtraLoadBudget budget = budget(0.1, 10);
    assertTrue(budget.tryAcquire(10), "no traffic yet, the reserve only");
    assertFalse(budget.tryAcquire(1));
  }

  @Test
  void keysLeaveTheBudgetWithTheWindow() {
    StoreExtraLoadBudget budget = budget(0.5, 0);
    budget.recordFirstAttempt(100);
    assertTrue(budget.tryAcquire(10));
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertTrue(budget.tryAcquire(40), "half a window later both counts are still in it");
    assertFalse(budget.tryAcquire(1));
    now.addAndGet(Duration.ofSeconds(6).toNanos()); // the first second's bucket is stale
    assertFalse(budget.tryAcquire(1), "what was sent 11 s ago no longer allows anything");
    now.addAndGet(Duration.ofSeconds(5).toNanos()); // and so is the 40 keys' bucket
    budget.recordFirstAttempt(10);
    assertFalse(budget.tryAcquire(6), "only the fresh 10 keys count, not the stale 100 or 50");
    assertTrue(budget.tryAcquire(5));
  }

  @Test
  void firstAttemptsAreNotCountedUntilADecoratorAsksForTheBudget() {
    StoreExtraLoadBudget budget = new StoreExtraLoadBudget("users", 0.1, Duration.ofSeconds(10),
        0, Duration.ZERO, clock, registry);
    budget.recordFirstAttempt(1000);
    assertEquals(0, counted("requested.keys"), "no hedging or retry on: nothing counted");
    budget.activate().recordFirstAttempt(10);
    assertTrue(budget.tryAcquire(1));
    assertFalse(budget.tryAcquire(1), "only what was sent after activation counts");
  }

  @Test
  void concurrentHedgesNeverTakeMoreThanTheBudget() throws Exception {
    StoreExtraLoadBudget budget = budget(0.1, 0);
    budget.recordFirstAttempt(1000); // 100 extra keys
    AtomicLong granted = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          if (budget.tryAcquire(3)) {
            granted.addAndGet(3);
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(99, granted.get(), "33 grants of 3 keys fit in 100, never a 34th");
  }

  @Test
  void badSettingsAndBadRequestsNameWhatIsWrong() {
    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
        () -> budget(1.5, 0));
    assertEquals("store users: extra-load budget 1.5 is not a fraction between 0 and 1",
        fraction.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new StoreExtraLoadBudget("users", 0.1,
        Duration.ofMillis(1), 0, Duration.ZERO, clock, registry));
    assertThrows(IllegalArgumentException.class, () -> budget(0.1, -1));
    assertThrows(IllegalArgumentException.class, () -> budget(0.1, 0).tryAcquire(0));
  }
}
