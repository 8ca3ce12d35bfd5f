package dev.venice.plugins.ratelimiter;

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
 * The {@code rate-limiter} client decorator plugin, wiring only: its descriptor, its keys ({@link
 * RateLimiterConfig}) and, at start, one {@link RateLimiterDecorator} (store level, {@link
 * DecoratorOrder#RATE_LIMIT}) fed by the host's per-store settings and the plugin's clock.
 */
public final class RateLimiterPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("rate-limiter", "1.0.0", "[1.2,2.0)",
        "client-side token-bucket rate limit per store: over the rate fails at once, unsent",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return RateLimiterConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    extensions.addStoreDecorator(new RateLimiterDecorator(
        context.storeSettings(RateLimiterConfig::from), context.meterRegistry(),
        context.metricPrefix(), context.time()));
  }
}
