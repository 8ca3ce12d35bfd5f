package dev.venice.plugins.hedging;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code hedging} client decorator plugin, wiring only: its descriptor, its keys ({@link
 * HedgingConfig}) and, at start, one {@link HedgingDecorator} (replica level, {@link
 * DecoratorOrder#HEDGING}) fed by the host's per-store settings and extra-load budgets, the plugin's
 * scheduler and clock.
 */
public final class HedgingPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("hedging", "2.0.0", "[1.3,2.0)",
        "hedged requests: a second replica after a delay, first answer wins, within a budget",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return HedgingConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addReplicaDecorator(new HedgingDecorator(
        context.storeSettings(HedgingConfig::from), context.host()::extraLoadBudget,
        context.logger(), context.meterRegistry(), context.metricPrefix(), context.scheduler(),
        context.time()));
  }
}
