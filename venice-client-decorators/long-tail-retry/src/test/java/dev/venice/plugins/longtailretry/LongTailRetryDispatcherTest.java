package dev.venice.plugins.longtailretry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.Replica;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.testkit.Await;
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
 * The dispatcher through the plugin as a host runs it: settings per store, retry timers on the
 * plugin's scheduler, the testing host's extra-load budget (set per test). Replicas are our own
 * dispatcher interface; each test completes their calls.
 */
class LongTailRetryDispatcherTest {
  private static final Replica A = new Replica("a_1", "a", 1);
  private static final Replica B = new Replica("b_1", "b", 1);

  private final Map<String, CompletableFuture<ReplicaResponse>> calls = new ConcurrentHashMap<>();
  /** Calls whose future is already failed when dispatched, by instance. */
  private final Map<String, RuntimeException> failAtOnce = new ConcurrentHashMap<>();
  private final ReplicaDispatcher replicas = request -> calls.computeIfAbsent(
      request.candidates().get(0).instanceId(), id -> failAtOnce.containsKey(id)
          ? CompletableFuture.failedFuture(failAtOnce.get(id)) : new CompletableFuture<>());

  private TestingPluginContext context;
  private ReplicaDispatchDecorator decorator;

  @BeforeEach
  void start() throws Exception {
    context = TestingPluginContext.builder(new LongTailRetryPlugin()).build();
    decorator = context.start().replicaDecorators().get(0);
  }

  @AfterEach
  void stop() {
    context.close();
  }

  /** Long-tail retry for store "s" with {@code settings} in the store's settings. */
  private ReplicaDispatcher retrying(Map<String, String> settings) {
    context.putStoreSettings("s", settings);
    assertEquals(Map.of(), context.storeErrors(), "the store's settings were taken");
    return decorator.decorate(replicas, "s");
  }

  private ReplicaDispatcher retryingSingleGetsAfter(Duration threshold) {
    return retrying(Map.of("threshold-for-single-get", threshold.toMillis() + "ms"));
  }

