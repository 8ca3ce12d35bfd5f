package dev.venice.plugins.readtimeout;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store client of our own interface whose answers the test gives: every call is recorded with
 * the context it was sent with and left pending until the test completes it.
 */
final class FakeStoreClient implements StoreClient<String, String> {
  /** One call as the delegate saw it. */
  record Call(RequestContext context, CompletableFuture<Object> future,
      StreamingCallback<String, String> callback) {}

  private final String store;
  final List<Call> calls = new CopyOnWriteArrayList<>();

  FakeStoreClient(String store) {
    this.store = store;
  }

  /** The latest call. */
  Call last() {
    return calls.get(calls.size() - 1);
  }

  /** Completes the latest call with {@code value}. */
  void answer(Object value) {
    last().future().complete(value);
  }

  @Override
  public String storeName() {
    return store;
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<String> get(String key, RequestContext context) {
    return (CompletableFuture<String>) (CompletableFuture<?>) record(context, null);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Map<String, String>> batchGet(Set<String> keys,
      RequestContext context) {
    return (CompletableFuture<Map<String, String>>) (CompletableFuture<?>) record(context, null);
  }

  @Override
  @SuppressWarnings("unchecked")
  public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
      StreamingCallback<String, String> callback) {
    return (CompletableFuture<Void>) (CompletableFuture<?>) record(context, callback);
  }

  private CompletableFuture<Object> record(RequestContext context,
      StreamingCallback<String, String> callback) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    calls.add(new Call(context, future, callback));
    return future;
  }

  @Override
  public void close() {}
}
