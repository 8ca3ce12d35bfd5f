package dev.venice.plugins.circuitbreaker;

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
 * The {@code circuit-breaker} client decorator plugin, wiring only: its descriptor, its keys
 * ({@link CircuitBreakerConfig}) and, at start, one {@link CircuitBreakerRegistry} of per-store,
 * per-instance breakers shared by two replica decorators: the {@link CircuitBreakerSelector}
 * ({@link DecoratorOrder#REPLICA_CIRCUIT_BREAKER}) and the {@link CircuitBreakerGate} ({@link
 * DecoratorOrder#REPLICA_ATTEMPT}).
 */
public final class CircuitBreakerPlugin implements VenicePlugin {
  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("circuit-breaker", "1.0.0", "[1.2,2.0)",
        "per-instance circuit breakers: open instances are skipped, probes after a wait",
        Set.of(ProcessKind.CLIENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return CircuitBreakerConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    CircuitBreakerConfig.validate(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(
        context.storeSettings(CircuitBreakerConfig::from), context.meterRegistry(),
        context.metricPrefix(), context.time(), context.logger());
    extensions.addReplicaDecorator(new CircuitBreakerSelector(breakers))
        .addReplicaDecorator(new CircuitBreakerGate(breakers));
  }
}