  private static ReplicaRequest request(RequestKind kind, int keys, Replica... candidates) {
    List<byte[]> keyBytes = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      keyBytes.add(new byte[] {(byte) i});
    }
    return new ReplicaRequest("s", 1, 0, kind, keyBytes, RequestContext.of("s"),
        List.of(candidates));
  }

  private static ReplicaRequest singleGet() {
    return request(RequestKind.SINGLE_GET, 1, A, B);
  }

  private static ReplicaResponse answer(Replica replica) {
    return new ReplicaResponse(replica, List.of());
  }

  private double count(String meter) {
    return context.meterRegistry().get("venice.client.long.tail.retry." + meter)
        .tag("store", "s").counter().count();
  }

  private void awaitCall(String replica) {
    Await.until(() -> calls.containsKey(replica), () -> "a call to " + replica);
  }

  @Test
  void anAnswerWithinTheThresholdSendsNoRetry() {
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ofSeconds(5));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
    assertFalse(calls.containsKey("b_1"));
    assertEquals(1, count("requests"));
    assertEquals(0, count("retries.sent"));
  }

  @Test
  void aSlowCallIsRetriedOnTheNextReplicaAndTheLoserCancelledFirst() {
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    awaitCall("b_1");
    CompletableFuture<Boolean> loserCancelledWhenSeen =
        result.thenApply(r -> calls.get("a_1").isCancelled());
    calls.get("b_1").complete(answer(B));
    assertSame(B, result.join().servedBy());
    assertTrue(loserCancelledWhenSeen.join(), "the slow call was cancelled before the answer"
        + " was given");
    assertEquals(1, count("retries.sent"));
    assertEquals(1, count("retries.won"));
    assertEquals(1, context.host().extraLoad().grantedKeys());
  }

  @Test
  void whenTheFirstCallWinsTheRetryIsCancelled() {
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    awaitCall("b_1");
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
    Await.until(() -> calls.get("b_1").isCancelled(), () -> "the retry to b_1 cancelled");
    assertEquals(0, count("retries.won"));
  }

  @Test
  void aQuotaRejectionIsNeverRetried() {
    failAtOnce.put("a_1", new QuotaExceededException("s", "over quota"));
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ZERO);
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    CompletionException failed = assertThrows(CompletionException.class, result::join);
    assertTrue(failed.getCause() instanceof QuotaExceededException);
    assertFalse(calls.containsKey("b_1"), "no retry is even scheduled");
    assertEquals(0, count("retries.sent"));
  }

  @Test
  void aBreakerRefusalIsNeverRetried() {
    ServiceUnavailableException open = new ServiceUnavailableException("s", "all open", null) {
      @Override
      public boolean isRetriable() {
        return false;
      }
    };
    failAtOnce.put("a_1", open);
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ZERO);
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    CompletionException failed = assertThrows(CompletionException.class, result::join);
    assertSame(open, failed.getCause());
    assertFalse(calls.containsKey("b_1"));
  }

  @Test
  void aRefusedRetryLeavesTheFirstCallToAnswer() {
    failAtOnce.put("b_1", new ServiceUnavailableException("s", "b's breaker is open", null));
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    awaitCall("b_1");
    assertFalse(result.isDone(), "the first call may still answer");
    assertFalse(calls.get("a_1").isCancelled());
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
  }

  @Test
  void whenBothCallsFailTheRequestFailsWithTheFirstCallsError() {
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    awaitCall("b_1");
    calls.get("a_1").completeExceptionally(new IllegalStateException("a down"));
    assertFalse(result.isDone(), "the retry may still answer");
    calls.get("b_1").completeExceptionally(new IllegalStateException("b down"));
    assertEquals("a down", assertThrows(CompletionException.class, result::join)
        .getCause().getMessage());
  }

  @Test
  void aSpentBudgetSendsNoRetryAndCancelsNothing() {
    context.host().extraLoad().remainingKeys(2);
    ReplicaDispatcher dispatcher = retrying(Map.of("range-based-threshold-for-batch-get",
        "1-:0"));
    CompletableFuture<ReplicaResponse> result =
        dispatcher.dispatch(request(RequestKind.BATCH_GET, 3, A, B));
    Await.until(() -> count("budget.exhausted") >= 1, () -> "the budget checked");
    assertEquals(3, context.host().extraLoad().refusedKeys(), "a 3-key retry costs 3 keys");
    assertFalse(calls.containsKey("b_1"));
    assertFalse(calls.get("a_1").isCancelled());
    calls.get("a_1").complete(answer(A));
    assertSame(A, result.join().servedBy());
  }

  @Test
  void batchGetsWaitTheThresholdOfTheirKeyCount() {
    ReplicaDispatcher dispatcher = retrying(Map.of("range-based-threshold-for-batch-get",
        "1-2:0,3-:60000"));
    CompletableFuture<ReplicaResponse> small =
        dispatcher.dispatch(request(RequestKind.BATCH_GET, 2, A, B));
    awaitCall("b_1");
    calls.get("b_1").complete(answer(B));
    small.join();
    LongTailRetryConfig settings = LongTailRetryConfig.from(context.configForStore("s"));
    assertEquals(0, settings.thresholdNanos(RequestKind.BATCH_GET, 2));
    assertEquals(TimeUnit.SECONDS.toNanos(60), settings.thresholdNanos(RequestKind.BATCH_GET, 3));
    assertEquals(-1, settings.thresholdNanos(RequestKind.STREAMING_BATCH_GET, 3));
  }

  @Test
  void theBudgetsDelayFloorHoldsBackAZeroThresholdRetry() {
    context.host().extraLoad().minDelay(Duration.ofMillis(50));
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ZERO);
    long start = System.nanoTime();
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    awaitCall("b_1");
    long waited = System.nanoTime() - start;
    assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(50),
        "a timer never fires early: the retry waited the floor, not zero, but " + waited + " ns");
    calls.get("b_1").complete(answer(B));
    result.join();
  }

  @Test
  void cancellingTheRequestCancelsBothCalls() {
    ReplicaDispatcher dispatcher = retryingSingleGetsAfter(Duration.ofMillis(1));
    CompletableFuture<ReplicaResponse> result = dispatcher.dispatch(singleGet());
    awaitCall("b_1");
    result.cancel(true);
    assertTrue(calls.get("a_1").isCancelled());
    assertTrue(calls.get("b_1").isCancelled());
  }

  @Test
  void streamingSingleReplicaAndSwitchedOffKindsPassThrough() {
    ReplicaDispatcher dispatcher = retrying(Map.of("enabled-for-batch-get", "false"));
    CompletableFuture<ReplicaResponse> streaming =
        dispatcher.dispatch(request(RequestKind.STREAMING_BATCH_GET, 2, A, B));
    assertSame(calls.get("a_1"), streaming);
    calls.clear();
    assertSame(dispatcher.dispatch(request(RequestKind.SINGLE_GET, 1, A)), calls.get("a_1"));
    calls.clear();
    assertSame(dispatcher.dispatch(request(RequestKind.BATCH_GET, 2, A, B)), calls.get("a_1"));
    assertEquals(0, count("requests"));
  }
}
