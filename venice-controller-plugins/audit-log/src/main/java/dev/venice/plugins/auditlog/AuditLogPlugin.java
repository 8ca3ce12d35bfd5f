package dev.venice.plugins.auditlog;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Map;

/**
 * The {@code audit-log} controller plugin: an after-hook on every mutating admin operation turns
 * it into an {@link AuditEvents event} and hands it to the {@link AuditPublisher}.
 */
public final class AuditLogPlugin implements VenicePlugin {
  private AuditPublisher publisher;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("audit-log", "1.0.0", "[1.0,2.0)",
        "every mutating admin operation as an Avro event on a Kafka topic");
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
      throw new IllegalStateException("the audit log needs a host with Kafka (a controller)");
    }
    KafkaEventSink.ensureTopic(kafka, config);
    publisher = new AuditPublisher(config.queueCapacity(), new KafkaEventSink(kafka, config),
        context.meterRegistry(), context.logger());
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
