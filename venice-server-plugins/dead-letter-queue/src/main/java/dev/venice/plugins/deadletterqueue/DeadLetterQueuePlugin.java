package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code dead-letter-queue} server plugin, wiring only: its descriptor, its keys ({@link
 * DeadLetterQueueConfig}) and, at start, the {@link TopicProvisioner} (fed by the stores found with
 * the queue on by metadata changes and by the {@link DeadLetterQueueTask}), the {@link
 * DeadLetterQueueHook} that encodes dead letters
 * with the {@link DeadLetterEncoder}, and the {@link DeadLetterQueueEndpoint}.
 */
public final class DeadLetterQueuePlugin implements VenicePlugin {
  private TopicAdmin admin;
  private TopicProvisioner topics;
  private Subscription subscription;

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("dead-letter-queue", "1.0.0", "[1.5,2.0)",
        "keeps the records a server cannot apply in <store>_dlq with their original bytes and"
            + " a structured error record, for stores that switch it on",
        Set.of(ProcessKind.SERVER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return DeadLetterQueueConfig.KEYS;
  }

  @Override
  public void start(PluginContext context, Extensions extensions) {
    StoreSettings<DeadLetterQueueConfig> settings =
        context.storeSettings(DeadLetterQueueConfig::from);
    Optional<StoreMetadataService> metadata = context.host().storeMetadata();
    Map<String, String> kafka = context.host().kafkaClientConfig();
    admin = kafka.isEmpty() ? null
        : new KafkaTopicAdmin(kafka, context.host().instanceId() + "-dead-letter-queue");
    DeadLetterQueueMetrics metrics = new DeadLetterQueueMetrics(context.meterRegistry(),
        context.metricPrefix());
    topics = new TopicProvisioner(admin, store -> metadata.flatMap(m -> m.store(store)),
        store -> store == null ? settings.processWide() : settings.get(store),
        (delay, task) -> context.scheduler().schedule(task, delay.toMillis(),
            TimeUnit.MILLISECONDS), () -> context.time().now().toEpochMilli(), metrics,
        context.logger());
    metrics.gauges(topics::pending, topics::ready);
    DeadLetterSwitch stores = new DeadLetterSwitch(metadata);
    metadata.ifPresent(m -> {
      subscription = m.addListener(info -> {
        if (stores.on(info)) {
          topics.want(info.name());
        }
      });
      DeadLetterQueueTask scan = new DeadLetterQueueTask(m, stores, topics,
          settings.processWide().scanInterval());
      extensions.addBackgroundTask(scan);
      context.scheduler().execute(scan::firstRun);
    });
    extensions.addIngestionHook(new DeadLetterQueueHook(stores, new DeadLetterEncoder(
            () -> context.time().now().toEpochMilli(), context.host().instanceId()), topics,
            metrics))
        .addHttpEndpoint(new DeadLetterQueueEndpoint(topics, context.host().instanceId()));
  }

  @Override
  public void stop() {
    if (subscription != null) {
      subscription.close();
    }
    if (topics != null) {
      topics.close();
    }
    if (admin != null) {
      admin.close();
    }
  }
}
