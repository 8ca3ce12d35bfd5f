package dev.venice.plugins.tracing;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@code tracing} plugin, wiring only: its descriptor (clients, routers, servers), its keys
 * ({@link TracingConfig}) and, at start, this instance's own {@link TracingSdk}; on a client the
 * {@link TracingStoreDecorator} and {@link TracingReplicaDecorator}, on a router or server the
 * {@link TracingRequestHook}. {@link #stop()} flushes and closes the SDK.
 */
public final class TracingPlugin implements VenicePlugin {
  private final Function<TracingConfig, SpanExporter> exporters;
  private volatile TracingSdk sdk;

  /** The plugin as hosts load it: spans exported over OTLP as configured. */
  public TracingPlugin() {
    this(TracingSdk::otlpExporter);
  }

  /** Tests and benchmarks: spans go to the exporter {@code exporters} builds. */
  TracingPlugin(Function<TracingConfig, SpanExporter> exporters) {
    this.exporters = exporters;
  }

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("tracing", "1.0.0", "[1.3,2.0)",
        "OpenTelemetry spans for reads, client to router to server, W3C trace context in gRPC"
            + " metadata, exported over OTLP",
        Set.of(ProcessKind.CLIENT, ProcessKind.ROUTER, ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return TracingConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    TracingConfig.validate(config);
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    String kind = context.host().processKind();
    TracingSdk started = new TracingSdk(context.storeSettings(TracingConfig::from), kind,
        context.host().instanceId(), new TracingMetrics(context.meterRegistry(),
            context.metricPrefix()), exporters);
    sdk = started;
    if (kind.equals(ProcessKind.CLIENT.id())) {
      Set<String> replicaTracedStores = ConcurrentHashMap.newKeySet();
      extensions.addStoreDecorator(new TracingStoreDecorator(started, replicaTracedStores))
          .addReplicaDecorator(new TracingReplicaDecorator(started, replicaTracedStores));
    } else {
      extensions.addRequestHook(new TracingRequestHook(started,
          kind.equals(ProcessKind.ROUTER.id()), context.host().instanceId()));
    }
  }

  @Override
  public void stop() {
    TracingSdk started = sdk;
    if (started != null) {
      started.close();
    }
  }

  /** The running SDK (tests: flush before reading an in-memory exporter). */
  TracingSdk sdk() {
    return sdk;
  }
}
