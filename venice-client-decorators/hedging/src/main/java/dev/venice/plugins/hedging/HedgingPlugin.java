package dev.venice.plugins.hedging;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code hedging} client decorator plugin: a replica-level decorator, positioned by {@link
 * DecoratorOrder#HEDGING}. Each store gets its own sliding window (latencies, budget) and meters;
 * its settings come from the host's per-store settings (the process's {@code plugins.hedging.*}
 * overlaid with the store's), kept current by the host.
 */
public final class HedgingPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("hedging", "1.1.0", "[1.1,2.0)",
        "hedged requests: a second replica after a delay, first answer wins, within a budget",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return HedgingConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    HedgingConfig.validate(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    StoreSettings<HedgingConfig> settings = context.storeSettings(HedgingConfig::from);
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
        return new HedgingDispatcher(next, () -> settings.get(store), context.time()::nanoTime,
            new HedgingMetrics(context.meterRegistry(), context.metricPrefix(), store),
            context.scheduler(), context.time());
      }
    });
  }
}
