package dev.venice.plugins.hedging;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The plugin's replica-level decorator, at {@link DecoratorOrder#HEDGING}: one {@link
 * HedgingDispatcher} per store client, with the store's own sliding window and meters, reading the
 * store's host-kept settings on each request. Thread-safe; {@link #decorate} is called once per
 * store client by the host.
 */
final class HedgingDecorator implements ReplicaDispatchDecorator {
  private final StoreSettings<HedgingConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;
  private final ScheduledExecutorService timer;
  private final TimeSource time;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.hedging.})
   * @param timer runs the hedge timers (the plugin's scheduler)
   * @param time the clock of latencies and of the sliding window
   */
  HedgingDecorator(StoreSettings<HedgingConfig> settings, MeterRegistry registry, String prefix,
      ScheduledExecutorService timer, TimeSource time) {
    this.settings = settings;
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

  @Override
  public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
    return new HedgingDispatcher(next, () -> settings.get(store), time::nanoTime,
        new HedgingMetrics(registry, prefix, store), timer, time);
  }
}
