package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code graceful-drain} plugin, wiring only: its descriptor (servers and routers), its keys
 * ({@link GracefulDrainConfig}) and, at start, the process's {@link DrainCoordinator} with its
 * {@link DrainRequestHook} (counting calls), {@link DrainLifecycleHook} (waiting in {@code
 * onDrain}, subscribed to the serving lifecycle), {@link DrainEndpoint} and {@link
 * GracefulDrainMetrics}. {@link #stop()} closes the lifecycle subscription.
 */
public final class GracefulDrainPlugin implements VenicePlugin {
  private volatile Subscription subscription;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("graceful-drain", "1.0.0", "[1.4,2.0)",
        "a stopping server or router finishes its read calls in flight before it stops, up to a"
            + " deadline; POST /plugins/graceful-drain/drain starts a drain",
        Set.of(ProcessKind.SERVER, ProcessKind.ROUTER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return GracefulDrainConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    GracefulDrainConfig.validate(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    GracefulDrainConfig config = GracefulDrainConfig.from(context.config());
    String process = context.host().processKind() + " " + context.host().instanceId();
    DrainCoordinator coordinator = new DrainCoordinator(context.time(), config.drainTimeout(),
        config.quietPeriod(), process + " is stopping: drain deadline passed");
    GracefulDrainMetrics.register(context.meterRegistry(), context.metricPrefix(), coordinator);
    DrainLifecycleHook drain = new DrainLifecycleHook(coordinator, context.logger());
    subscription = context.host().lifecycle().map(l -> l.subscribe(drain::onServingState))
        .orElse(null);
    extensions.addRequestHook(new DrainRequestHook(coordinator)).addLifecycleHook(drain)
        .addHttpEndpoint(new DrainEndpoint(coordinator, context.host().lifecycle(),
            context.host().instanceId(), config.quietPeriod()));
  }

  @Override
  public void stop() {
    Subscription opened = subscription;
    if (opened != null) {
      opened.close();
    }
  }
}
