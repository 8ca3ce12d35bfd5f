package dev.venice.plugins.auditlog;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code audit-log} controller plugin: an after-hook on every mutating admin operation turns
 * it into an {@link AuditEvents event} and hands it to the {@link AuditPublisher}. Runs on
 * controllers only; switched off for a store ({@code plugins.audit-log.enabled=false} in its
 * settings), that store's mutations are not audited.
 */
public final class AuditLogPlugin implements VenicePlugin {
  private AuditPublisher publisher;

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
    Map<String, String> kafka = context.host().kafkaClientConfig();
    if (kafka.isEmpty()) {
      throw new IllegalStateException("the audit log needs a host with Kafka; this "
          + context.host().processKind() + " has none");
    }
    KafkaEventSink.ensureTopic(kafka, config);
    publisher = new AuditPublisher(config.queueCapacity(), new KafkaEventSink(kafka, config),
        context.meterRegistry(), context.metricPrefix(), context.logger());
    String controller = context.host().instanceId();
    extensions.addAdminMutationHook(new AdminMutationHook() {
      @Override
      public void after(AdminMutation mutation, AdminOutcome outcome) {
        publisher.offer(AuditEvents.event(mutation, outcome, controller));
      }
    });
  }

  @Override
  public void stop() {
    if (publisher != null) {
      publisher.close();
    }
  }
}
