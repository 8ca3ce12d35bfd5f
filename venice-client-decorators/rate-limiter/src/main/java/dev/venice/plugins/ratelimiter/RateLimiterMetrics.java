package dev.venice.plugins.ratelimiter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One store's rate-limiter meters under the host-given prefix, created once per store client (not
 * per request). Admitted and rejected count requests (a batch get is one request, whatever its
 * keys); the fill level is in tokens (keys). Thread-safe.
 */
final class RateLimiterMetrics {
  /** The prefix the plugin gets on a client ({@code context.metricPrefix()}). */
  static final String CLIENT_PREFIX = "venice.client.rate.limiter.";

  final Counter admitted;
  final Counter rejected;

  /**
   * @param prefix the host-given meter prefix ({@code venice.client.rate.limiter.})
   * @param bucket the store's current bucket; the gauge holds it weakly, so a closed and dropped
   *     client's gauge reads NaN rather than keeping the client alive
   */
  RateLimiterMetrics(MeterRegistry registry, String prefix, String store,
      AtomicReference<TokenBucket> bucket) {
    this.admitted = Counter.builder(prefix + "admitted")
        .description("Requests the rate limit let through (a batch get counts once)")
        .tag("store", store).register(registry);
    this.rejected = Counter.builder(prefix + "rejected")
        .description("Requests refused with QuotaExceededException, never sent")
        .tag("store", store).register(registry);
    Gauge.builder(prefix + "fill.level", bucket, current -> current.get().availableTokens())
        .description("Tokens (keys) in the bucket as of now, from 0 to the burst")
        .tag("store", store).register(registry);
  }
}
