package dev.venice.plugins.hedging;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code hedging} client decorator plugin: a replica-level decorator, positioned by {@link
 * DecoratorOrder#HEDGING}. Each store gets its own sliding window (latencies, budget) and meters;
 * its settings are the process's {@code plugins.hedging.*} overlaid with the store's plugin
 * settings, re-read when the store's metadata changes.
 */
public final class HedgingPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("hedging", "1.0.0", "[1.0,2.0)",
        "hedged requests: a second replica after a delay, first answer wins, within a budget");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return HedgingConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    Map<String, HedgingConfig> settings = new ConcurrentHashMap<>();
    context.host().storeMetadata().ifPresent(stores ->
        stores.addListener(store -> settings.remove(store.name())));
    extensions.addReplicaDecorator(new ReplicaDispatchDecorator() {
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
        HedgingConfig initial = HedgingConfig.from(context.configForStore(store));
        return new HedgingDispatcher(next,
            () -> settings.computeIfAbsent(store,
                s -> HedgingConfig.from(context.configForStore(s))),
            new SlidingWindow(initial.window().toNanos(), context.time()::nanoTime),
            new HedgingMetrics(context.meterRegistry(), store), context.scheduler(),
            context.time());
      }
    });
  }
}
