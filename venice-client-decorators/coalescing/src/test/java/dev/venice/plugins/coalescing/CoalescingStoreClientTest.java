package dev.venice.plugins.coalescing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.testkit.Await;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coalescing client through the plugin as a host runs it: started in a testing context,
 * settings per store through the store's metadata, the window on the context's manual clock (which
 * stands still unless a test advances it, so a slow run cannot expire a window), over a {@link
 * RecordingStoreClient} whose answers the test controls.
 */
class CoalescingStoreClientTest {
  private static final String STORE = "s";

  private final RecordingStoreClient<String, String> store = RecordingStoreClient.pending(STORE);
  private TestingPluginContext context;
  private StoreClientDecorator decorator;

  @BeforeEach
  void start() throws Exception {
    context = TestingPluginContext.builder(new CoalescingPlugin()).build();
    decorator = context.start().storeDecorators().get(0);
  }

  @AfterEach
  void stop() {
    context.close();
  }

  /** The decorated client of {@code store} with the store's settings {@code settings}. */
  private <K> StoreClient<K, String> coalescing(RecordingStoreClient<K, String> next,
      Map<String, String> settings) {
    context.putStoreSettings(next.storeName(), settings);
    assertEquals(Map.of(), context.storeErrors(), "the store's settings were taken");
    return decorator.decorate(next);
  }

  private StoreClient<String, String> coalescing() {
    return coalescing(store, Map.of());
  }

  private double count(String meter) {
    return context.meterRegistry().get("venice.client.coalescing." + meter).tag("store", STORE)
        .counter().count();
  }

  private double bypassed(String reason) {
    return context.meterRegistry().get("venice.client.coalescing.bypassed").tag("store", STORE)
        .tag("reason", reason).counter().count();
  }

