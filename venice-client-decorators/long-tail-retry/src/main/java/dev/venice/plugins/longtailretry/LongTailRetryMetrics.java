package dev.venice.plugins.longtailretry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One store's long-tail retry meters under the host-given prefix ({@code
 * venice.client.long.tail.retry.}), created once per store client, never per request.
 */
final class LongTailRetryMetrics {
  final Counter requests;
  final Counter retriesSent;
  final Counter retriesWon;
  final Counter budgetExhausted;

  /** @param prefix the host-given meter prefix ({@code venice.client.long.tail.retry.}) */
  LongTailRetryMetrics(MeterRegistry registry, String prefix, String store) {
    this.requests = Counter.builder(prefix + "requests")
        .description("Partition requests that could be retried (kind retried, two replicas)")
        .tag("store", store).register(registry);
    this.retriesSent = Counter.builder(prefix + "retries.sent")
        .description("Retries sent to the next replica after the threshold").tag("store", store)
        .register(registry);
    this.retriesWon = Counter.builder(prefix + "retries.won")
        .description("Requests the retry answered first").tag("store", store).register(registry);
    this.budgetExhausted = Counter.builder(prefix + "budget.exhausted")
        .description("Retries not sent because the store's extra-load budget was spent")
        .tag("store", store).register(registry);
  }
}
