package dev.venice.plugins.batchsplit;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store client of our own interface for the tests: a fixed key-value map, every call recorded.
 * When {@code answerAtOnce} is set a batch get answers with the keys it holds before returning;
 * otherwise its future stays pending until the test completes {@link Call#future} (or calls {@link
 * Call#answer}). Thread-safe.
 */
final class FakeStoreClient implements StoreClient<String, Integer> {
  /** One batch get the client received. */
  record Call(Set<String> keys, RequestContext context,
      CompletableFuture<Map<String, Integer>> future, Map<String, Integer> data) {
    /** Completes the call with the keys it asked for that the client holds. */
    void answer() {
      Map<String, Integer> found = new HashMap<>();
      for (String key : keys) {
        if (data.containsKey(key)) {
          found.put(key, data.get(key));
        }
      }
      future.complete(found);
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final String store;
  private final Map<String, Integer> data;
  private final boolean answerAtOnce;

  FakeStoreClient(String store, Map<String, Integer> data, boolean answerAtOnce) {
    this.store = store;
    this.data = Map.copyOf(data);
    this.answerAtOnce = answerAtOnce;
  }

  /** {@code count} keys {@code k0..k<count-1>}, each holding its index. */
  static Map<String, Integer> numbered(int count) {
    Map<String, Integer> data = new HashMap<>();
    for (int i = 0; i < count; i++) {
      data.put("k" + i, i);
    }
    return data;
  }

  @Override
  public String storeName() {
    return store;
  }

  @Override
  public CompletableFuture<Integer> get(String key, RequestContext context) {
    return CompletableFuture.completedFuture(data.get(key));
  }

  @Override
  public CompletableFuture<Map<String, Integer>> batchGet(Set<String> keys,
      RequestContext context) {
    Call call = new Call(Set.copyOf(keys), context, new CompletableFuture<>(), data);
    calls.add(call);
    if (answerAtOnce) {
      call.answer();
    }
    return call.future();
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
      StreamingCallback<String, Integer> callback) {
    keys.forEach(key -> callback.onRecord(key, data.get(key)));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {}
}
