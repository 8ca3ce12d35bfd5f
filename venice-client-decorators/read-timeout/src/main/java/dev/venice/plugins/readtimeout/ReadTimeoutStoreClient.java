package dev.venice.plugins.readtimeout;

import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One store's client bounded by the store's read timeout (see {@link StoreTimeout}). For each get,
 * batch get and streaming batch get while a timeout is in force, the call goes down with the
 * context's deadline set to now plus the timeout (so the runtime's gRPC deadline and replica-level
 * decorators see it) and races a timer on the plugin's scheduler ({@link TimedCall}): on expiry
 * the call is cancelled in flight and the caller's future fails with {@code
 * RequestTimeoutException} naming the store and the timeout.
 *
 * <p>Passed through untouched, at the cost of one lock-free settings read: calls of a store with no
 * timeout in force (the client's global timeout applies), and calls whose context already carries
 * a sooner deadline (the caller's, which the runtime enforces). Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class ReadTimeoutStoreClient<K, V> extends ForwardingStoreClient<K, V> {
  private final StoreTimeout timeout;
  private final ReadTimeoutMetrics metrics;
  private final TimedCall.Timer timer;
  private final TimeSource time;

  ReadTimeoutStoreClient(StoreClient<K, V> delegate, StoreTimeout timeout,
      ReadTimeoutMetrics metrics, TimedCall.Timer timer, TimeSource time) {
    super(delegate);
    this.timeout = timeout;
    this.metrics = metrics;
    this.timer = timer;
    this.time = time;
  }

  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    Duration limit = timeout.current();
    return limit == null ? delegate.get(key, context)
        : bounded(limit, context, bounded -> delegate.get(key, bounded));
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    Duration limit = timeout.current();
    return limit == null ? delegate.batchGet(keys, context)
        : bounded(limit, context, bounded -> delegate.batchGet(keys, bounded));
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(Set<K> keys, RequestContext context,
      StreamingCallback<K, V> callback) {
    Duration limit = timeout.current();
    if (limit == null) {
      return delegate.streamingBatchGet(keys, context, callback);
    }
    RequestContext bounded = withDeadline(limit, context);
    if (bounded == context) {
      return delegate.streamingBatchGet(keys, context, callback);
    }
    TimedCall<Void> call = newCall(limit);
    StreamingCallback<K, V> guarded = call.whileRunning(callback);
    return call.start(timer, bounded, c -> delegate.streamingBatchGet(keys, c, guarded));
  }

  private <T> CompletableFuture<T> bounded(Duration limit, RequestContext context,
      Function<RequestContext, CompletableFuture<T>> send) {
    RequestContext bounded = withDeadline(limit, context);
    return bounded == context ? send.apply(context)
        : this.<T>newCall(limit).start(timer, bounded, send);
  }

  /** The context with the deadline now + {@code limit}; itself when its own is sooner. */
  private RequestContext withDeadline(Duration limit, RequestContext context) {
    return context.withDeadline(time.now().plus(limit));
  }

  private <T> TimedCall<T> newCall(Duration limit) {
    return new TimedCall<>(timeout.store(), limit, time::nanoTime, metrics.timeouts::increment);
  }
}
