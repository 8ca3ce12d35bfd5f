package dev.venice.plugins.coalescing;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store client of our own interface whose answers the test controls: each get is one pending
 * call, kept in order; batch and streaming gets return one fixed pending future each. Thread-safe.
 *
 * @param <K> the key type
 */
final class FakeStoreClient<K> implements StoreClient<K, String> {
  /** One get sent to this client. */
  record Call<K>(K key, RequestContext context, CompletableFuture<String> future) {}

  final List<Call<K>> calls = new CopyOnWriteArrayList<>();
  final CompletableFuture<Map<K, String>> batch = new CompletableFuture<>();
  final CompletableFuture<Void> streaming = new CompletableFuture<>();
  private final String store;

  FakeStoreClient(String store) {
    this.store = store;
  }

  @Override
  public String storeName() {
    return store;
  }

  @Override
  public CompletableFuture<String> get(K key, RequestContext context) {
    Call<K> call = new Call<>(key, context, new CompletableFuture<>());
    calls.add(call);
    return call.future();
  }

  @Override
  public CompletableFuture<Map<K, String>> batchGet(Set<K> keys, RequestContext context) {
    return batch;
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, String> callback) {
    return streaming;
  }

  @Override
  public void close() {}

  /** The {@code index}-th call (from 0). */
  CompletableFuture<String> call(int index) {
    return calls.get(index).future();
  }

  /** Completes the {@code index}-th call with {@code value} ({@code null}: the key is absent). */
  void answer(int index, String value) {
    call(index).complete(value);
  }
}
