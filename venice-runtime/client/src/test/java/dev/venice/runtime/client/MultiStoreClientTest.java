package dev.venice.runtime.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The multi-store client over fake store clients of our own interface and a manual deadline
 * timer: parallel dispatch, typed and untyped results, per-store partial failure, the deadline
 * cancelling what is outstanding, cancellation and the argument checks.
 */
class MultiStoreClientTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /**
   * A store client whose batch gets are answered by {@code answer} (a pending future unless the
   * function completes it), every call recorded.
   */
  private static final class FakeClient<K, V> implements StoreClient<K, V> {
    record Call<K, V>(Set<K> keys, RequestContext context, CompletableFuture<Map<K, V>> future) {}

    final List<Call<K, V>> calls = new CopyOnWriteArrayList<>();
    private final String store;
    private final Function<Set<K>, CompletableFuture<Map<K, V>>> answer;

    FakeClient(String store, Function<Set<K>, CompletableFuture<Map<K, V>>> answer) {
      this.store = store;
      this.answer = answer;
    }

    /** A client whose calls stay pending until the test completes them. */
    static <K, V> FakeClient<K, V> pending(String store) {
      return new FakeClient<>(store, keys -> new CompletableFuture<>());
    }

    /** A client answering at once from {@code data}. */
    static <K, V> FakeClient<K, V> holding(String store, Map<K, V> data) {
      return new FakeClient<>(store, keys -> {
        Map<K, V> found = new HashMap<>();
        keys.forEach(k -> {
          if (data.containsKey(k)) {
            found.put(k, data.get(k));
          }
        });
        return CompletableFuture.completedFuture(found);
      });
    }

    @Override
    public String storeName() {
      return store;
    }

    /** A batch get of the one key (MultiStoreClient sends batch gets only). */
    @Override
    public CompletableFuture<V> get(K key, RequestContext context) {
      return batchGet(Set.of(key), context).thenApply(values -> values.get(key));
    }

    @Override
    public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
      CompletableFuture<Map<K, V>> future = answer.apply(keys);
      calls.add(new Call<>(keys, context, future));
      return future;
    }

    /** A batch get whose answer is then streamed key by key. */
    @Override
    public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
        StreamingCallback<K, V> callback) {
      return batchGet(keys, context)
          .thenAccept(values -> keys.forEach(key -> callback.onRecord(key, values.get(key))));
    }

    @Override
    public void close() {}
  }

  /** A deadline timer the test fires by hand; remembers the delays asked for. */
  private static final class ManualTimer implements MultiStoreClient.Timer {
    final List<Duration> delays = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<Void>> timers = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<?> after(Duration delay) {
      delays.add(delay);
      CompletableFuture<Void> timer = new CompletableFuture<>();
      timers.add(timer);
      return timer;
    }

    void fire() {
      timers.forEach(t -> t.complete(null));
    }
  }

  private final ManualTimer timer = new ManualTimer();

  private MultiStoreClient multi(StoreClient<?, ?>... clients) {
    Map<String, StoreClient<?, ?>> byStore = new LinkedHashMap<>(); // calls in this order
    for (StoreClient<?, ?> client : clients) {
      byStore.put(client.storeName(), client);
    }
    return new MultiStoreClient(byStore, CLOCK, timer);
  }

  // ---- types and merging -------------------------------------------------------------------

  @Test
  void eachStoresResultHasItsOwnKeyAndValueTypes() {
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of("alice", 31, "bob", 42));
    FakeClient<Long, String> orders = FakeClient.holding("orders", Map.of(17L, "book"));
    MultiStoreClient multi = multi(ages, orders);
    StoreHandle<String, Integer> agesHandle = multi.handle(ages);
    StoreHandle<Long, String> ordersHandle = multi.handle(orders);

    MultiGetResult result = multi.batchGet(MultiGetRequest.builder()
        .add(agesHandle, Set.of("alice", "carol"))
        .add(ordersHandle, Set.of(17L, 18L))
        .build(), Duration.ofSeconds(1)).join();

    Map<String, Integer> agesRead = result.get(agesHandle); // compile-time types, no casts
    Map<Long, String> ordersRead = result.get(ordersHandle);
    assertEquals(Map.of("alice", 31), agesRead, "missing keys absent, as from batchGet");
    assertEquals(Map.of(17L, "book"), ordersRead);
    assertEquals(Set.of("ages", "orders"), result.stores());
    assertEquals(Map.of(), result.failures());
    assertEquals(Set.of("alice", "carol"), ages.calls.get(0).keys());
  }

  @Test
  void theUntypedFormTakesAMapOfStoreToKeys() {
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of("alice", 31));
    FakeClient<Long, String> orders = FakeClient.holding("orders", Map.of(17L, "book"));
    MultiStoreClient multi = multi(ages, orders);
    Map<String, Set<?>> request = Map.of("ages", Set.of("alice"), "orders", Set.of(17L));
    MultiGetResult result = multi.batchGet(request, Duration.ofSeconds(1)).join();
    assertEquals(Map.of("alice", 31), result.get("ages"));
    assertEquals(Map.of(17L, "book"), result.get("orders"));
  }

  @Test
  void anEmptyRequestCompletesAtOnceWithoutATimer() {
    MultiGetResult result = multi(FakeClient.pending("ages"))
        .batchGet(MultiGetRequest.builder().build(), Duration.ofSeconds(1)).join();
    assertEquals(Set.of(), result.stores());
    assertEquals(List.of(), timer.delays);
  }

  // ---- parallel dispatch -------------------------------------------------------------------

  @Test
  void everyStoreIsCalledBeforeAnyAnswerIsAwaited() {
    // "slow" answers only once "fast" was called: a client that waited for one store before
    // calling the next would never finish
    CompletableFuture<Void> fastCalled = new CompletableFuture<>();
    FakeClient<String, Integer> slow = new FakeClient<>("slow",
        keys -> fastCalled.thenApply(x -> Map.of("a", 1)));
    FakeClient<String, Integer> fast = new FakeClient<>("fast", keys -> {
      fastCalled.complete(null);
      return CompletableFuture.completedFuture(Map.of("b", 2));
    });
    MultiStoreClient multi = multi(slow, fast);
    MultiGetRequest request = MultiGetRequest.builder()
        .add(multi.handle(slow), Set.of("a")).add(multi.handle(fast), Set.of("b")).build();
    MultiGetResult result = assertTimeoutPreemptively(Duration.ofSeconds(5),
        () -> multi.batchGet(request, Duration.ofSeconds(1)).join());
    assertEquals(Map.of("a", 1), result.get(multi.handle(slow)));
    assertEquals(Map.of("b", 2), result.get(multi.handle(fast)));
  }

  @Test
  void everyStoreGetsTheCallsOneDeadlineInItsContext() {
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of());
    FakeClient<Long, String> orders = FakeClient.holding("orders", Map.of());
    MultiStoreClient multi = multi(ages, orders);
    multi.batchGet(Map.of("ages", Set.of("a"), "orders", Set.of(1L)), Duration.ofMillis(250))
        .join();
    for (FakeClient<?, ?> client : List.of(ages, orders)) {
      RequestContext context = client.calls.get(0).context();
      assertEquals(client.storeName(), context.store());
      assertEquals(NOW.plusMillis(250), context.deadline().orElseThrow());
    }
  }

  // ---- partial failure ---------------------------------------------------------------------

  @Test
  void oneStoresFailureIsThatStoresEntryAndTheOthersStillAnswer() {
    FakeClient<String, Integer> ages = FakeClient.pending("ages");
    FakeClient<Long, String> orders = FakeClient.pending("orders");
    MultiStoreClient multi = multi(ages, orders);
    StoreHandle<String, Integer> agesHandle = multi.handle(ages);
    StoreHandle<Long, String> ordersHandle = multi.handle(orders);
    CompletableFuture<MultiGetResult> call = multi.batchGet(MultiGetRequest.builder()
        .add(agesHandle, Set.of("a")).add(ordersHandle, Set.of(1L)).build(),
        Duration.ofSeconds(1));

    ServiceUnavailableException down = new ServiceUnavailableException("ages", "no replica", null);
    ages.calls.get(0).future().completeExceptionally(down);
    assertFalse(call.isDone(), "still waiting for the other store");
    assertFalse(orders.calls.get(0).future().isCancelled(), "a failing store cancels no other");
    orders.calls.get(0).future().complete(Map.of(1L, "x"));

    MultiGetResult result = call.join();
    assertEquals(Map.of(1L, "x"), result.get(ordersHandle));
    assertSame(down, result.failure(agesHandle).orElseThrow());
    assertTrue(result.failed("ages"));
    CompletionException thrown = assertThrows(CompletionException.class,
        () -> result.get(agesHandle));
    assertSame(down, thrown.getCause());
    assertEquals(Map.of("ages", down), result.failures());
  }

  @Test
  void aClientThatThrowsOrAKeyOfTheWrongTypeFailsOnlyThatStore() {
    FakeClient<Long, String> strict = new FakeClient<>("orders", keys -> {
      for (Object key : keys) {
        if (!(key instanceof Long)) {
          throw new ClassCastException(key.getClass().getName() + " is not a Long");
        }
      }
      return CompletableFuture.completedFuture(Map.of());
    });
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of("a", 1));
    MultiGetResult result = multi(strict, ages)
        .batchGet(Map.of("orders", Set.of("not-a-long"), "ages", Set.of("a")),
            Duration.ofSeconds(1)).join();
    assertInstanceOf(ClassCastException.class, result.failure("orders").orElseThrow());
    assertEquals(Map.of("a", 1), result.get("ages"));
  }

  @Test
  void aStoreWhoseFutureSomeoneElseCancelledFailsWithoutHangingTheCall() {
    FakeClient<String, Integer> ages = FakeClient.pending("ages");
    FakeClient<Long, String> orders = FakeClient.holding("orders", Map.of(1L, "x"));
    CompletableFuture<MultiGetResult> call = multi(ages, orders).batchGet(
        Map.of("ages", Set.of("a"), "orders", Set.of(1L)), Duration.ofSeconds(1));
    ages.calls.get(0).future().cancel(true); // e.g. another holder of the same future

    MultiGetResult result = call.join();
    assertInstanceOf(CancellationException.class, result.failure("ages").orElseThrow());
    assertEquals(Map.of(1L, "x"), result.get("orders"));
  }

  // ---- the deadline ------------------------------------------------------------------------

  @Test
  void theDeadlineCancelsWhatIsOutstandingAndTheAnswersStay() {
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of("a", 1));
    FakeClient<Long, String> orders = FakeClient.pending("orders");
    MultiStoreClient multi = multi(ages, orders);
    CompletableFuture<MultiGetResult> call = multi.batchGet(
        Map.of("ages", Set.of("a"), "orders", Set.of(1L)), Duration.ofMillis(80));
    assertEquals(List.of(Duration.ofMillis(80)), timer.delays, "one timer for the whole call");
    assertFalse(call.isDone());

    List<Boolean> cancelledWhenTheCallerSawTheTimeout = new ArrayList<>();
    call.thenRun(() -> cancelledWhenTheCallerSawTheTimeout.add(
        orders.calls.get(0).future().isCancelled()));
    timer.fire();

    MultiGetResult result = call.join();
    assertEquals(List.of(true), cancelledWhenTheCallerSawTheTimeout,
        "the request was cancelled before the caller saw the timeout");
    assertEquals(Map.of("a", 1), result.get("ages"), "the store that answered keeps its values");
    RequestTimeoutException timeout = assertInstanceOf(RequestTimeoutException.class,
        result.failure("orders").orElseThrow());
    assertEquals("orders", timeout.store());
    assertEquals(Duration.ofMillis(80), timeout.timeout());
    assertTrue(timeout.getMessage().contains("store orders: no answer within 80 ms"),
        timeout.getMessage());
    assertTrue(orders.calls.get(0).future().isCancelled(), "the in-flight request is cancelled");

    orders.calls.get(0).future().complete(Map.of(1L, "late")); // no effect on the result
    assertTrue(result.failed("orders"));
  }

  @Test
  void aClientThatCancelsItsCallsInACompletionCallbackHasCancelledThemBeforeTheTimeoutIsSeen() {
    // as the fast client does: its future cancels the replica calls in a callback of its own,
    // registered before the MultiStoreClient's (callbacks run newest first)
    CompletableFuture<Map<Long, String>> replicaCall = new CompletableFuture<>();
    FakeClient<Long, String> orders = new FakeClient<>("orders", keys -> {
      CompletableFuture<Map<Long, String>> answer = replicaCall.thenApply(values -> values);
      answer.whenComplete((values, error) -> {
        if (answer.isCancelled()) {
          replicaCall.cancel(true);
        }
      });
      return answer;
    });
    CompletableFuture<MultiGetResult> call = multi(orders)
        .batchGet(Map.of("orders", Set.of(1L)), Duration.ofMillis(80));
    List<Boolean> cancelledWhenTheCallerSawTheTimeout = new ArrayList<>();
    call.thenRun(() -> cancelledWhenTheCallerSawTheTimeout.add(replicaCall.isCancelled()));
    timer.fire();

    assertInstanceOf(RequestTimeoutException.class, call.join().failure("orders").orElseThrow());
    assertEquals(List.of(true), cancelledWhenTheCallerSawTheTimeout);
  }

  @Test
  void aCallThatAnsweredInTimeCancelsItsTimer() {
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of("a", 1));
    multi(ages).batchGet(Map.of("ages", Set.of("a")), Duration.ofSeconds(1)).join();
    assertTrue(timer.timers.get(0).isCancelled(), "nothing left scheduled");
  }

  @Test
  void aDeadlineInstantTimesOutAfterTheTimeLeft() {
    FakeClient<String, Integer> ages = FakeClient.pending("ages");
    MultiStoreClient multi = multi(ages);
    CompletableFuture<MultiGetResult> call = multi.batchGet(MultiGetRequest.builder()
        .add(multi.handle(ages), Set.of("a")).build(), NOW.plusMillis(30));
    assertEquals(List.of(Duration.ofMillis(30)), timer.delays);
    assertEquals(NOW.plusMillis(30), ages.calls.get(0).context().deadline().orElseThrow());
    timer.fire();
    assertInstanceOf(RequestTimeoutException.class, call.join().failure("ages").orElseThrow());
  }

  @Test
  void theRealTimerTimesOutAStoreThatNeverAnswers() {
    FakeClient<String, Integer> never = FakeClient.pending("never");
    FakeClient<String, Integer> ages = FakeClient.holding("ages", Map.of("a", 1));
    MultiStoreClient multi = new MultiStoreClient(Map.of("never", never, "ages", ages));
    MultiGetResult result = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> multi
        .batchGet(Map.of("never", Set.of("a"), "ages", Set.of("a")), Duration.ofMillis(20))
        .join());
    assertInstanceOf(RequestTimeoutException.class, result.failure("never").orElseThrow());
    assertEquals(Map.of("a", 1), result.get("ages"));
    assertTrue(never.calls.get(0).future().isCancelled());
  }

  // ---- cancellation and checks -------------------------------------------------------------

  @Test
  void cancellingTheCallCancelsEveryOutstandingRequestAndTheTimer() {
    FakeClient<String, Integer> ages = FakeClient.pending("ages");
    FakeClient<Long, String> orders = FakeClient.pending("orders");
    CompletableFuture<MultiGetResult> call = multi(ages, orders)
        .batchGet(Map.of("ages", Set.of("a"), "orders", Set.of(1L)), Duration.ofSeconds(1));
    assertTrue(call.cancel(true));
    assertThrows(CancellationException.class, call::join);
    assertTrue(ages.calls.get(0).future().isCancelled());
    assertTrue(orders.calls.get(0).future().isCancelled());
    assertTrue(timer.timers.get(0).isCancelled());
  }

  @Test
  void anUnknownStoreIsRefusedByName() {
    MultiStoreClient multi = multi(FakeClient.pending("ages"));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> multi.batchGet(Map.of("nope", Set.of("a")), Duration.ofSeconds(1)));
    assertTrue(refused.getMessage().contains("unknown store nope"), refused.getMessage());
    assertTrue(refused.getMessage().contains("[ages]"), refused.getMessage());
  }

  @Test
  void handlesBelongToTheirOwnClient() {
    FakeClient<String, Integer> ages = FakeClient.pending("ages");
    MultiStoreClient one = multi(ages);
    MultiStoreClient other = multi(ages);
    MultiGetRequest foreign =
        MultiGetRequest.builder().add(other.handle(ages), Set.of("a")).build();
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> one.batchGet(foreign, Duration.ofSeconds(1))).getMessage()
        .contains("belongs to another MultiStoreClient"));
    FakeClient<String, Integer> stranger = FakeClient.pending("ages");
    assertThrows(IllegalArgumentException.class, () -> one.handle(stranger),
        "another client of the same store is not the registered one");
    assertEquals(0, ages.calls.size(), "nothing sent for a refused request");
  }

  @Test
  void constructionAndRequestsCheckTheirArguments() {
    FakeClient<String, Integer> ages = FakeClient.pending("ages");
    assertThrows(IllegalArgumentException.class,
        () -> new MultiStoreClient(Map.of("users", ages)), "registered under another name");
    MultiStoreClient multi = multi(ages);
    StoreHandle<String, Integer> handle = multi.handle(ages);
    assertThrows(IllegalArgumentException.class, () -> MultiGetRequest.builder()
        .add(handle, Set.of("a")).add(handle, Set.of("b")), "a store added twice");
    assertThrows(IllegalArgumentException.class, () -> multi.batchGet(
        MultiGetRequest.builder().build(), Duration.ZERO));
    MultiGetResult result = multi.batchGet(MultiGetRequest.builder().build(),
        Duration.ofSeconds(1)).join();
    assertThrows(IllegalArgumentException.class, () -> result.get(handle), "not in the request");
  }
}
