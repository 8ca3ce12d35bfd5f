package dev.venice.plugins.batchsplit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import dev.venice.testkit.RecordingStoreClient;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The splitting client as the plugin makes it (through its decorator in a testing context, with
 * per-store settings), over a {@link RecordingStoreClient}: the edge cases of the threshold, the
 * merged map, failure and cancellation, settings changes, meters and many threads at once.
 */
class SplittingBatchGetStoreClientTest {
  private static final String STORE = "users";
  private static final String PREFIX = "venice.client.batch.split.";

  private TestingPluginContext context;

  @BeforeEach
  void start() throws Exception {
    context = TestingPluginContext.builder(new BatchSplitPlugin()).build();
    context.start();
  }

  @AfterEach
  void stop() {
    context.close();
  }

  private StoreClient<String, Integer> split(RecordingStoreClient<String, Integer> delegate) {
    return context.extensions().storeDecorators().get(0).decorate(delegate);
  }

  /** {@code count} keys {@code k0..k<count-1>}, each holding its index. */
  static Map<String, Integer> numbered(int count) {
    Map<String, Integer> data = new HashMap<>();
    for (int i = 0; i < count; i++) {
      data.put("k" + i, i);
    }
    return data;
  }

  /** Keys {@code k<from>..k<to-1>}. */
  private static Set<String> keys(int from, int to) {
    Set<String> keys = new HashSet<>();
    for (int i = from; i < to; i++) {
      keys.add("k" + i);
    }
    return keys;
  }

  private double count(String meter) {
    return context.meterRegistry().get(PREFIX + meter).tag("store", STORE).counter().count();
  }

  // ---- at or under the threshold: straight through ----------------------------------------

  @Test
  void anEmptyBatchGoesStraightToTheDelegate() {
    RecordingStoreClient<String, Integer> delegate = RecordingStoreClient.pending(STORE);
    CompletableFuture<Map<String, Integer>> result = split(delegate).batchGet(Set.of());
    assertEquals(1, delegate.callCount());
    assertSame(delegate.call(0).future(), result, "the delegate's own future, unwrapped");
    delegate.call(0).answer();
    assertEquals(Map.of(), result.join());
    assertEquals(1, count("calls"));
    assertEquals(0, count("calls.split"));
  }

  @Test
  void oneKeyGoesStraightToTheDelegate() {
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.pending(STORE, numbered(1));
    CompletableFuture<Map<String, Integer>> result = split(delegate).batchGet(Set.of("k0"));
    assertSame(delegate.call(0).future(), result);
    delegate.call(0).answer();
    assertEquals(Map.of("k0", 0), result.join());
  }

  @Test
  void exactlyTheMaximumIsOneRequestWithTheSameKeysAndContext() {
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.pending(STORE, numbered(150));
    RequestContext request = RequestContext.of(STORE).withHeader("traceparent", "t");
    CompletableFuture<Map<String, Integer>> result = split(delegate).batchGet(keys(0, 150),
        request);
    assertEquals(1, delegate.callCount(), "150 is the default maximum: not split");
    assertSame(delegate.call(0).future(), result);
    assertEquals(keys(0, 150), delegate.call(0).keys());
    assertSame(request, delegate.call(0).context());
    assertEquals(0, count("calls.split"));
  }

  // ---- over the threshold: split and merged ------------------------------------------------

  @Test
  void oneOverTheMaximumIsTwoBalancedSubBatchesMergedIntoOneMap() {
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.answeringAtOnce(STORE, numbered(151));
    RequestContext request = RequestContext.of(STORE).withHeader("traceparent", "t");
    Map<String, Integer> result = split(delegate).batchGet(keys(0, 151), request).join();
    assertEquals(numbered(151), result);
    assertEquals(2, delegate.callCount());
    assertEquals(List.of(76, 75), List.of(delegate.call(0).keys().size(),
        delegate.call(1).keys().size()));
    delegate.calls().forEach(call -> assertSame(request, call.context(), "the caller's context"));
    assertEquals(1, count("calls.split"));
  }