  private static List<CompletableFuture<String>> gets(StoreClient<String, String> client,
      String key, int n) {
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(client.get(key));
    }
    return results;
  }

  @Test
  void concurrentGetsOfOneKeyShareOneCallAndGetTheSameValue() {
    StoreClient<String, String> client = coalescing();
    List<CompletableFuture<String>> results = gets(client, "k", 10);
    assertEquals(1, store.callCount(), "one call for ten gets");
    assertEquals(10, results.stream().distinct().count(), "each caller has a future of its own");
    assertFalse(results.get(0).isDone());
    String value = new String("v"); // one object, shared by every caller
    store.call(0).answer(value);
    for (CompletableFuture<String> result : results) {
      assertSame(value, result.join());
    }
    assertEquals(10, count("requests"));
    assertEquals(9, count("coalesced"));
  }

  @Test
  void aFailureReachesEveryWaiterAsTheSameException() {
    StoreClient<String, String> client = coalescing();
    List<CompletableFuture<String>> results = gets(client, "k", 5);
    ServiceUnavailableException down = new ServiceUnavailableException(STORE, "no replica", null);
    store.call(0).fail(down);
    for (CompletableFuture<String> result : results) {
      CompletionException failed = assertThrows(CompletionException.class, result::join);
      assertSame(down, failed.getCause(), "the same failure, never a mix");
    }
  }

  @Test
  void aKeyDeletedWhileInFlightGivesEveryWaiterTheSameAbsentAnswer() {
    StoreClient<String, String> client = coalescing();
    List<CompletableFuture<String>> results = gets(client, "deleted", 4);
    store.call(0).answer(null); // the server found no value: deleted after the request was sent
    for (CompletableFuture<String> result : results) {
      assertNull(result.join());
    }
  }

  @Test
  void theNextGetAfterAnAnswerSendsAFreshRequest() {
    StoreClient<String, String> client = coalescing();
    CompletableFuture<String> first = client.get("k");
    store.call(0).answer("old");
    assertEquals("old", first.join());
    CompletableFuture<String> second = client.get("k");
    assertEquals(2, store.callCount(), "a fresh request, though within the window");
    store.call(1).answer("new");
    assertEquals("new", second.join());
    assertEquals(0, count("coalesced"));
  }

  @Test
  void aCallerCancellingOrTimingOutItsFutureLeavesTheOthersAndTheSharedCall() {
    StoreClient<String, String> client = coalescing();
    List<CompletableFuture<String>> results = gets(client, "k", 4);
    assertTrue(results.get(0).cancel(true), "the first caller (who sent the call) cancels");
    results.get(1).completeExceptionally(new TimeoutException("caller's own timeout"));
    CompletableFuture<String> timedOut = results.get(2).orTimeout(1, TimeUnit.MILLISECONDS);
    Await.until(timedOut::isDone, () -> "the third caller's own timeout");
    assertFalse(store.call(0).future().isCancelled(),
        "the shared call is still wanted by the fourth");
    store.call(0).answer("v");
    assertEquals("v", results.get(3).join());
    assertTrue(results.get(0).isCancelled());
    assertThrows(CompletionException.class, results.get(1)::join);
    CompletionException late = assertThrows(CompletionException.class, results.get(2)::join);
    assertTrue(late.getCause() instanceof TimeoutException, "kept its own outcome: " + late);
  }

  @Test
  void whenEveryCallerHasCancelledTheSharedCallIsCancelledAndTheNextGetIsFresh() {
    StoreClient<String, String> client = coalescing();
    List<CompletableFuture<String>> results = gets(client, "k", 3);
    results.get(0).cancel(false);
    results.get(1).cancel(false);
    results.get(1).cancel(false); // twice: no different
    assertFalse(store.call(0).future().isCancelled(), "one caller still waits");
    results.get(2).cancel(false);
    assertTrue(store.call(0).future().isCancelled(),
        "nobody wants the answer: the call is cancelled");

    CompletableFuture<String> next = client.get("k");
    assertEquals(2, store.callCount(), "a cancelled request takes no joiners");
    store.call(1).answer("v");
    assertEquals("v", next.join());
  }

  @Test
  void aRequestOlderThanTheWindowTakesNoJoinersAndItsAnswerLeavesTheNewerOne() {
    StoreClient<String, String> client = coalescing(store, Map.of("window", "2ms"));
    CompletableFuture<String> first = client.get("k");
    context.time().advance(Duration.ofMillis(2));
    CompletableFuture<String> atTheEdge = client.get("k");
    assertEquals(1, store.callCount(), "exactly the window's age still joins");
    context.time().advance(Duration.ofNanos(1));
    CompletableFuture<String> later = client.get("k");
    assertEquals(2, store.callCount(), "older than the window: a fresh request");
    CompletableFuture<String> joinsTheNewer = client.get("k");
    assertEquals(2, store.callCount());

    store.call(0).answer("old");
    assertEquals("old", first.join());
    assertEquals("old", atTheEdge.join());
    assertFalse(later.isDone() || joinsTheNewer.isDone());
    CompletableFuture<String> stillJoins = client.get("k");
    assertEquals(2, store.callCount(), "the old answer did not remove the newer request");
    store.call(1).answer("new");
    assertEquals(List.of("new", "new", "new"),
        List.of(later.join(), joinsTheNewer.join(), stillJoins.join()));
  }

  @Test
  void beyondTheBoundGetsGoThroughUncoalescedAndAreCounted() {
    StoreClient<String, String> client =
        coalescing(store, Map.of("max-in-flight-keys", "2"));
    CompletableFuture<String> a = client.get("a");
    client.get("b");
    CompletableFuture<String> c1 = client.get("c");
    client.get("c");
    assertEquals(4, store.callCount(), "the map is full: c is not coalesced");
    assertSame(store.call(2).future(), c1, "the next client's own future, untouched");
    assertEquals(2, bypassed("full"));
    client.get("a");
    assertEquals(4, store.callCount(), "keys in flight still coalesce");

    store.call(0).answer("va");
    assertEquals("va", a.join());
    client.get("c");
    client.get("c");
    assertEquals(5, store.callCount(), "room again: c coalesces");
    assertEquals(2, bypassed("full"));
  }

  @Test
  void aCallerJoinsOnlyARequestWithItsOwnDeadlineToWithinTheWindow() {
    StoreClient<String, String> client = coalescing(store, Map.of("window", "1ms"));
    Instant deadline = Instant.parse("2026-01-01T00:00:01Z");
    RequestContext leader = RequestContext.of(STORE).withDeadline(deadline);
    client.get("k", leader);
    client.get("k", RequestContext.of(STORE).withDeadline(deadline.plusNanos(1_000_000)));
    assertEquals(1, store.callCount(), "a deadline 1 ms later joins");
    assertSame(leader, store.call(0).context(), "the call carries the first caller's context");
    client.get("k", RequestContext.of(STORE).withDeadline(deadline.plusSeconds(5)));
    client.get("k", RequestContext.of(STORE).withDeadline(deadline.minusMillis(2)));
    client.get("k", RequestContext.of(STORE));
    assertEquals(4, store.callCount(), "other deadlines, and none, go through");
    assertEquals(3, bypassed("deadline"));
    store.call(0).answer("v");
    assertEquals(1, count("coalesced"), "counted once the shared request is answered");

    client.get("n");
    client.get("n", RequestContext.of(STORE).withHeader("traceparent", "00-x"));
    assertEquals(5, store.callCount(), "neither has a deadline: joins, whatever the headers");
  }

  @Test
  void deadlinesAreComparedToTheNanosecond() {
    Instant at = Instant.parse("2026-01-01T00:00:00.999999999Z");
    assertTrue(CoalescingStoreClient.sameDeadline(at, at.plusNanos(1_000), 1_000));
    assertFalse(CoalescingStoreClient.sameDeadline(at, at.plusNanos(1_001), 1_000));
    assertTrue(CoalescingStoreClient.sameDeadline(at, at.minusNanos(1_000), 1_000));
    assertFalse(CoalescingStoreClient.sameDeadline(at, at.minusSeconds(3), 2_000_000_000L));
    assertFalse(CoalescingStoreClient.sameDeadline(Instant.MIN, Instant.MAX, 1_000_000_000L));
    assertTrue(CoalescingStoreClient.sameDeadline(null, null, 1));
    assertFalse(CoalescingStoreClient.sameDeadline(null, at, 1));
    assertFalse(CoalescingStoreClient.sameDeadline(at, null, 1));
  }

  @Test
  void batchAndStreamingGetsPassThrough() {
    StoreClient<String, String> client = coalescing();
    CompletableFuture<Map<String, String>> batch = client.batchGet(Set.of("a", "b"));
    assertEquals(RequestKind.BATCH_GET, store.lastCall().kind());
    assertSame(store.lastCall().future(), batch, "the next client's own future");
    CompletableFuture<Void> streaming = client.streamingBatchGet(Set.of("a"), (k, v) -> { });
    assertEquals(RequestKind.STREAMING_BATCH_GET, store.lastCall().kind());
    assertSame(store.lastCall().future(), streaming, "the next client's own future");
    assertEquals(0, count("requests"));
  }

  @Test
  void arrayAndNullKeysGoThroughUncoalesced() {
    RecordingStoreClient<byte[], String> bytes = RecordingStoreClient.pending(STORE);
    StoreClient<byte[], String> client = coalescing(bytes, Map.of());
    byte[] key = {1, 2};
    client.get(key);
    client.get(key);
    client.get(null);
    assertEquals(3, bytes.callCount(), "arrays have no value equality; null is no map key");
    assertEquals(3, bypassed("key"));
  }

  @Test
  void aNextClientThatThrowsFailsEveryCallerOfItsRequest() {
    StoreClient<String, String> throwing = decorator.decorate(new ForwardingStoreClient<>(store) {
      @Override
      public CompletableFuture<String> get(String key, RequestContext context) {
        throw new IllegalStateException("broken client");
      }
    });
    CompletionException failed =
        assertThrows(CompletionException.class, () -> throwing.get("k").join());
    assertEquals("broken client", failed.getCause().getMessage());
  }

  @Test
  void eachStoreHasItsOwnWindow() {
    RecordingStoreClient<String, String> other = RecordingStoreClient.pending("wide");
    StoreClient<String, String> narrow = coalescing(store, Map.of("window", "1ms"));
    StoreClient<String, String> wide = coalescing(other, Map.of("window", "50ms"));
    narrow.get("k");
    wide.get("k");
    context.time().advance(Duration.ofMillis(10));
    narrow.get("k");
    wide.get("k");
    assertEquals(2, store.callCount(), "past the store's 1 ms window");
    assertEquals(1, other.callCount(), "within the other store's 50 ms window");
  }

  @Test
  void manyThreadsEachRoundShareOneCallAndGetItsValue() throws Exception {
    StoreClient<String, String> client = coalescing();
    int threads = 16;
    int rounds = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<CompletableFuture<String>>> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          started.add(pool.submit(() -> {
            together.await(10, TimeUnit.SECONDS);
            return client.get("hot");
          }));
        }
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (Future<CompletableFuture<String>> s : started) {
          results.add(s.get(10, TimeUnit.SECONDS));
        }
        assertEquals(round + 1, store.callCount(), "round " + round + ": one call, one winner");
        store.call(round).answer("v" + round);
        for (CompletableFuture<String> result : results) {
          assertEquals("v" + round, result.join());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals((double) rounds * (threads - 1), count("coalesced"));
  }

  @Test
  void callersCancellingConcurrentlyNeverCancelTheCallOfOneWhoWaits() throws Exception {
    StoreClient<String, String> client = coalescing();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 200; round++) {
        CompletableFuture<String> waiting = client.get("k");
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            together.await(10, TimeUnit.SECONDS);
            return client.get("k").cancel(true);
          }));
        }
        for (Future<?> d : done) {
          d.get(10, TimeUnit.SECONDS);
        }
        assertFalse(store.call(round).future().isCancelled(), "round " + round);
        store.call(round).answer("v");
        assertEquals("v", waiting.join());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A free run: threads get a few keys while another thread answers or fails calls in any order.
   * Every get completes with the outcome of a call for its key (the call's number is in it), each
   * call's callers all got that call's single outcome, and calls plus coalesced gets add up to the
   * gets made.
   */
  @Test
  void aFreeRunGivesEveryCallerItsRequestsOutcomeAndTheCountsAddUp() throws Exception {
    int threads = 8;
    int getsPerThread = 2_000;
    String[] keys = {"a", "b", "c"};
    StoreClient<String, String> client = coalescing(store, Map.of("window", "1s"));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    Thread answering = new Thread(() -> {
      while (running.get() || answered.get() < store.callCount()) {
        int next = answered.get();
        if (next < store.callCount()) {
          RecordingStoreClient.Call<String, String> call = store.call(next);
          String outcome = call.key() + "#" + next;
          if (ThreadLocalRandom.current().nextInt(4) == 0) {
            call.fail(new IllegalStateException(outcome));
          } else {
            call.answer(outcome);
          }
          answered.incrementAndGet();
        }
        context.time().advance(Duration.ofMillis(ThreadLocalRandom.current().nextInt(3) * 500));
        Thread.onSpinWait();
      }
    }, "answering");
    answering.start();
    Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < getsPerThread; i++) {
          String key = keys[ThreadLocalRandom.current().nextInt(keys.length)];
          String outcome;
          try {
            outcome = "value " + client.get(key).get(10, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            outcome = "failure " + e.getCause().getMessage();
          }
          assertTrue(outcome.matches("(value|failure) " + key + "#\\d+"),
              key + " got " + outcome);
          seen.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
        }
        return null;
      }));
    }
    go.countDown();
    try {
      for (Future<?> w : workers) {
        w.get(60, TimeUnit.SECONDS);
      }
    } finally {
      running.set(false);
      answering.join(TimeUnit.SECONDS.toMillis(10));
      pool.shutdownNow();
    }
    Map<String, Long> callersPerCall = new HashMap<>();
    seen.forEach((outcome, n) -> callersPerCall.merge(outcome.substring(outcome.indexOf(' ') + 1),
        n.get(), Long::sum));
    assertEquals(callersPerCall.size(), seen.size(), "no call's callers saw a mix of outcomes");
    assertEquals(store.callCount(), callersPerCall.size(),
        "every call's outcome reached a caller");
    long gets = (long) threads * getsPerThread;
    assertEquals(gets, count("requests"));
    assertEquals(gets, store.callCount() + (long) count("coalesced"), "calls + coalesced = gets");
    assertTrue(count("coalesced") > 0, "some gets were coalesced");
  }
}
