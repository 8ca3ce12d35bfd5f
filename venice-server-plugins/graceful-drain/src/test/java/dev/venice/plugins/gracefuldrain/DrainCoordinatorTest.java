package dev.venice.plugins.gracefuldrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.plugins.gracefuldrain.DrainCoordinator.Phase;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestScope;
import dev.venice.testkit.Await;
import dev.venice.testkit.ManualTimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drain's rules on a manual clock: the quiet period (restarted by every call that starts),
 * calls in flight holding it, the deadline and the refusals after it, the count under concurrent
 * opens and ends, and the wait's edges (already ended, interrupted, a second begin).
 */
class DrainCoordinatorTest {
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");
  private static final String REASON = "server h_7001 is stopping: drain deadline passed";

  private final ManualTimeSource clock = new ManualTimeSource();
  private final ExecutorService waiters = Executors.newCachedThreadPool();
  private final DrainCoordinator drain =
      new DrainCoordinator(clock, Duration.ofSeconds(30), Duration.ofSeconds(1), REASON);

  @AfterEach
  void stopWaiters() {
    waiters.shutdownNow();
  }

  private Future<Phase> await() {
    return waiters.submit(drain::awaitDrained);
  }

  /** Moves the clock and wakes the wait, as the system clock's timed wait would. */
  private void advance(Duration step) {
    clock.advance(step);
    drain.recheck();
  }

  private static Phase outcome(Future<Phase> waiting) throws Exception {
    Await.until(waiting::isDone, () -> "the drain to end");
    return waiting.get();
  }

  @Test
  void withNothingInFlightTheDrainEndsAfterTheQuietPeriod() throws Exception {
    assertTrue(drain.begin(null));
    Future<Phase> waiting = await();
    advance(Duration.ofMillis(999));
    assertFalse(waiting.isDone(), "the quiet period has not passed");
    assertEquals(Phase.DRAINING, drain.phase());
    advance(Duration.ofMillis(1));
    assertEquals(Phase.DRAINED, outcome(waiting));
    assertEquals(Duration.ofSeconds(1), drain.drainDuration());
    assertEquals(Duration.ZERO, drain.lastRequestAfterStart(), "no call started in the drain");
    assertNull(drain.status().lastRequestAt());
    advance(Duration.ofSeconds(5));
    assertEquals(Duration.ofSeconds(1), drain.drainDuration(), "the duration stops at the end");
  }

  @Test
  void everyCallThatStartsRestartsTheQuietPeriod() throws Exception {
    drain.begin(null);
    Future<Phase> waiting = await();
    advance(Duration.ofMillis(800));
    drain.open().onEnd(OK); // a router still sending after the routing change
    advance(Duration.ofMillis(800));
    assertFalse(waiting.isDone(), "quiet for 0.8 s only");
    advance(Duration.ofMillis(200));
    assertEquals(Phase.DRAINED, outcome(waiting));
    assertEquals(Duration.ofMillis(1800), drain.drainDuration());
    assertEquals(Duration.ofMillis(800), drain.lastRequestAfterStart());
    assertEquals(ManualTimeSource.DEFAULT_START.plusMillis(800), drain.status().lastRequestAt());
    assertEquals(ManualTimeSource.DEFAULT_START, drain.status().drainStartedAt());
  }

  @Test
  void aCallInFlightHoldsTheDrainUntilItEnds() throws Exception {
    RequestScope before = drain.open(); // opened before the drain: counted all the same
    assertEquals(1, drain.inFlight());
    drain.begin(null);
    Future<Phase> waiting = await();
    advance(Duration.ofSeconds(3));
    assertFalse(waiting.isDone(), "a call is in flight");
    before.onEnd(OK); // the last end wakes the wait by itself, no recheck
    assertEquals(Phase.DRAINED, outcome(waiting));
    assertEquals(Duration.ofSeconds(3), drain.drainDuration());
    assertEquals(0, drain.inFlight());
  }

  @Test
  void afterTheDeadlineNewCallsAreRefusedAndCountedWhileCallsInFlightRunOn() throws Exception {
    RequestScope stuck = drain.open();
    assertTrue(drain.begin(Duration.ofSeconds(5)));
    Future<Phase> waiting = await();
    advance(Duration.ofMillis(4999));
    assertFalse(waiting.isDone());
    advance(Duration.ofMillis(1));
    assertEquals(Phase.DEADLINE_PASSED, outcome(waiting));
    assertEquals(Duration.ofSeconds(5), drain.drainDuration());

    RequestScope refused = drain.open();
    assertEquals(Optional.of(REASON), refused.refusal());
    refused.onEnd(new RequestEnd(14, "UNAVAILABLE", REASON)); // the host still ends it
    assertEquals(1, drain.refusedAfterDeadline());
    assertEquals(1, drain.inFlight(), "the refused call is not in flight; the stuck one is");
    stuck.onEnd(OK);
    assertEquals(0, drain.inFlight());
    assertEquals(1, drain.status().refusedAfterDeadline());
    assertEquals(Phase.DEADLINE_PASSED, drain.awaitDrained(), "an ended drain answers at once");
  }