  @Test
  void manySubBatchesCoverEveryKeyOnceAndMissingKeysAreAbsent() {
    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "7"));
    // the store holds the even keys k0..k998 only: half the keys asked for are missing
    Map<String, Integer> evens = new HashMap<>();
    numbered(1000).forEach((k, v) -> {
      if (v % 2 == 0) {
        evens.put(k, v);
      }
    });
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.answeringAtOnce(STORE, evens);
    Map<String, Integer> result = split(delegate).batchGet(keys(0, 1000)).join();
    assertEquals(evens, result, "every found key, whatever sub-batch it was in; no missing key");
    assertEquals(143, delegate.callCount(), "ceil(1000 / 7)");
    Set<String> asked = new HashSet<>();
    for (RecordingStoreClient.Call<String, Integer> call : delegate.calls()) {
      assertTrue(call.keys().size() == 7 || call.keys().size() == 6, "sizes " + call.keys());
      call.keys().forEach(key -> assertTrue(asked.add(key), key + " asked twice"));
    }
    assertEquals(keys(0, 1000), asked);
    var subBatches = context.meterRegistry().get(PREFIX + "sub.batches").summary();
    assertEquals(1, subBatches.count());
    assertEquals(143, subBatches.totalAmount());
  }

  @Test
  void everySubBatchIsSentBeforeAnyAnswersAndAnswersMergeInAnyOrder() {
    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "100"));
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.pending(STORE, numbered(300));
    CompletableFuture<Map<String, Integer>> result = split(delegate).batchGet(keys(0, 350));
    assertEquals(4, delegate.callCount(), "all four in flight at once, none answered yet");
    for (int i = 3; i >= 0; i--) {
      assertFalse(result.isDone(), "waits for every sub-batch");
      delegate.call(i).answer();
    }
    assertEquals(numbered(300), result.join());
  }

  // ---- failure and cancellation ------------------------------------------------------------

  @Test
  void theFirstFailureFailsTheCallAndCancelsTheOtherSubBatches() {
    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "100"));
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.pending(STORE, numbered(400));
    CompletableFuture<Map<String, Integer>> result = split(delegate).batchGet(keys(0, 400));
    List<RecordingStoreClient.Call<String, Integer>> calls = delegate.calls();
    calls.get(0).answer();
    ServiceUnavailableException failure =
        new ServiceUnavailableException(STORE, "replica down", null);
    List<Boolean> othersCancelledWhenTheFailureWasSeen = new ArrayList<>();
    result.whenComplete((values, error) -> othersCancelledWhenTheFailureWasSeen.add(
        calls.get(1).future().isCancelled() && calls.get(3).future().isCancelled()));
    calls.get(2).fail(failure);

    assertEquals(List.of(true), othersCancelledWhenTheFailureWasSeen);
    CompletionException thrown = assertThrows(CompletionException.class, result::join);
    assertSame(failure, thrown.getCause(), "the sub-batch's own exception, no partial map");
    assertTrue(calls.get(1).future().isCancelled(), "sub-batch 1 cancelled");
    assertTrue(calls.get(3).future().isCancelled(), "sub-batch 3 cancelled");
    assertFalse(calls.get(0).future().isCancelled(), "an answered sub-batch stays answered");

    calls.get(1).answer(); // too late: nothing changes
    assertSame(failure, assertThrows(CompletionException.class, result::join).getCause());
  }

  @Test
  void aSubBatchFailingAtOnceStopsTheRestFromBeingSent() {
    List<Set<Integer>> parts = List.of(Set.of(1), Set.of(2), Set.of(3));
    List<Set<Integer>> sent = new ArrayList<>();
    IllegalStateException failure = new IllegalStateException("refused");
    CompletableFuture<Map<Integer, Integer>> result = SubBatches.fetchAll(parts, part -> {
      sent.add(part);
      return CompletableFuture.failedFuture(failure);
    }, 3);
    assertEquals(List.of(Set.of(1)), sent, "nothing sent after the call had already failed");
    assertSame(failure, assertThrows(CompletionException.class, result::join).getCause());
  }

  @Test
  void aDelegateThatThrowsFailsTheCallInsteadOfThrowing() {
    List<CompletableFuture<Map<Integer, Integer>>> sent = new ArrayList<>();
    IllegalStateException failure = new IllegalStateException("bug");
    CompletableFuture<Map<Integer, Integer>> result =
        SubBatches.fetchAll(List.of(Set.of(1), Set.of(2)), part -> {
          if (part.contains(2)) {
            throw failure;
          }
          CompletableFuture<Map<Integer, Integer>> pending = new CompletableFuture<>();
          sent.add(pending);
          return pending;
        }, 2);
    assertSame(failure, assertThrows(CompletionException.class, result::join).getCause());
    assertTrue(sent.get(0).isCancelled(), "the sub-batch already sent is cancelled");
  }

  @Test
  void cancellingTheCallersFutureCancelsEverySubBatch() {
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.pending(STORE, numbered(400));
    CompletableFuture<Map<String, Integer>> result = split(delegate).batchGet(keys(0, 400));
    assertEquals(3, delegate.callCount());
    delegate.call(1).answer();
    assertTrue(result.cancel(true));
    assertThrows(CancellationException.class, result::join);
    assertTrue(delegate.call(0).future().isCancelled());
    assertTrue(delegate.call(2).future().isCancelled());
  }

  // ---- settings and meters -----------------------------------------------------------------

  @Test
  void aStoreSettingChangeAppliesToTheNextCallAndOnlyToThatStore() {
    RecordingStoreClient<String, Integer> users =
        RecordingStoreClient.answeringAtOnce(STORE, numbered(350));
    RecordingStoreClient<String, Integer> orders =
        RecordingStoreClient.answeringAtOnce("orders", numbered(350));
    StoreClient<String, Integer> splitUsers = split(users);
    StoreClient<String, Integer> splitOrders = split(orders);

    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "100"));
    assertEquals(numbered(350), splitUsers.batchGet(keys(0, 350)).join());
    assertEquals(4, users.callCount(), "the store's own maximum, 100");
    splitOrders.batchGet(keys(0, 350)).join();
    assertEquals(3, orders.callCount(), "another store keeps the default, 150");

    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "350"));
    splitUsers.batchGet(keys(0, 350)).join();
    assertEquals(5, users.callCount(), "raised to 350: one request, no restart");
  }

  @Test
  void metersCountCallsSplitCallsAndSubBatchesPerStore() {
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.answeringAtOnce(STORE, numbered(1000));
    StoreClient<String, Integer> client = split(delegate);
    client.batchGet(keys(0, 10)).join();
    client.batchGet(keys(0, 300)).join();
    client.batchGet(keys(0, 1000)).join();
    assertEquals(3, count("calls"));
    assertEquals(2, count("calls.split"), "split rate 2/3");
    var subBatches = context.meterRegistry().get(PREFIX + "sub.batches").tag("store", STORE)
        .summary();
    assertEquals(2, subBatches.count());
    assertEquals(2 + 7, subBatches.totalAmount(), "300 keys: 2; 1000 keys: 7");
  }

  @Test
  void byHandTheClientSplitsAtItsFixedMaximumAndRegistersThePluginsMeters() {
    MeterRegistry registry = new SimpleMeterRegistry();
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.answeringAtOnce(STORE, numbered(30));
    StoreClient<String, Integer> client = new SplittingBatchGetStoreClient<>(delegate, 10,
        registry);
    assertEquals(numbered(30), client.batchGet(keys(0, 30)).join());
    assertEquals(3, delegate.callCount());
    assertEquals(1, registry.get(PREFIX + "calls.split").tag("store", STORE).counter().count());
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new SplittingBatchGetStoreClient<>(delegate, 0, registry));
    assertTrue(refused.getMessage().contains("maxKeysPerSubBatch must be at least 1, was 0"));
  }

  @Test
  void getAndStreamingBatchGetPassThroughUnsplit() {
    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "1"));
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.answeringAtOnce(STORE, numbered(5));
    StoreClient<String, Integer> client = split(delegate);
    assertEquals(3, client.get("k3").join());
    Map<String, Integer> streamed = new HashMap<>();
    client.streamingBatchGet(keys(0, 5), streamed::put).join();
    assertEquals(numbered(5), streamed);
    assertEquals(List.of(RequestKind.SINGLE_GET, RequestKind.STREAMING_BATCH_GET),
        delegate.calls().stream().map(RecordingStoreClient.Call::kind).toList(),
        "each passed through as itself: no batch get was made of them");
    assertEquals(keys(0, 5), delegate.call(1).keys(), "the stream asked for every key at once");
    assertEquals(0, count("calls"));
  }

  // ---- many threads ------------------------------------------------------------------------

  @Test
  void manyThreadsSplittingAtOnceEachGetTheirOwnRightMap() throws Exception {
    context.putStoreSettings(STORE, Map.of("max-keys-per-sub-batch", "16"));
    RecordingStoreClient<String, Integer> delegate =
        RecordingStoreClient.pending(STORE, numbered(500));
    StoreClient<String, Integer> client = split(delegate);
    int threads = 8;
    int callsPerThread = 50;
    ExecutorService answering = Executors.newFixedThreadPool(2);
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * 10;
        done.add(callers.submit(() -> {
          go.await();
          for (int i = 0; i < callsPerThread; i++) {
            int from = offset + i;
            CompletableFuture<Map<String, Integer>> result =
                client.batchGet(keys(from, from + 100));
            // answer the sub-batches on other threads, as a transport would
            delegate.calls().stream().filter(call -> !call.future().isDone())
                .forEach(call -> answering.execute(call::answer));
            Map<String, Integer> expected = new HashMap<>();
            keys(from, from + 100).forEach(k -> expected.put(k, Integer.parseInt(k.substring(1))));
            assertEquals(expected, result.get(10, TimeUnit.SECONDS));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
      answering.shutdownNow();
    }
    assertEquals(threads * callsPerThread, count("calls"));
    assertEquals(threads * callsPerThread * 7, delegate.callCount(), "ceil(100 / 16) each");
  }
}
