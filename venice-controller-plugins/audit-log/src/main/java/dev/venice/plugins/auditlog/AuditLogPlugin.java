package dev.venice.plugins.auditlog;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code audit-log} controller plugin, wiring only: its descriptor, its keys ({@link
 * AuditLogConfig}) and, at start, the {@link AuditPublisher} (a bounded queue and one thread
 * sending to the {@link EventSink}, Kafka in production), the {@link AuditLogHook} that offers it
 * every mutating admin operation, and the {@link AuditLogEndpoint} that tells readers the topic
 * and the event schemas. Runs on controllers only; switched off for a store ({@code
 * plugins.audit-log.enabled=false} in its settings), that store's mutations are not audited.
 */
public final class AuditLogPlugin implements VenicePlugin {
  private final EventSink.Factory sinks;
  private AuditPublisher publisher;

  /** The plugin as hosts load it: events go to Kafka ({@link KafkaEventSink}). */
  public AuditLogPlugin() {
    this(KafkaEventSink::open);
  }

  /** The plugin with another sink (tests). */
  AuditLogPlugin(EventSink.Factory sinks) {
    this.sinks = Objects.requireNonNull(sinks, "sinks");
  }

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("audit-log", "1.1.0", "[1.1,2.0)",
        "every mutating admin operation as an Avro event on a Kafka topic",
        Set.of(ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return AuditLogConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) throws Exception {
    AuditLogConfig config = AuditLogConfig.from(context.config());
    publisher = new AuditPublisher(config.queueCapacity(), sinks.open(config, context.host()),
        new AuditLogMetrics(context.meterRegistry(), context.metricPrefix()), context.logger(),
        context.time());
    extensions.addAdminMutationHook(new AuditLogHook(publisher, context.host().instanceId()))
        .addHttpEndpoint(new AuditLogEndpoint(config.topic()));
  }

  @Override
  public void stop() {
    if (publisher != null) {
      publisher.close();
    }
  }
}
