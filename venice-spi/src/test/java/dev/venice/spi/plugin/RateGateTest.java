package dev.venice.spi.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateGateTest {
  /** A clock of our own interface that moves only when told. */
  private static final class Clock implements TimeSource {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
      return nanos.get();
    }

    @Override
    public Instant now() {
      return Instant.EPOCH.plusNanos(nanos.get());
    }

    void advance(Duration by) {
      nanos.addAndGet(by.toNanos());
    }
  }

  @Test
  void anOpenGatePassesOneCallerPerInterval() {
    Clock clock = new Clock();
    RateGate gate = RateGate.open(Duration.ofSeconds(10), clock);
    assertTrue(gate.tryPass());
    assertFalse(gate.tryPass());
    clock.advance(Duration.ofSeconds(9));
    assertFalse(gate.tryPass());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(gate.tryPass());
    assertFalse(gate.tryPass());
  }

  @Test
  void aClosedGateWaitsOneIntervalAndRestartWaitsAgain() {
    Clock clock = new Clock();
    RateGate gate = RateGate.closed(Duration.ofMillis(500), clock);
    assertFalse(gate.tryPass());
    clock.advance(Duration.ofMillis(500));
    gate.restart();
    assertFalse(gate.tryPass(), "restart starts the interval again");
    clock.advance(Duration.ofMillis(500));
    assertTrue(gate.tryPass());
    assertThrows(IllegalArgumentException.class, () -> RateGate.open(Duration.ZERO, clock));
  }

  @Test
  void exactlyOneOfManyConcurrentCallersPasses() throws Exception {
    RateGate gate = RateGate.open(Duration.ofHours(1), TimeSource.SYSTEM);
    AtomicInteger passed = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int j = 0; j < 1000; j++) {
          if (gate.tryPass()) {
            passed.incrementAndGet();
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
    assertEquals(1, passed.get());
  }
}
