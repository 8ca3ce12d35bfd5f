package dev.venice.spi.client;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous client of one store. The runtime's thin and fast clients implement it; decorators
 * wrap it. A key that does not exist is not an error: {@link #get} completes with {@code null} and
 * {@link #batchGet} leaves the key out of its map. Failures complete the future exceptionally with
 * a {@link VeniceClientException} subtype.
 *
 * <p>Every method has a form that takes a {@link RequestContext} (deadline, headers) and one that
 * uses {@link RequestContext#of(String)} for this store.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface StoreClient<K, V> extends AutoCloseable {

  /** The name of the store this client reads. */
  String storeName();

  /** Reads one key; completes with {@code null} when the key does not exist. */
  CompletableFuture<V> get(K key, RequestContext context);

  /** Reads several keys; the map holds only the keys that exist. */
  CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context);

  /**
   * Reads several keys, delivering each value to {@code callback} as soon as it arrives (in any
   * order, possibly on several threads, never twice for the same key). The future completes once
   * every key has been delivered, or exceptionally when the request failed; keys delivered before a
   * failure stay delivered.
   */
  CompletableFuture<Void> streamingBatchGet(
      Set<K> keys, RequestContext context, StreamingCallback<K, V> callback);

  /** {@link #get(Object, RequestContext)} with a default context. */
  default CompletableFuture<V> get(K key) {
    return get(key, RequestContext.of(storeName()));
  }

  /** {@link #batchGet(Set, RequestContext)} with a default context. */
  default CompletableFuture<Map<K, V>> batchGet(Set<K> keys) {
    return batchGet(keys, RequestContext.of(storeName()));
  }

  /** {@link #streamingBatchGet(Set, RequestContext, StreamingCallback)} with a default context. */
  default CompletableFuture<Void> streamingBatchGet(Set<K> keys, StreamingCallback<K, V> callback) {
    return streamingBatchGet(keys, RequestContext.of(storeName()), callback);
  }

  /** Releases the client's resources; it does not throw checked exceptions. */
  @Override
  void close();
}
