package dev.venice.plugins.hedging;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The plugin's replica-level decorator, at {@link DecoratorOrder#HEDGING}: one {@link
 * HedgingDispatcher} per store client, with the store's own latency window, extra-load budget and
 * meters, reading the store's host-kept settings on each request. Thread-safe; {@link #decorate}
 * is called once per store client by the host.
 */
final class HedgingDecorator implements ReplicaDispatchDecorator {
  private final StoreSettings<HedgingConfig> settings;
  private final Function<String, Optional<ExtraLoadBudget>> budgets;
  private final Logger log;
  private final MeterRegistry registry;
  private final String prefix;
  private final ScheduledExecutorService timer;
  private final TimeSource time;

  /**
   * @param settings the host-kept per-store settings
   * @param budgets the host's extra-load budget of a store
   * @param log the plugin's logger
   * @param prefix the host-given meter prefix ({@code venice.client.hedging.})
   * @param timer runs the hedge timers (the plugin's scheduler)
   * @param time the clock of latencies and of the sliding window
   */
  HedgingDecorator(StoreSettings<HedgingConfig> settings,
      Function<String, Optional<ExtraLoadBudget>> budgets, Logger log, MeterRegistry registry,
      String prefix, ScheduledExecutorService timer, TimeSource time) {
    this.settings = settings;
    this.budgets = budgets;
    this.log = log;
    this.registry = registry;
    this.prefix = prefix;
    this.timer = timer;
    this.time = time;
  }

  @Override
  public String name() {
    return "hedging";
  }

  @Override
  public int order() {
    return DecoratorOrder.HEDGING;
  }

  /**
   * Hedging for {@code store}; without an extra-load budget for it (a host that has none) the
   * store's requests pass through unhedged, logged once, since a hedge must never be unbudgeted.
   */
  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    Optional<ExtraLoadBudget> budget = budgets.apply(store);
    if (budget.isEmpty()) {
      log.warn("store {}: the host offers no extra-load budget, so hedging sends no hedges", store);
      return next;
    }
    return new HedgingDispatcher(next, () -> settings.get(store), budget.get(), time::nanoTime,
        new HedgingMetrics(registry, prefix, store), timer, time);
  }
}
