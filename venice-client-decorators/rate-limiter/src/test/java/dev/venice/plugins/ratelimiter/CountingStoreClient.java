package dev.venice.plugins.ratelimiter;

import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake store client that answers every call at once (a key's value is the key in upper case)
 * and counts the calls and keys that reached it. Thread-safe.
 */
final class CountingStoreClient implements StoreClient<String, String> {
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger keys = new AtomicInteger();
  private final String store;

  CountingStoreClient(String store) {
    this.store = store;
  }

  @Override
  public String storeName() {
    return store;
  }

  @Override
  public CompletableFuture<String> get(String key, RequestContext context) {
    count(1);
    return CompletableFuture.completedFuture(key.toUpperCase());
  }

  @Override
  public CompletableFuture<Map<String, String>> batchGet(Set<String> keys,
      RequestContext context) {
    count(keys.size());
    Map<String, String> values = new HashMap<>();
    keys.forEach(k -> values.put(k, k.toUpperCase()));
    return CompletableFuture.completedFuture(values);
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<String> keys, RequestContext context,
      StreamingCallback<String, String> callback) {
    count(keys.size());
    keys.forEach(k -> callback.onRecord(k, k.toUpperCase()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {}

  private void count(int keyCount) {
    calls.incrementAndGet();
    keys.addAndGet(keyCount);
  }
}
