package dev.venice.plugins.readtimeout;

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
 * The {@code read-timeout} client decorator plugin, wiring only: its descriptor, its keys ({@link
 * ReadTimeoutConfig}) and, at start, one {@link ReadTimeoutDecorator} (store level, {@link
 * DecoratorOrder#TIMEOUT}) fed by the host's per-store settings, the plugin's scheduler (the
 * timers) and clock.
 */
public final class ReadTimeoutPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("read-timeout", "1.0.0", "[1.2,2.0)",
        "per-store read timeouts from store metadata; a timed-out call is cancelled in flight",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ReadTimeoutConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    ReadTimeoutConfig.validate(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addStoreDecorator(new ReadTimeoutDecorator(
        context.storeSettings(ReadTimeoutConfig::from), context.meterRegistry(),
        context.metricPrefix(), context.scheduler(), context.time()));
  }
}
