package dev.venice.plugins.ratelimiter;

import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A store client that rate-limits reads on the client, before anything is sent: a token bucket of
 * {@code burst} tokens refilled at {@code rate} tokens per second, where a token is one key (a
 * single get costs 1, a batch or streaming batch get of {@code n} keys costs {@code n}, as
 * Venice's server-side read quota counts keys). A request the bucket cannot pay for fails at once
 * with a {@link QuotaExceededException} naming the store, the rate and the burst; the wrapped
 * client is not called, so nothing is sent and nothing below retries it ({@link
 * QuotaExceededException#isRetriable()} is false). A batch of more keys than the burst can never
 * pass and is refused with a message saying so.
 *
 * <p>Made by the {@code rate-limiter} plugin for clients that switch it on by configuration
 * ({@code plugins.rate-limiter.enabled=true}), with the store's settings read on each request so a
 * change applies without a restart; or built by hand around any {@link StoreClient}:
 *
 * <pre>{@code
 * StoreClient<String, GenericRecord> limited =
 *     new RateLimitingStoreClient<>(client, 500, 100);  // 500 keys/s, bursts of 100 keys
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may share one instance and then share its rate (the
 * bucket is one lock-free {@link TokenBucket}). Its methods never throw: refusals complete the
 * returned future exceptionally. Admission costs one monotonic clock read and one compare-and-set,
 * and allocates nothing beyond what the wrapped client does.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RateLimitingStoreClient<K, V> extends ForwardingStoreClient<K, V> {
  private final Supplier<RateLimiterConfig> limits;
  private final AtomicReference<TokenBucket> bucket;
  private final RateLimiterMetrics metrics;

  /**
   * Wraps {@code delegate} in a bucket of {@code burst} tokens refilled at {@code keysPerSecond},
   * full at first, on {@link System#nanoTime()}, with its meters ({@code
   * venice.client.rate.limiter.*}, tag {@code store}) in Micrometer's global registry.
   *
   * @param keysPerSecond tokens per second, from 0.01 to 10,000,000
   * @param burst bucket size in tokens, from 1 to 1,000,000; also the largest batch that can pass
   * @throws IllegalArgumentException when {@code keysPerSecond} or {@code burst} is out of range
   */
  public RateLimitingStoreClient(StoreClient<K, V> delegate, double keysPerSecond, int burst) {
    this(delegate, keysPerSecond, burst, Metrics.globalRegistry);
  }

  /**
   * As {@link #RateLimitingStoreClient(StoreClient, double, int)}, with the meters in {@code
   * registry}.
   */
  public RateLimitingStoreClient(StoreClient<K, V> delegate, double keysPerSecond, int burst,
      MeterRegistry registry) {
    this(delegate, fixed(new RateLimiterConfig(keysPerSecond, burst)), TimeSource.SYSTEM,
        registry, RateLimiterMetrics.CLIENT_PREFIX);
  }

  /**
   * The plugin's form.
   *
   * @param limits the store's current limit, read on every request (a cheap lookup of a ready
   *     object); a different object than the bucket's replaces the bucket, carrying its tokens
   * @param time the bucket's clock
   * @param prefix the meter prefix, ending with a dot
   */
  RateLimitingStoreClient(StoreClient<K, V> delegate, Supplier<RateLimiterConfig> limits,
      TimeSource time, MeterRegistry registry, String prefix) {
    super(delegate);
    this.limits = limits;
    this.bucket = new AtomicReference<>(new TokenBucket(limits.get(), time));
    this.metrics = new RateLimiterMetrics(registry, prefix, delegate.storeName(), bucket);
  }

  @Override
  public CompletableFuture<V> get(K key, RequestContext context) {
    QuotaExceededException refused = admit(1);
    return refused == null ? delegate.get(key, context) : CompletableFuture.failedFuture(refused);
  }

  @Override
  public CompletableFuture<Map<K, V>> batchGet(Set<K> keys, RequestContext context) {
    QuotaExceededException refused = admit(keys.size());
    return refused == null ? delegate.batchGet(keys, context)
        : CompletableFuture.failedFuture(refused);
  }

  @Override
  public CompletableFuture<Void> streamingBatchGet(
      Set<K> keys, RequestContext context, StreamingCallback<K, V> callback) {
    QuotaExceededException refused = admit(keys.size());
    return refused == null ? delegate.streamingBatchGet(keys, context, callback)
        : CompletableFuture.failedFuture(refused);
  }

  /** Takes one token per key; returns null when admitted, else the refusal to fail with. */
  private QuotaExceededException admit(int keys) {
    TokenBucket current = currentBucket();
    if (current.tryAcquire(keys)) {
      metrics.admitted.increment();
      return null;
    }
    metrics.rejected.increment();
    RateLimiterConfig limit = current.limit();
    String limits = String.format(Locale.ROOT, "rate %s keys/s, burst %d (plugins.rate-limiter"
        + ".rate and .burst)", limit.rate(), limit.burst());
    return new RateLimitExceededException(storeName(), keys > limit.burst()
        ? "a batch of " + keys + " keys can never pass the client-side rate limit: it costs one"
            + " token per key and the bucket holds at most " + limit.burst() + " tokens; split"
            + " the batch or raise the burst; " + limits + "; not sent"
        : String.format(Locale.ROOT, "client-side rate limit exceeded: %d key(s) asked for,"
            + " %.2f token(s) available; %s; not sent", keys, current.availableTokens(), limits));
  }

  /**
   * The bucket for the store's current limit. The host hands out one settings object per change,
   * so an identity check per request spots a change; the winner of the swap carries the tokens.
   */
  private TokenBucket currentBucket() {
    TokenBucket current = bucket.get();
    RateLimiterConfig wanted = limits.get();
    while (current.limit() != wanted) {
      TokenBucket replacement = current.withLimit(wanted);
      if (bucket.compareAndSet(current, replacement)) {
        return replacement;
      }
      current = bucket.get();
      wanted = limits.get();
    }
    return current;
  }

  private static Supplier<RateLimiterConfig> fixed(RateLimiterConfig limit) {
    return () -> limit;
  }
}
