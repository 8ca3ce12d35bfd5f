package dev.venice.plugins.adaptiverouting;

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
 * The {@code adaptive-routing} client decorator plugin, wiring only: its descriptor, its keys
 * ({@link AdaptiveRoutingConfig}) and, at start, one {@link AdaptiveRoutingRegistry} of per-store,
 * per-instance statistics shared by two replica decorators: the {@link AdaptiveSelector} ({@link
 * DecoratorOrder#ADAPTIVE_SELECTION}) and the {@link AttemptRecorder} ({@link
 * DecoratorOrder#REPLICA_ATTEMPT}).
 */
public final class AdaptiveRoutingPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("adaptive-routing", "1.0.0", "[1.2,2.0)",
        "orders replicas by power-of-two-choices over a peak-EWMA latency, load and error score",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return AdaptiveRoutingConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    AdaptiveRoutingRegistry rankings = new AdaptiveRoutingRegistry(
        context.storeSettings(AdaptiveRoutingConfig::from), context.meterRegistry(),
        context.metricPrefix(), context.time());
    extensions.addReplicaDecorator(new AdaptiveSelector(rankings))
        .addReplicaDecorator(new AttemptRecorder(rankings));
  }
}
