package dev.venice.spi.client;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A store client that forwards every call to another one. Store-level decorators extend it and
 * override only the calls they change.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class ForwardingStoreClient<K, V> implements StoreClient<K, V> {
  /** The client calls are forwarded to. */
  protected final StoreClient<K, V> delegate;

  /** @param delegate the client calls are forwarded to */
  protected ForwardingStoreClient(StoreClient<K, V> delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public String storeName() {
    return delegate.storeName();
  }

  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    return delegate.get(key, context);
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    return delegate.batchGet(keys, context);
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(
      Set<K> keys, RequestContext context, StreamingCallback<K, V> callback) {
    return delegate.streamingBatchGet(keys, context, callback);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
