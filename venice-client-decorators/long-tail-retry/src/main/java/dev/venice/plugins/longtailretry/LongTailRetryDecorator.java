package dev.venice.plugins.longtailretry;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ExtraLoadBudget;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.plugin.StoreSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The plugin's replica-level decorator, at {@link DecoratorOrder#LONG_TAIL_RETRY} (inside hedging,
 * so both draw on one budget when both are on): one {@link LongTailRetryDispatcher} per store
 * client with the store's budget and meters, reading the store's host-kept settings per request.
 * Thread-safe; {@link #decorate} is called once per store client by the host.
 */
final class LongTailRetryDecorator implements ReplicaDispatchDecorator {
  private final StoreSettings<LongTailRetryConfig> settings;
  private final Function<String, Optional<ExtraLoadBudget>> budgets;
  private final Logger log;
  private final MeterRegistry registry;
  private final String prefix;
  private final ScheduledExecutorService timer;

  /**
   * @param settings the host-kept per-store settings
   * @param budgets the host's extra-load budget of a store
   * @param log the plugin's logger
   * @param prefix the host-given meter prefix ({@code venice.client.long.tail.retry.})
   * @param timer runs the retry timers (the plugin's scheduler)
   */
  LongTailRetryDecorator(StoreSettings<LongTailRetryConfig> settings,
      Function<String, Optional<ExtraLoadBudget>> budgets, Logger log, MeterRegistry registry,
      String prefix, ScheduledExecutorService timer) {
    this.settings = settings;
    this.budgets = budgets;
    this.log = log;
    this.registry = registry;
    this.prefix = prefix;
    this.timer = timer;
  }

  @Override
  public String name() {
    return "long-tail-retry";
  }

  @Override
  public int order() {
    return DecoratorOrder.LONG_TAIL_RETRY;
  }

  /**
   * Retries for {@code store}; without an extra-load budget for it (a host that has none) the
   * store's requests pass through, logged once, since a retry must never be unbudgeted.
   */
  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    Optional<ExtraLoadBudget> budget = budgets.apply(store);
    if (budget.isEmpty()) {
      log.warn("store {}: the host offers no extra-load budget, so no long-tail retry is sent",
          store);
      return next;
    }
    return new LongTailRetryDispatcher(next, () -> settings.get(store), budget.get(),
        new LongTailRetryMetrics(registry, prefix, store), timer);
  }
}
