package dev.venice.plugins.ratelimiter;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's store-level decorator, at {@link DecoratorOrder#RATE_LIMIT}: outside everything
 * that sends (batch splitting, timeouts, the client's replica failover), so a refused call costs
 * nothing downstream and is never retried; inside coalescing, so callers sharing one request
 * spend one token between them. Wraps each store client in a {@link RateLimitingStoreClient} with
 * the store's own bucket and meters, reading the store's host-kept settings on each request.
 * Thread-safe; {@link #decorate} is called once per store client by the host.
 */
final class RateLimiterDecorator implements StoreClientDecorator {
  private final StoreSettings<RateLimiterConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;
  private final TimeSource time;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.rate.limiter.})
   * @param time the buckets' clock
   */
  RateLimiterDecorator(StoreSettings<RateLimiterConfig> settings, MeterRegistry registry,
      String prefix, TimeSource time) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
    this.time = time;
  }

  @Override
  public String name() {
    return "rate-limiter";
  }

  @Override
  public int order() {
    return DecoratorOrder.RATE_LIMIT;
  }

  @Override
  public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
    String store = client.storeName();
    return new RateLimitingStoreClient<>(client, () -> settings.get(store), time, registry,
        prefix);
  }
}
