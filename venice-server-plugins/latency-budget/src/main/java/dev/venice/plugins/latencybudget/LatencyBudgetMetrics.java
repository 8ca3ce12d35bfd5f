package dev.venice.plugins.latencybudget;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.router.latency.budget.}),
 * registered once per store when it is first evaluated and read from its {@link
 * BudgetEvaluator.StoreState} when exported: nothing is recorded per request. Every meter is tagged
 * {@code store}. A store dropped by the evaluator (budget removed, store deleted, plugin switched
 * off for it) has its meters removed from the registry ({@link #untrack}), so {@code /metrics}
 * shows no stale p99 or budget; if it is budgeted again its meters start afresh. Thread-safe.
 */
final class LatencyBudgetMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final Map<String, List<Meter>> tracked = new ConcurrentHashMap<>();

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   */
  LatencyBudgetMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
  }

  /**
   * Registers the store's meters the first time it is seen (or first since {@link #untrack});
   * later calls do nothing.
   */
  void track(BudgetEvaluator.StoreState state) {
    tracked.computeIfAbsent(state.store(), store -> register(state));
  }

  /** Removes the store's meters from the registry, if it has any. */
  void untrack(String store) {
    List<Meter> meters = tracked.remove(store);
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }

  private List<Meter> register(BudgetEvaluator.StoreState state) {
    String store = state.store();
    Meter exceeded = FunctionCounter.builder(prefix + "exceeded", state,
            BudgetEvaluator.StoreState::exceededCount)
        .tag("store", store)
        .description("Evaluations whose p99 single-get latency was over the store's budget"
            + " (latency_budget_exceeded)")
        .register(registry);
    Meter lastExceeded = Gauge.builder(prefix + "exceeded.last.epoch.ms", state,
            s -> s.lastExceeded() == null ? 0 : s.lastExceeded().at().toEpochMilli())
        .tag("store", store)
        .description("When the store last exceeded its budget, epoch milliseconds (0: never)")
        .register(registry);
    Meter p99 = Gauge.builder(prefix + "p99.ms", state,
            s -> s.last() == null ? Double.NaN : s.last().p99Ms())
        .tag("store", store)
        .description("The p99 single-get latency over the window at the last evaluation, ms")
        .register(registry);
    Meter budget = Gauge.builder(prefix + "budget.ms", state,
            s -> s.last() == null ? Double.NaN : s.last().budgetMs())
        .tag("store", store)
        .description("The store's budget at the last evaluation, ms")
        .register(registry);
    Meter samples = Gauge.builder(prefix + "window.samples", state,
            s -> s.last() == null ? 0 : s.last().samples())
        .tag("store", store)
        .description("Single gets in the window at the last evaluation")
        .register(registry);
    return List.of(exceeded, lastExceeded, p99, budget, samples);
  }
}
