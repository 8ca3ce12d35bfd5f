package dev.venice.plugins.hedging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/** One store's hedging meters, created once (not per request). */
final class HedgingMetrics {
  final Counter requests;
  final Counter hedgesSent;
  final Counter hedgesWon;
  final Counter budgetExhausted;
  final DistributionSummary latencySaved;

  HedgingMetrics(MeterRegistry registry, String store) {
    this.requests = Counter.builder("venice.client.hedging.requests")
        .description("Partition requests that went through hedging (once per logical request)")
        .tag("store", store).register(registry);
    this.hedgesSent = Counter.builder("venice.client.hedging.hedges.sent")
        .description("Hedge requests sent to a second replica").tag("store", store)
        .register(registry);
    this.hedgesWon = Counter.builder("venice.client.hedging.hedges.won")
        .description("Requests answered by the hedge rather than the first replica")
        .tag("store", store).register(registry);
    this.budgetExhausted = Counter.builder("venice.client.hedging.budget.exhausted")
        .description("Hedges not sent because the hedge budget was spent").tag("store", store)
        .register(registry);
    this.latencySaved = DistributionSummary.builder("venice.client.hedging.latency.saved")
        .description("Estimated latency saved by a winning hedge: the window's p99 of unhedged"
            + " answers minus the hedged answer's latency").baseUnit("milliseconds")
        .tag("store", store).publishPercentiles(0.5, 0.99).register(registry);
  }
}
