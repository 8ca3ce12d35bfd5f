package dev.venice.plugins.auditlog;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code audit-log} plugin, wiring only: its descriptor, its keys ({@link AuditLogConfig})
 * and, at start, the {@link AuditPublisher} (a bounded queue and one thread sending to the {@link
 * EventSink}, Kafka in production) and the {@link AuditDenialListener} that offers it every access
 * denial, on controllers, servers and routers; on controllers only, also the {@link AuditLogHook}
 * that offers it every mutating admin operation and the {@link AuditLogEndpoint} that tells
 * readers the topic and the event schemas. Switched off for a store ({@code
 * plugins.audit-log.enabled=false} in its settings), that store's mutations are not audited (its
 * denials still are). A host whose Kafka settings have no {@code bootstrap.servers} refuses it at
 * start ({@link KafkaEventSink#kafkaSettings}).
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
    return new PluginDescriptor("audit-log", "1.2.0", "[1.9,2.0)",
        "every mutating admin operation and every access denial as an Avro event on a Kafka"
            + " topic",
        Set.of(ProcessKind.CONTROLLER, ProcessKind.SERVER, ProcessKind.ROUTER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return AuditLogConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) throws Exception {
    AuditLogConfig config = AuditLogConfig.from(context.config());
    HostServices host = context.host();
    publisher = new AuditPublisher(config.queueCapacity(), sinks.open(config, host),
        new AuditLogMetrics(context.meterRegistry(), context.metricPrefix()), context.logger(),
        context.time());
    // every process: its denials, and the changes made through its plugins' endpoints (a
    // server's drain, an ACL grant); a controller's own mutations come through the same hook
    extensions.addAccessDenialListener(new AuditDenialListener(publisher, host.clusterName(),
        host.instanceId())).addAdminMutationHook(new AuditLogHook(publisher, host.instanceId()));
    if (ProcessKind.CONTROLLER.id().equals(host.processKind())) {
      extensions.addHttpEndpoint(new AuditLogEndpoint(config.topic()));
    }
  }

  @Override
  public void stop() {
    if (publisher != null) {
      publisher.close();
    }
  }
}
