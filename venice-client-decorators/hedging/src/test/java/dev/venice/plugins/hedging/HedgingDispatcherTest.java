package dev.venice.plugins.hedging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.testkit.Await;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher through the plugin as a host runs it: started in a testing context, settings per
 * store through the store's metadata, hedge timers on the plugin's scheduler, the extra-load budget
 * the testing host's (set per test). The context's manual clock stands still, so a slow test run
 * cannot slide the latency window.
 */
class HedgingDispatcherTest {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);

  /** Replicas of our own dispatcher interface whose answers the test controls. */
  private final Map<String, CompletableFuture<ReplicaResponse>> calls = new ConcurrentHashMap<>();
  private final ReplicaDispatcher replicas = request -> calls.computeIfAbsent(
      request.candidates().get(0).instanceId(), id -> new CompletableFuture<>());

  private TestingPluginContext context;
  private ReplicaDispatchDecorator decorator;

  @BeforeEach
  void start() throws Exception {
    context = TestingPluginContext.builder(new HedgingPlugin()).build();
    decorator = context.start().replicaDecorators().get(0);
  }

  @AfterEach
  void stop() {
    context.close();
  }

  /** FIXED-mode hedging for {@code store}, set in the store's settings. */
  private ReplicaDispatcher hedging(String store, Duration delay) {
    context.putStoreSettings(store, Map.of("mode", "FIXED", "delay", delay.toMillis() + "ms"));
    assertEquals(Map.of(), context.storeErrors(), "the store's settings were taken");
    return decorator.decorate(replicas, store);
  }

  private static ReplicaRequest request(String store, RequestKind kind, Replica... candidates) {
    return request(store, kind, 1, candidates);
  }

  private static ReplicaRequest request(String store, RequestKind kind, int keys,
      Replica... candidates) {
    List<byte[]> keyBytes = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      keyBytes.add(new byte[] {(byte) i});
    }
    return new ReplicaRequest(store, 1, 0, kind, keyBytes, RequestContext.of(store),
        List.of(candidates));
  }

  private static ReplicaResponse answer(Replica replica) {
    return new ReplicaResponse(replica, List.of());
  }

  private double count(String meter, String store) {
    return context.meterRegistry().get("venice.client.hedging." + meter).tag("store", store)
        .counter().count();
  }

  private void awaitCall(String replica) {
    Await.until(() -> calls.containsKey(replica), () -> "a call to " + replica);
  }

  @Test
  void aFastAnswerSendsNoHedge() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ofSeconds(5));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request("s", RequestKind.SINGLE_GET, A, B));
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
    assertFalse(calls.containsKey("b_1"));
    assertEquals(1, count("requests", "s"));
    assertEquals(0, count("hedges.sent", "s"));
  }

  @Test
  void aSlowReplicaIsHedgedAndTheLoserCancelled() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request("s", RequestKind.BATCH_GET, A, B));
    awaitCall("b_1");
    calls.get("b_1").complete(answer(B));
    assertSame(B, result.join().servedBy(), "the hedge to the second replica answered");
    assertTrue(calls.get("a_1").isCancelled(), "the slow first call was cancelled before the"
        + " result was given");
    assertEquals(1, count("hedges.sent", "s"));
    assertEquals(1, count("hedges.won", "s"));
  }

  @Test
  void whenTheFirstCallWinsTheHedgeIsCancelled() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request("s", RequestKind.SINGLE_GET, A, B));
    awaitCall("b_1");
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
    // promptly, even if the hedge was still being sent
    Await.until(() -> calls.get("b_1").isCancelled(), () -> "the hedge to b_1 cancelled");
    assertEquals(0, count("hedges.won", "s"));
  }

  @Test
  void aSpentBudgetSendsNoHedgeAndCancelsNothing() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ofMillis(1));
    context.host().extraLoad().remainingKeys(0);
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request("s", RequestKind.SINGLE_GET, A, B));
    Await.until(() -> count("budget.exhausted", "s") >= 1, () -> "the budget checked");
    assertFalse(calls.containsKey("b_1"));
    assertFalse(calls.get("a_1").isCancelled());
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
  }

  @Test
  void aHedgeCostsItsKeysInTheSharedBudget() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ZERO);
    context.host().extraLoad().remainingKeys(5);
    CompletableFuture<ReplicaResponse> first =
        dispatcher.dispatch(request("s", RequestKind.BATCH_GET, 3, A, B));
    awaitCall("b_1");
    calls.get("b_1").complete(answer(B));
    first.join();
    assertEquals(3, context.host().extraLoad().grantedKeys(), "a 3-key hedge costs 3 keys");

    calls.clear();
    CompletableFuture<ReplicaResponse> second =
        dispatcher.dispatch(request("s", RequestKind.BATCH_GET, 3, A, B));
    Await.until(() -> count("budget.exhausted", "s") >= 1, () -> "the second hedge refused");
    assertEquals(3, context.host().extraLoad().refusedKeys(), "2 keys left do not fit 3");
    assertFalse(calls.containsKey("b_1"));
    calls.get("a_1").complete(answer(A));
    second.join();
  }

  @Test
  void theBudgetsDelayFloorHoldsBackAZeroDelayHedge() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ZERO);
    context.host().extraLoad().minDelay(Duration.ofMillis(50));
    long start = System.nanoTime();
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request("s", RequestKind.SINGLE_GET, A, B));
    awaitCall("b_1");
    long waited = System.nanoTime() - start;
    assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(50),
        "a timer never fires early: the hedge waited the floor, not zero, but " + waited + " ns");
    calls.get("b_1").complete(answer(B));
    result.join();
  }

  @Test
  void streamingAndSingleReplicaRequestsPassThrough() {
    ReplicaDispatcher dispatcher = hedging("s", Duration.ZERO);
    CompletableFuture<ReplicaResponse> streaming =
        dispatcher.dispatch(request("s", RequestKind.STREAMING_BATCH_GET, A, B));
    assertSame(calls.get("a_1"), streaming);
    calls.clear();
    CompletableFuture<ReplicaResponse> alone =
        dispatcher.dispatch(request("s", RequestKind.SINGLE_GET, A));
    assertSame(calls.get("a_1"), alone);
    assertEquals(0, count("requests", "s"));
  }

  @Test
  void aFailedFirstCallIsNotHedgedAndBothFailingFails() {
    ReplicaDispatcher slow = hedging("slow", Duration.ofSeconds(5));
    CompletableFuture<ReplicaResponse> result =
        slow.dispatch(request("slow", RequestKind.SINGLE_GET, A, B));
    calls.get("a_1").completeExceptionally(new IllegalStateException("a down"));
    CompletionException failed = assertThrows(CompletionException.class, result::join);
    assertEquals("a down", failed.getCause().getMessage());
    assertFalse(calls.containsKey("b_1"));

    calls.clear();
    ReplicaDispatcher quick = hedging("quick", Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> both =
        quick.dispatch(request("quick", RequestKind.SINGLE_GET, A, B));
    awaitCall("b_1");
    calls.get("b_1").completeExceptionally(new IllegalStateException("b down"));
    assertFalse(both.isDone(), "the first call may still answer");
    calls.get("a_1").completeExceptionally(new IllegalStateException("a down"));
    assertThrows(CompletionException.class, both::join);
  }

  @Test
  void percentileModeHedgesAfterTheObservedLatency() {
    ManualTimeSource clock = new ManualTimeSource();
    SlidingWindow window = new SlidingWindow(Duration.ofSeconds(10).toNanos(), clock::nanoTime);
    for (int i = 1; i <= 100; i++) {
      window.recordLatency(TimeUnit.MILLISECONDS.toNanos(i));
    }
    long p95 = window.percentileNanos(95);
    assertTrue(p95 >= TimeUnit.MILLISECONDS.toNanos(94) && p95 <= TimeUnit.MILLISECONDS.toNanos(97),
        "p95 of 1..100 ms: " + p95);
    assertEquals(-1, new SlidingWindow(1_000_000_000L, clock::nanoTime).percentileNanos(95));
  }

  @Test
  void oldLatenciesLeaveTheWindow() {
    ManualTimeSource clock = new ManualTimeSource();
    SlidingWindow window = new SlidingWindow(10_000, clock::nanoTime);
    window.recordLatency(5_000);
    assertEquals(5_000, window.percentileNanos(50), 5_000 / 100.0);
    clock.advance(Duration.ofNanos(20_000)); // the whole window later
    assertEquals(-1, window.percentileNanos(50), "nothing left in the window");
  }
}
