package dev.venice.plugins.hedging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HedgingDispatcherTest {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Replicas of our own dispatcher interface whose answers the test controls. */
  private final Map<String, CompletableFuture<ReplicaResponse>> calls = new ConcurrentHashMap<>();
  private final ReplicaDispatcher replicas = request -> calls.computeIfAbsent(
      request.candidates().get(0).instanceId(), id -> new CompletableFuture<>());

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  /** The window's clock stands still, so a slow test run cannot slide the budget's window. */
  private HedgingDispatcher hedging(HedgingConfig config) {
    return new HedgingDispatcher(replicas, () -> config, () -> 0L,
        new HedgingMetrics(registry, "venice.client.hedging.", "s"), timer, TimeSource.SYSTEM);
  }

  private static HedgingConfig fixed(Duration delay, double budget, int minHedges) {
    return new HedgingConfig(HedgingConfig.Mode.FIXED, delay, 95, Duration.ofMillis(1),
        Duration.ofSeconds(10), budget, minHedges);
  }

  private static ReplicaRequest request(RequestKind kind, Replica... candidates) {
    return new ReplicaRequest("s", 1, 0, kind, List.of(new byte[] {1}), RequestContext.of("s"),
        List.of(candidates));
  }

  private static ReplicaResponse answer(Replica replica) {
    return new ReplicaResponse(replica, List.of());
  }

  private double count(String name) {
    return registry.get(name).counter().count();
  }

  private void awaitCall(String replica) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!calls.containsKey(replica)) {
      assertTrue(System.nanoTime() < deadline, "no call to " + replica);
      Thread.onSpinWait();
    }
  }

  private void awaitCancelled(String replica) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!calls.get(replica).isCancelled()) {
      assertTrue(System.nanoTime() < deadline, "the call to " + replica + " was not cancelled");
      Thread.onSpinWait();
    }
  }

  @Test
  void aFastAnswerSendsNoHedge() {
    HedgingDispatcher dispatcher = hedging(fixed(Duration.ofSeconds(5), 1, 1));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request(RequestKind.SINGLE_GET, A, B));
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
    assertFalse(calls.containsKey("b_1"));
    assertEquals(1, count("venice.client.hedging.requests"));
    assertEquals(0, count("venice.client.hedging.hedges.sent"));
  }

  @Test
  void aSlowReplicaIsHedgedAndTheLoserCancelled() {
    HedgingDispatcher dispatcher = hedging(fixed(Duration.ofMillis(1), 1, 1));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request(RequestKind.BATCH_GET, A, B));
    awaitCall("b_1");
    calls.get("b_1").complete(answer(B));
    assertSame(B, result.join().servedBy(), "the hedge to the second replica answered");
    assertTrue(calls.get("a_1").isCancelled(), "the slow first call was cancelled before the"
        + " result was given");
    assertEquals(1, count("venice.client.hedging.hedges.sent"));
    assertEquals(1, count("venice.client.hedging.hedges.won"));
  }

  @Test
  void whenTheFirstCallWinsTheHedgeIsCancelled() {
    HedgingDispatcher dispatcher = hedging(fixed(Duration.ofMillis(1), 1, 1));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request(RequestKind.SINGLE_GET, A, B));
    awaitCall("b_1");
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
    awaitCancelled("b_1"); // promptly, even if the hedge was still being sent
    assertEquals(0, count("venice.client.hedging.hedges.won"));
  }

  @Test
  void aSpentBudgetSendsNoHedgeAndCancelsNothing() throws Exception {
    HedgingDispatcher dispatcher = hedging(fixed(Duration.ofMillis(1), 0, 0));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request(RequestKind.SINGLE_GET, A, B));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (count("venice.client.hedging.budget.exhausted") < 1) {
      assertTrue(System.nanoTime() < deadline, "budget never checked");
      Thread.onSpinWait();
    }
    assertFalse(calls.containsKey("b_1"));
    assertFalse(calls.get("a_1").isCancelled());
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
  }

  @Test
  void theBudgetCapsHedgesOverTheWindow() {
    HedgingDispatcher dispatcher = hedging(fixed(Duration.ZERO, 0.1, 1));
    int requests = 100;
    for (int i = 0; i < requests; i++) {
      calls.clear();
      double decided = count("venice.client.hedging.hedges.sent")
          + count("venice.client.hedging.budget.exhausted");
      CompletableFuture<ReplicaResponse> result =
          dispatcher.dispatch(request(RequestKind.SINGLE_GET, A, B));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (count("venice.client.hedging.hedges.sent")
          + count("venice.client.hedging.budget.exhausted") == decided) {
        assertTrue(System.nanoTime() < deadline);
        Thread.onSpinWait();
      }
      calls.get("a_1").complete(answer(A));
      result.join();
    }
    double sent = count("venice.client.hedging.hedges.sent");
    assertTrue(sent <= Math.max(1, 0.1 * requests), "hedges " + sent + " over budget");
    assertTrue(sent >= 9, "the budget was used: " + sent);
  }

  @Test
  void streamingAndSingleReplicaRequestsPassThrough() {
    HedgingDispatcher dispatcher = hedging(fixed(Duration.ZERO, 1, 1));
    CompletableFuture<ReplicaResponse> streaming =
        dispatcher.dispatch(request(RequestKind.STREAMING_BATCH_GET, A, B));
    assertSame(calls.get("a_1"), streaming);
    calls.clear();
    CompletableFuture<ReplicaResponse> alone = dispatcher.dispatch(request(RequestKind.SINGLE_GET,
        A));
    assertSame(calls.get("a_1"), alone);
    assertEquals(0, count("venice.client.hedging.requests"));
  }

  @Test
  void aFailedFirstCallIsNotHedgedAndBothFailingFails() {
    HedgingDispatcher slow = hedging(fixed(Duration.ofSeconds(5), 1, 1));
    CompletableFuture<ReplicaResponse> result =
        slow.dispatch(request(RequestKind.SINGLE_GET, A, B));
    calls.get("a_1").completeExceptionally(new IllegalStateException("a down"));
    CompletionException failed = assertThrows(CompletionException.class, result::join);
    assertEquals("a down", failed.getCause().getMessage());
    assertFalse(calls.containsKey("b_1"));

    calls.clear();
    HedgingDispatcher quick = hedging(fixed(Duration.ofMillis(1), 1, 1));
    CompletableFuture<ReplicaResponse> both =
        quick.dispatch(request(RequestKind.SINGLE_GET, A, B));
    awaitCall("b_1");
    calls.get("b_1").completeExceptionally(new IllegalStateException("b down"));
    assertFalse(both.isDone(), "the first call may still answer");
    calls.get("a_1").completeExceptionally(new IllegalStateException("a down"));
    assertThrows(CompletionException.class, both::join);
  }

  @Test
  void percentileModeHedgesAfterTheObservedLatency() {
    SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10).toNanos(), System::nanoTime);
    for (int i = 1; i <= 100; i++) {
      window.recordLatency(TimeUnit.MILLISECONDS.toNanos(i));
    }
    long p95 = window.percentileNanos(95);
    assertTrue(p95 >= TimeUnit.MILLISECONDS.toNanos(94) && p95 <= TimeUnit.MILLISECONDS.toNanos(97),
        "p95 of 1..100 ms: " + p95);
    assertEquals(-1, new SlidingWindow(1_000_000_000L, System::nanoTime).percentileNanos(95));
  }

  @Test
  void oldBucketsLeaveTheWindow() {
    long[] now = {0};
    SlidingWindow window = new SlidingWindow(10_000, () -> now[0]);
    for (int i = 0; i < 10; i++) {
      window.recordRequest();
    }
    assertTrue(window.tryHedge(0.1, 0));
    assertFalse(window.tryHedge(0.1, 0), "one hedge per ten requests");
    now[0] += 20_000; // the whole window later
    assertFalse(window.tryHedge(0.1, 0), "no requests in the new window");
    for (int i = 0; i < 10; i++) {
      window.recordRequest();
    }
    assertTrue(window.tryHedge(0.1, 0));
  }
}