  @Test
  void whileServingCallsAreOnlyCountedWithOneSharedScope() {
    RequestScope first = drain.open();
    RequestScope second = drain.open();
    assertSame(first, second, "nothing is allocated per call");
    assertEquals(Optional.empty(), first.refusal());
    assertEquals(2, drain.inFlight());
    first.onEnd(OK);
    second.onEnd(OK);
    assertEquals(0, drain.inFlight());
    assertEquals(Phase.SERVING, drain.phase());
    assertEquals(Duration.ZERO, drain.drainDuration());
    assertNull(drain.status().drainStartedAt());
  }

  @Test
  void aSecondBeginKeepsTheFirstDeadline() {
    assertTrue(drain.begin(Duration.ofSeconds(5)));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(drain.begin(Duration.ofSeconds(60)));
    assertFalse(drain.begin(null));
    assertEquals(Duration.ofSeconds(5), drain.status().timeout());
    assertEquals(ManualTimeSource.DEFAULT_START, drain.status().drainStartedAt());
    assertThrows(IllegalArgumentException.class, () -> drain.begin(Duration.ZERO));
  }

  @Test
  void awaitBeginsTheDrainWithTheConfiguredDeadlineWhenNoOneDid() throws Exception {
    Future<Phase> waiting = await();
    Await.until(() -> drain.phase() == Phase.DRAINING, () -> "the drain to begin");
    assertEquals(Duration.ofSeconds(30), drain.status().timeout());
    drain.open(); // never ends
    advance(Duration.ofSeconds(30));
    assertEquals(Phase.DEADLINE_PASSED, outcome(waiting));
  }

  @Test
  void aZeroQuietPeriodEndsTheDrainWhenTheLastCallEnds() throws Exception {
    DrainCoordinator noQuiet =
        new DrainCoordinator(clock, Duration.ofSeconds(30), Duration.ZERO, REASON);
    RequestScope call = noQuiet.open();
    noQuiet.begin(null);
    Future<Phase> waiting = waiters.submit(noQuiet::awaitDrained);
    call.onEnd(OK);
    assertEquals(Phase.DRAINED, outcome(waiting));
    assertEquals(Duration.ZERO, noQuiet.drainDuration());
  }

  @Test
  void anInterruptedWaitThrowsAndLeavesTheDrainRunning() throws Exception {
    drain.begin(null);
    Future<Phase> waiting = await();
    waiting.cancel(true);
    waiters.shutdown();
    assertTrue(waiters.awaitTermination(10, TimeUnit.SECONDS), "the interrupted wait returned");
    assertEquals(Phase.DRAINING, drain.phase());
    assertEquals(Optional.empty(), drain.open().refusal());
  }

  /**
   * Four threads open and end calls while the drain begins and ends around them: the count comes
   * back to exactly zero, the drain ends quiet once they stop, and after a deadline every open is
   * refused and counted.
   */
  @Test
  void concurrentOpensAndEndsAreCountedExactly() throws Exception {
    int threads = 4;
    int callsEach = 20_000;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      callers.add(CompletableFuture.runAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        List<RequestScope> open = new ArrayList<>();
        for (int i = 0; i < callsEach; i++) {
          open.add(drain.open());
          if (open.size() == 8) { // a few calls in flight per thread, ended out of order
            open.remove(3).onEnd(OK);
            open.remove(0).onEnd(OK);
          }
        }
        open.forEach(s -> s.onEnd(OK));
      }, waiters));
    }
    go.countDown();
    drain.begin(null); // while the callers run
    Future<Phase> waiting = await();
    CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertEquals(0, drain.inFlight());
    assertEquals(0, drain.refusedAfterDeadline());
    advance(Duration.ofSeconds(1));
    assertEquals(Phase.DRAINED, outcome(waiting));

    DrainCoordinator timedOut =
        new DrainCoordinator(clock, Duration.ofSeconds(1), Duration.ZERO, REASON);
    RequestScope stuck = timedOut.open();
    timedOut.begin(null);
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Phase.DEADLINE_PASSED, timedOut.awaitDrained());
    List<CompletableFuture<Void>> refused = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      refused.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < callsEach; i++) {
          RequestScope scope = timedOut.open();
          assertNotSame(stuck, scope);
          scope.onEnd(OK);
        }
      }, waiters));
    }
    for (CompletableFuture<Void> f : refused) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError(e.getCause());
      }
    }
    assertEquals((long) threads * callsEach, timedOut.refusedAfterDeadline());
    assertEquals(1, timedOut.inFlight(), "only the call opened before the deadline");
  }
}
