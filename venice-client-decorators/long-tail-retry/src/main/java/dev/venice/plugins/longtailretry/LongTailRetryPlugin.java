package dev.venice.plugins.longtailretry;

import dev.venice.spi.client.DecoratorOrder;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code long-tail-retry} client decorator plugin, wiring only: its descriptor, its keys
 * ({@link LongTailRetryConfig}) and, at start, one {@link LongTailRetryDecorator} (replica level,
 * {@link DecoratorOrder#LONG_TAIL_RETRY}) fed by the host's per-store settings and extra-load
 * budgets and the plugin's scheduler.
 */
public final class LongTailRetryPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("long-tail-retry", "1.0.0", "[1.3,2.0)",
        "Venice's long-tail retry: after a threshold by kind and key count, the request once more"
            + " to the next replica, within the store's extra-load budget",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return LongTailRetryConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    LongTailRetryConfig.validate(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addReplicaDecorator(new LongTailRetryDecorator(
        context.storeSettings(LongTailRetryConfig::from), context.host()::extraLoadBudget,
        context.logger(), context.meterRegistry(), context.metricPrefix(), context.scheduler()));
  }
}
