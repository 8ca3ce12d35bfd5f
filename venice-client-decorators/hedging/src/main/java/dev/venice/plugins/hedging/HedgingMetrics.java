package dev.venice.plugins.hedging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/** One store's hedging meters under the host-given prefix, created once (not per request). */
final class HedgingMetrics {
  final Counter requests;
  final Counter hedgesSent;
  final Counter hedgesWon;
  final Counter budgetExhausted;
  final DistributionSummary latencySaved;

  /**
   * @param prefix the host-given meter prefix ({@code venice.client.hedging.})
   */
  HedgingMetrics(MeterRegistry registry, String prefix, String store) {
    this.requests = Counter.builder(prefix + "requests")
        .description("Partition requests that went through hedging (once per logical request)")
        .tag("store", store).register(registry);
    this.hedgesSent = Counter.builder(prefix + "hedges.sent")
        .description("Hedge requests sent to a second replica").tag("store", store)
        .register(registry);
    this.hedgesWon = Counter.builder(prefix + "hedges.won")
        .description("Requests answered by the hedge rather than the first replica")
        .tag("store", store).register(registry);
    this.budgetExhausted = Counter.builder(prefix + "budget.exhausted")
        .description("Hedges not sent because the hedge budget was spent").tag("store", store)
        .register(registry);
    this.latencySaved = DistributionSummary.builder(prefix + "latency.saved")
        .description("Estimated latency saved by a winning hedge: the window's p99 of answers"
            + " minus the hedged answer's latency").baseUnit("milliseconds")
        .tag("store", store).publishPercentiles(0.5, 0.99).register(registry);
  }
}
