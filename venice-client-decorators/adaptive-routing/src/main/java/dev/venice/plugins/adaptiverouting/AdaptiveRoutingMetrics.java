package dev.venice.plugins.adaptiverouting;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * One store's adaptive-routing meters under the host-given prefix ({@code
 * venice.client.adaptive.routing.}), per (store, instance): the score gauge and the first-choice
 * pick counter (an instance's share of traffic is its picks over the store's picks). Created once
 * per instance, when it is first a candidate, never per request. Thread-safe.
 */
final class AdaptiveRoutingMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final String store;

  /** @param prefix the host-given meter prefix ({@code venice.client.adaptive.routing.}) */
  AdaptiveRoutingMetrics(MeterRegistry registry, String prefix, String store) {
    this.registry = registry;
    this.prefix = prefix;
    this.store = store;
  }

  /**
   * Registers the meters of {@code instance}.
   *
   * @param stats the instance's statistics, kept strongly by the score gauge
   * @param scoreMillis the instance's own current score, in latency milliseconds
   * @return the instance's first-choice pick counter
   */
  Counter forInstance(String instance, ReplicaStats stats,
      ToDoubleFunction<ReplicaStats> scoreMillis) {
    Gauge.builder(prefix + "score", stats, scoreMillis)
        .description("The instance's own score: decayed peak-EWMA latency x (in flight + 1) x"
            + " (1 + error-penalty x error rate), in milliseconds; lower is preferred")
        .tags("store", store, "instance", instance).strongReference(true).register(registry);
    return Counter.builder(prefix + "picks")
        .description("Partition requests that put the instance first (its share of traffic is"
            + " its picks over the store's picks)")
        .tags("store", store, "instance", instance).register(registry);
  }
}
