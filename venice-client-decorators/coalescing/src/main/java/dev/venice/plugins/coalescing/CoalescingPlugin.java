package dev.venice.plugins.coalescing;

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
 * The {@code coalescing} client decorator plugin, wiring only: its descriptor, its keys ({@link
 * CoalescingConfig}) and, at start, one {@link CoalescingDecorator} (store level, {@link
 * DecoratorOrder#COALESCING}) fed by the host's per-store settings and clock.
 */
public final class CoalescingPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("coalescing", "1.0.0", "[1.2,2.0)",
        "request coalescing: concurrent single gets of one key share one in-flight request",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return CoalescingConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addStoreDecorator(new CoalescingDecorator(
        context.storeSettings(CoalescingConfig::from), context.meterRegistry(),
        context.metricPrefix(), context.time()));
  }
}
