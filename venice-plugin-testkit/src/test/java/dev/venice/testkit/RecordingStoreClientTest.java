package dev.venice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StreamingCallback;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingStoreClientTest {
  private static final Map<String, Integer> DATA = Map.of("a", 1, "b", 2);

  /** Collects what a streaming get delivers, in order, as {@code key=value}. */
  private static final class Delivered implements StreamingCallback<String, Integer> {
    final List<String> records = new ArrayList<>();

    @Override
    public void onRecord(String key, Integer value) {
      records.add(key + "=" + value);
    }
  }

  @Test
  void everyReadIsRecordedInOrderWithItsKindKeysContextCallbackAndFuture() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s", DATA);
    RequestContext traced = RequestContext.of("s").withHeader("traceparent", "t");
    Delivered delivered = new Delivered();
    Set<String> ordered = new LinkedHashSet<>(List.of("b", "x", "a"));

    CompletableFuture<Integer> single = client.get("a", traced);
    CompletableFuture<Map<String, Integer>> batch = client.batchGet(ordered, traced);
    CompletableFuture<Void> streaming = client.streamingBatchGet(Set.of("a"), traced, delivered);
    client.get("b"); // the default context

    assertEquals(4, client.callCount());
    List<RecordingStoreClient.Call<String, Integer>> calls = client.calls();
    assertEquals(List.of(RequestKind.SINGLE_GET, RequestKind.BATCH_GET,
        RequestKind.STREAMING_BATCH_GET, RequestKind.SINGLE_GET),
        calls.stream().map(RecordingStoreClient.Call::kind).toList());
    assertEquals("a", calls.get(0).key());
    assertEquals(Set.of("a"), calls.get(0).keys());
    assertEquals(List.of("b", "x", "a"), List.copyOf(calls.get(1).keys()), "the caller's order");
    assertSame(traced, calls.get(0).context());
    assertSame(traced, calls.get(2).context());
    assertEquals(RequestContext.of("s").toString(), calls.get(3).context().toString());
    assertSame(delivered, calls.get(2).callback());
    assertSame(single, calls.get(0).future());
    assertSame(batch, calls.get(1).future());
    assertSame(streaming, client.call(2).future());
    assertSame(calls.get(3), client.lastCall());
    assertEquals("s", client.storeName());

    assertFalse(single.isDone() || batch.isDone() || streaming.isDone(), "pending until told");
    assertEquals(List.of(), delivered.records, "nothing streamed before the answer");
  }

  @Test
  void theRecordedKeysAreACopyTheCallerCannotChange() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s");
    Set<String> keys = new HashSet<>(Set.of("a", "b"));
    client.batchGet(keys);
    keys.add("c");
    Set<String> recorded = client.lastCall().keys();
    assertEquals(Set.of("a", "b"), recorded);
    assertThrows(UnsupportedOperationException.class, () -> recorded.add("d"));
  }

  @Test
  void answerFollowsTheStoreClientContractForMissingKeys() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s", DATA);
    CompletableFuture<Integer> found = client.get("a");
    CompletableFuture<Integer> missing = client.get("x");
    CompletableFuture<Map<String, Integer>> batch = client.batchGet(Set.of("a", "b", "x"));
    Delivered delivered = new Delivered();
    CompletableFuture<Void> streaming =
        client.streamingBatchGet(new LinkedHashSet<>(List.of("x", "b")), delivered);

    client.calls().forEach(call -> assertTrue(call.answer(), call + " answered"));
    assertEquals(1, found.join());
    assertNull(missing.join(), "a missing key: null");
    assertEquals(Map.of("a", 1, "b", 2), batch.join(), "a missing key: absent");
    assertEquals(List.of("x=null", "b=2"), delivered.records, "once per key, null when missing");
    assertNull(streaming.join());
  }

  @Test
  void aClientWithoutDataAnswersEveryKeyAsMissing() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s");
    CompletableFuture<Integer> single = client.get("a");
    CompletableFuture<Map<String, Integer>> batch = client.batchGet(Set.of("a"));
    client.call(0).answer();
    client.call(1).answer();
    assertNull(single.join());
    assertEquals(Map.of(), batch.join());
  }

  @Test
  void answeringAtOnceCompletesBeforeReturningAndStillRecords() {
    RecordingStoreClient<String, Integer> client =
        RecordingStoreClient.answeringAtOnce("s", DATA);
    assertEquals(2, client.get("b").getNow(-1));
    assertEquals(Map.of("a", 1), client.batchGet(Set.of("a", "x")).getNow(null));
    Delivered delivered = new Delivered();
    CompletableFuture<Void> streaming = client.streamingBatchGet(Set.of("a"), delivered);
    assertTrue(streaming.isDone(), "done before returning");
    assertEquals(List.of("a=1"), delivered.records, "called back on the calling thread");
    assertEquals(3, client.callCount());
    assertFalse(client.lastCall().answer(), "already answered");
    assertEquals(List.of("a=1"), delivered.records, "never twice");
  }

  @Test
  void aSingleGetCanBeAnsweredWithAnyValueTheVeryObject() {
    RecordingStoreClient<String, String> client =
        RecordingStoreClient.pending("s", Map.of("k", "stored"));
    CompletableFuture<String> first = client.get("k");
    CompletableFuture<String> second = client.get("k");
    String value = new String("given");
    assertTrue(client.call(0).answer(value));
    assertSame(value, first.join());
    assertTrue(client.call(1).answer(null), "null: the key does not exist");
    assertNull(second.join());
    assertFalse(client.call(1).answer("late"), "the first outcome wins");
  }

  @Test
  void failCompletesExceptionallyAndTheFirstOutcomeWins() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s", DATA);
    CompletableFuture<Map<String, Integer>> batch = client.batchGet(Set.of("a"));
    ServiceUnavailableException down = new ServiceUnavailableException("s", "down", null);
    assertTrue(client.lastCall().fail(down));
    assertSame(down, assertThrows(CompletionException.class, batch::join).getCause());
    assertFalse(client.lastCall().answer(), "too late");
    assertFalse(client.lastCall().fail(new IllegalStateException("twice")));
  }

  @Test
  void aStreamingGetFailedOrCancelledIsNotCalledBackByAnswer() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s", DATA);
    Delivered delivered = new Delivered();
    client.streamingBatchGet(Set.of("a"), delivered);
    client.streamingBatchGet(Set.of("b"), delivered);
    assertTrue(client.call(0).fail(new IllegalStateException("refused")));
    assertTrue(client.call(1).future().cancel(true));
    assertFalse(client.call(0).answer());
    assertFalse(client.call(1).answer());
    assertEquals(List.of(), delivered.records);
    client.call(1).callback().onRecord("b", 9); // a test may still deliver by hand
    assertEquals(List.of("b=9"), delivered.records);
  }

  @Test
  void kindSpecificPartsRefuseTheOtherKinds() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s");
    client.batchGet(Set.of("a"));
    client.get("a");
    RecordingStoreClient.Call<String, Integer> batch = client.call(0);
    IllegalStateException notAGet = assertThrows(IllegalStateException.class, batch::key);
    assertEquals("key() is for a SINGLE_GET call; this is a BATCH_GET", notAGet.getMessage());
    assertThrows(IllegalStateException.class, () -> batch.answer(1));
    assertThrows(IllegalStateException.class, () -> client.call(1).callback());
  }

  @Test
  void nullKeysOfGetsAreRecordedAndAnsweredAsMissing() {
    RecordingStoreClient<String, Integer> client =
        RecordingStoreClient.answeringAtOnce("s", DATA);
    assertNull(client.get(null).join());
    assertNull(client.lastCall().key());
    assertEquals(1, client.lastCall().keys().size());
  }

  @Test
  void badArgumentsAndMissingCallsAreRefusedClearly() {
    assertThrows(IllegalArgumentException.class, () -> RecordingStoreClient.pending(""));
    assertThrows(NullPointerException.class, () -> RecordingStoreClient.pending(null));
    Map<String, Integer> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThrows(NullPointerException.class,
        () -> RecordingStoreClient.answeringAtOnce("s", withNull));
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s");
    NoSuchElementException none = assertThrows(NoSuchElementException.class, client::lastCall);
    assertEquals("no call has reached store client 's' yet", none.getMessage());
    client.get("a");
    IndexOutOfBoundsException beyond =
        assertThrows(IndexOutOfBoundsException.class, () -> client.call(1));
    assertEquals("call 1 of store client 's': it has had 1 call(s)", beyond.getMessage());
    assertThrows(NullPointerException.class, () -> client.get("a", null));
    assertThrows(NullPointerException.class, () -> client.batchGet(null));
    assertThrows(NullPointerException.class, () -> client.streamingBatchGet(Set.of("a"), null));
    assertEquals(1, client.callCount(), "refused reads are not recorded");
  }

  @Test
  void callsIsASnapshotAndCloseChangesNothing() {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s");
    client.get("a");
    List<RecordingStoreClient.Call<String, Integer>> before = client.calls();
    client.close();
    client.get("b");
    assertEquals(1, before.size(), "a snapshot");
    assertEquals(2, client.callCount(), "recorded after close too");
    assertThrows(UnsupportedOperationException.class, () -> before.remove(0));
  }

  @Test
  void manyThreadsCallingAtOnceAreEachRecordedOnceWithTheirOwnFuture() throws Exception {
    RecordingStoreClient<String, Integer> client = RecordingStoreClient.pending("s");
    int threads = 8;
    int callsPerThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<CompletableFuture<Integer>>>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await();
          List<CompletableFuture<Integer>> futures = new ArrayList<>();
          for (int i = 0; i < callsPerThread; i++) {
            futures.add(client.get(thread + ":" + i));
          }
          return futures;
        }));
      }
      go.countDown();
      Set<CompletableFuture<?>> returned = new HashSet<>();
      for (Future<List<CompletableFuture<Integer>>> d : done) {
        returned.addAll(d.get(10, TimeUnit.SECONDS));
      }
      List<RecordingStoreClient.Call<String, Integer>> calls = client.calls();
      assertEquals(threads * callsPerThread, calls.size());
      assertEquals(threads * callsPerThread,
          calls.stream().map(RecordingStoreClient.Call::key).distinct().count(), "each once");
      Set<CompletableFuture<?>> recorded = new HashSet<>();
      calls.forEach(call -> recorded.add(call.future()));
      assertEquals(returned, recorded, "every future returned is a recorded call's");
    } finally {
      pool.shutdownNow();
    }
  }
}
