package dev.venice.plugins.circuitbreaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.circuitbreaker.CircuitBreaker.Phase;
import dev.venice.plugins.circuitbreaker.CircuitBreaker.State;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The state machine alone, on a manual clock: every transition, its thresholds and races. */
class CircuitBreakerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int THREADS = 16;

  private final ManualTimeSource clock = new ManualTimeSource();
  private final List<String> transitions = new CopyOnWriteArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  /** Settings with only the count rule unless a test says otherwise. */
  private static CircuitBreakerConfig config(double rate, int window, int minimumCalls,
      int inARow, int probes, int successes) {
    return new CircuitBreakerConfig(rate, window, minimumCalls, inARow, WAIT, probes, successes);
  }

  private static CircuitBreakerConfig countRule(int inARow, int probes, int successes) {
    return config(0, 10, 1, inARow, probes, successes);
  }

  private CircuitBreaker breaker(CircuitBreakerConfig config) {
    return new CircuitBreaker(config, clock::nanoTime,
        (from, to) -> transitions.add(from + "->" + to));
  }

  private static void fail(CircuitBreaker breaker, CircuitBreakerConfig config, int times) {
    for (int i = 0; i < times; i++) {
      breaker.onFailure(breaker.tryAcquirePermission(config), config);
    }
  }

  private static void succeed(CircuitBreaker breaker, CircuitBreakerConfig config, int times) {
    for (int i = 0; i < times; i++) {
      breaker.onSuccess(breaker.tryAcquirePermission(config), config);
    }
  }

  /** A breaker opened by the count rule at the clock's current time. */
  private CircuitBreaker opened(CircuitBreakerConfig config) {
    CircuitBreaker breaker = breaker(config);
    fail(breaker, config, config.consecutiveFailureThreshold());
    assertEquals(State.OPEN, breaker.state());
    return breaker;
  }

  @Test
  void closedLetsEveryCallThrough() {
    CircuitBreakerConfig config = countRule(3, 1, 1);
    CircuitBreaker breaker = breaker(config);
    for (int i = 0; i < 1000; i++) {
      assertNotNull(breaker.tryAcquirePermission(config));
    }
    assertTrue(breaker.admitsCalls(config));
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void consecutiveFailuresOpenAndASuccessResetsTheCount() {
    CircuitBreakerConfig config = countRule(3, 1, 1);
    CircuitBreaker breaker = breaker(config);
    fail(breaker, config, 2);
    succeed(breaker, config, 1);
    fail(breaker, config, 2);
    assertEquals(State.CLOSED, breaker.state(), "2 in a row, a success, 2 in a row");
    fail(breaker, config, 1);
    assertEquals(State.OPEN, breaker.state(), "the third in a row");
    assertEquals(List.of("CLOSED->OPEN"), transitions);
  }

  @Test
  void theFailureRateOpensOnlyOnceTheMinimumNumberOfCallsIsRecorded() {
    CircuitBreakerConfig config = config(50, 10, 6, 0, 1, 1);
    CircuitBreaker breaker = breaker(config);
    fail(breaker, config, 5);
    assertEquals(State.CLOSED, breaker.state(), "5 of 5 failed, but fewer than 6 calls");
    fail(breaker, config, 1);
    assertEquals(State.OPEN, breaker.state(), "6 of 6 failed");
  }

  @Test
  void theFailureRateIsOverTheLastCallsOfTheWindow() {
    CircuitBreakerConfig config = config(50, 10, 10, 0, 1, 1);
    CircuitBreaker breaker = breaker(config);
    fail(breaker, config, 4);
    succeed(breaker, config, 6);
    assertEquals(State.CLOSED, breaker.state(), "40%");
    succeed(breaker, config, 4); // the 4 failures leave the window of the last 10 calls
    fail(breaker, config, 4);
    assertEquals(State.CLOSED, breaker.state(), "4 of the last 10 failed: 40%");
    fail(breaker, config, 1);
    assertEquals(State.OPEN, breaker.state(), "5 of the last 10 failed: 50% reaches the"
        + " threshold");
  }

  @Test
  void openRefusesUntilTheWaitIsOverThenTheFirstCallMakesItHalfOpen() {
    CircuitBreakerConfig config = countRule(1, 1, 1);
    CircuitBreaker breaker = opened(config);
    assertNull(breaker.tryAcquirePermission(config));
    assertFalse(breaker.admitsCalls(config));
    clock.advance(WAIT.minusNanos(1));
    assertNull(breaker.tryAcquirePermission(config), "1 ns before the wait is over");
    clock.advance(Duration.ofNanos(1));
    assertTrue(breaker.admitsCalls(config), "the wait is over: a probe may go");
    assertEquals(State.OPEN, breaker.state(), "asking whether it admits changes nothing");
    assertNotNull(breaker.tryAcquirePermission(config));
    assertEquals(State.HALF_OPEN, breaker.state());
    assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN"), transitions);
  }

  @Test
  void halfOpenLetsThePermittedProbesThroughAndTheSuccessThresholdCloses() {
    CircuitBreakerConfig config = countRule(1, 2, 3);
    CircuitBreaker breaker = opened(config);
    clock.advance(WAIT);
    Phase first = breaker.tryAcquirePermission(config);
    Phase second = breaker.tryAcquirePermission(config);
    assertNotNull(first);
    assertNotNull(second);
    assertNull(breaker.tryAcquirePermission(config), "2 probes out: every other call refused");
    assertFalse(breaker.admitsCalls(config));
    breaker.onSuccess(first, config);
    assertTrue(breaker.admitsCalls(config), "a successful probe frees its permit");
    Phase third = breaker.tryAcquirePermission(config);
    assertNotNull(third);
    breaker.onSuccess(second, config);
    assertEquals(State.HALF_OPEN, breaker.state(), "2 of 3 successes");
    breaker.onSuccess(third, config);
    assertEquals(State.CLOSED, breaker.state());
    assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
  }

  @Test
  void aFailedProbeOpensAgainForAFullWait() {
    CircuitBreakerConfig config = countRule(1, 1, 1);
    CircuitBreaker breaker = opened(config);
    clock.advance(WAIT);
    breaker.onFailure(breaker.tryAcquirePermission(config), config);
    assertEquals(State.OPEN, breaker.state());
    clock.advance(WAIT.minusNanos(1));
    assertNull(breaker.tryAcquirePermission(config), "the wait starts again at the failure");
    clock.advance(Duration.ofNanos(1));
    assertNotNull(breaker.tryAcquirePermission(config));
    assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN",
        "OPEN->HALF_OPEN"), transitions);
  }

  @Test
  void anIgnoredProbeGivesItsPermitBackAndDecidesNothing() {
    CircuitBreakerConfig config = countRule(1, 1, 1);
    CircuitBreaker breaker = opened(config);
    clock.advance(WAIT);
    Phase probe = breaker.tryAcquirePermission(config);
    assertNull(breaker.tryAcquirePermission(config));
    breaker.onIgnored(probe);
    assertEquals(State.HALF_OPEN, breaker.state());
    Phase next = breaker.tryAcquirePermission(config);
    assertNotNull(next, "the permit came back");
    breaker.onSuccess(next, config);
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void ignoredOutcomesWhileClosedCountForNothing() {
    CircuitBreakerConfig config = countRule(2, 1, 1);
    CircuitBreaker breaker = breaker(config);
    fail(breaker, config, 1);
    breaker.onIgnored(breaker.tryAcquirePermission(config));
    fail(breaker, config, 1);
    assertEquals(State.OPEN, breaker.state(), "an ignored outcome does not break the row");
  }

  @Test
  void lateOutcomesOfAnEarlierPhaseDoNotMoveTheCurrentOne() {
    CircuitBreakerConfig config = countRule(1, 1, 1);
    CircuitBreaker breaker = breaker(config);
    Phase slowClosedCall = breaker.tryAcquirePermission(config);
    fail(breaker, config, 1);
    clock.advance(WAIT);
    Phase staleProbe = breaker.tryAcquirePermission(config);
    breaker.onFailure(staleProbe, config); // open again
    clock.advance(WAIT);
    Phase probe = breaker.tryAcquirePermission(config); // a new half-open phase
    assertNotNull(probe);

    breaker.onSuccess(slowClosedCall, config);
    breaker.onFailure(slowClosedCall, config);
    breaker.onSuccess(staleProbe, config);
    breaker.onFailure(staleProbe, config);
    breaker.onIgnored(staleProbe);
    assertEquals(State.HALF_OPEN, breaker.state());
    assertNull(breaker.tryAcquirePermission(config), "the stale probe freed no permit of the"
        + " current phase");
    breaker.onSuccess(probe, config);
    assertEquals(State.CLOSED, breaker.state());
  }

  @Test
  void closingStartsFreshCounts() {
    CircuitBreakerConfig config = countRule(3, 1, 1);
    CircuitBreaker breaker = breaker(config);
    fail(breaker, config, 3);
    clock.advance(WAIT);
    succeed(breaker, config, 1);
    assertEquals(State.CLOSED, breaker.state());
    fail(breaker, config, 2);
    assertEquals(State.CLOSED, breaker.state(), "the failures before opening are forgotten");
  }

  @Test
  void aChangedWindowSizeStartsANewWindowAndOtherSettingsApplyAtOnce() {
    CircuitBreakerConfig small = config(50, 4, 4, 0, 1, 1);
    CircuitBreaker breaker = breaker(small);
    fail(breaker, small, 3);
    CircuitBreakerConfig larger = config(50, 8, 4, 0, 1, 1);
    fail(breaker, larger, 3);
    assertEquals(State.CLOSED, breaker.state(), "the new window holds 3 calls, fewer than 4");
    fail(breaker, larger, 1);
    assertEquals(State.OPEN, breaker.state());
    assertEquals(List.of("CLOSED->OPEN"), transitions, "a new window is not a transition");

    CircuitBreakerConfig shortWait = new CircuitBreakerConfig(50, 8, 4, 0,
        Duration.ofSeconds(1), 1, 1);
    clock.advance(Duration.ofSeconds(1));
    assertNull(breaker.tryAcquirePermission(larger));
    assertNotNull(breaker.tryAcquirePermission(shortWait), "a store's shorter wait applies");
  }

  @Test
  void manyThreadsFailingAtOnceOpenItExactlyOnce() throws Exception {
    CircuitBreakerConfig config = countRule(1, 1, 1);
    for (int round = 0; round < 20; round++) {
      transitions.clear();
      CircuitBreaker breaker = breaker(config);
      List<Phase> permits = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        permits.add(breaker.tryAcquirePermission(config));
      }
      race(i -> breaker.onFailure(permits.get(i), config));
      assertEquals(List.of("CLOSED->OPEN"), transitions, "round " + round);
    }
  }

  @Test
  void manyThreadsAskingWhenTheWaitIsOverGetExactlyThePermittedProbes() throws Exception {
    for (int permitted : new int[] {1, 3}) {
      CircuitBreakerConfig config = countRule(1, permitted, 1);
      for (int round = 0; round < 20; round++) {
        transitions.clear();
        CircuitBreaker breaker = opened(config);
        clock.advance(WAIT);
        AtomicInteger probes = new AtomicInteger();
        race(i -> {
          if (breaker.tryAcquirePermission(config) != null) {
            probes.incrementAndGet();
          }
        });
        assertEquals(permitted, probes.get(), "probes out of " + THREADS + " racing calls");
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN"), transitions);
      }
    }
  }

  @Test
  void manyProbesSucceedingAtOnceCloseItExactlyOnce() throws Exception {
    CircuitBreakerConfig config = countRule(1, THREADS, 4);
    for (int round = 0; round < 20; round++) {
      transitions.clear();
      CircuitBreaker breaker = opened(config);
      clock.advance(WAIT);
      List<Phase> probes = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        probes.add(breaker.tryAcquirePermission(config));
      }
      race(i -> breaker.onSuccess(probes.get(i), config));
      assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"), transitions);
    }
  }

  @Test
  void theWindowCountsExactlyUnderConcurrentWriters() throws Exception {
    OutcomeWindow window = new OutcomeWindow(THREADS * 100);
    race(i -> {
      for (int n = 0; n < 100; n++) {
        if (i % 4 == 0) {
          window.recordFailure();
        } else {
          window.recordSuccess();
        }
      }
    });
    assertEquals(THREADS * 100, window.calls());
    assertEquals(25.0, window.failureRate(), 1e-9);
  }

  @Test
  void aPermitIsThePhaseThatGaveIt() {
    CircuitBreakerConfig config = countRule(1, 1, 1);
    CircuitBreaker breaker = breaker(config);
    assertSame(breaker.tryAcquirePermission(config), breaker.tryAcquirePermission(config),
        "CLOSED hands out its phase: no allocation per call");
  }

  /** A task per thread, all released at once; waits for all of them and rethrows a failure. */
  private void race(IntTask task) throws Exception {
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int index = i;
      done.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        task.run(index);
        return null;
      }));
    }
    assertTrue(ready.await(10, TimeUnit.SECONDS), "threads ready");
    go.countDown();
    for (Future<?> f : done) {
      f.get(10, TimeUnit.SECONDS);
    }
  }

  @FunctionalInterface
  private interface IntTask {
    void run(int index);
  }
}
