package dev.venice.plugins.grpchealth;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.host.ServingLifecycle;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Set;

/**
 * The {@code grpc-health} plugin, wiring only: its descriptor (servers, routers, controllers), its
 * key ({@link GrpcHealthConfig}) and, at start, {@link HealthStatuses} subscribed to the host's
 * serving lifecycle and the {@link HealthService} added to the process's gRPC port. {@link #stop()}
 * ends the subscription and every open watch.
 */
public final class GrpcHealthPlugin implements VenicePlugin {
  private volatile Subscription subscription;
  private volatile HealthStatuses statuses;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("grpc-health", "1.0.0", "[1.4,2.0)",
        "the standard grpc.health.v1.Health service (Check, Watch): liveness and readiness from"
            + " the process's serving lifecycle, for Kubernetes grpc probes",
        Set.of(ProcessKind.SERVER, ProcessKind.ROUTER, ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return GrpcHealthConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    GrpcHealthConfig.validate(config);
  }

  /**
   * @throws IllegalStateException when the host offers no serving lifecycle (not a server, router
   *     or controller)
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    GrpcHealthConfig config = GrpcHealthConfig.from(context.config());
    ServingLifecycle lifecycle = context.host().lifecycle().orElseThrow(() ->
        new IllegalStateException("grpc-health needs the host's serving lifecycle, which this "
            + context.host().processKind() + " does not offer"));
    GrpcHealthMetrics metrics = new GrpcHealthMetrics(context.meterRegistry(),
        context.metricPrefix());
    HealthStatuses started = new HealthStatuses(config.readinessService(), metrics);
    statuses = started;
    subscription = lifecycle.subscribe(started);
    extensions.addRpcService(new HealthService(started, metrics).rpcService());
  }

  @Override
  public void stop() {
    Subscription started = subscription;
    if (started != null) {
      started.close();
    }
    HealthStatuses current = statuses;
    if (current != null) {
      current.close();
    }
  }
}
