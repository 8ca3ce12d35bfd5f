package dev.venice.plugins.topicretention;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.Extensions;
import dev.venice.spi.plugin.PluginContext;
import dev.venice.spi.plugin.PluginDescriptor;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.VenicePlugin;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code topic-retention} controller plugin, wiring only: its descriptor, its keys ({@link
 * TopicRetentionConfig}) and, at start, its own read-only Kafka admin client ({@link
 * KafkaTopicReader}), the {@link TopicRetentionEnforcer} over it, the controller's store metadata,
 * versions and admin actions (SPI 1.7), the {@link TopicRetentionTask} running it on the leader
 * every {@code interval} and at each gain of leadership, and the {@link TopicRetentionEndpoint}
 * serving the last report. {@code stop} closes the leadership subscription and the Kafka client
 * (the host stops the task).
 */
public final class TopicRetentionPlugin implements VenicePlugin {
  private final Function<HostServices, TopicReader> readers;
  private volatile Subscription leadership;
  private volatile TopicReader reader;
  private volatile TopicRetentionEnforcer enforcer;

  /** The plugin as hosts load it: topics read with Kafka's admin client. */
  public TopicRetentionPlugin() {
    this(host -> new KafkaTopicReader(host.kafkaClientConfig()));
  }

  /** The plugin with another topic reader (tests). */
  TopicRetentionPlugin(Function<HostServices, TopicReader> readers) {
    this.readers = Objects.requireNonNull(readers, "readers");
  }

  @Override
  public PluginDescriptor descriptor() {
    return new PluginDescriptor("topic-retention", "1.0.0", "[1.7,2.0)",
        "reports stale Venice Kafka topics (never deletes them) and sets retention.ms that"
            + " differs from the policy through the audited admin path, rate-limited, with a dry"
            + " run",
        Set.of(ProcessKind.CONTROLLER));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return TopicRetentionConfig.KEYS;
  }

  @Override
  public void validate(PluginConfig config) {
    TopicRetentionConfig.from(config);
  }

  /**
   * @throws IllegalStateException when the host is not a controller of SPI 1.7 or newer, has no
   *     store metadata or no Kafka
   */
  @Override
  public void start(PluginContext context, Extensions extensions) {
    ControllerHost controller = context.controller().orElseThrow(() -> new IllegalStateException(
        "topic-retention needs a controller with controller services (SPI 1.7 or newer)"));
    StoreMetadataService stores = context.host().storeMetadata().orElseThrow(() ->
        new IllegalStateException("topic-retention needs the host's store metadata"));
    StoreSettings<TopicRetentionConfig> settings =
        context.storeSettings(TopicRetentionConfig::from);
    reader = readers.apply(context.host());
    enforcer = new TopicRetentionEnforcer(reader, stores,
        controller::versions, controller.adminActions(), settings, context::enabledForStore,
        context.time(), TopicRetentionEnforcer.Pause.SLEEP);
    TopicRetentionTask task = new TopicRetentionTask(enforcer, controller,
        new TopicRetentionMetrics(context.meterRegistry(), context.metricPrefix()),
        context.logger(), context.time(), context.scheduler(), settings.processWide());
    leadership = controller.onLeadershipChange(task);
    extensions.addBackgroundTask(task)
        .addHttpEndpoint(new TopicRetentionEndpoint(task, controller,
            context.host().instanceId()));
  }

  @Override
  public void stop() {
    TopicRetentionEnforcer e = enforcer;
    if (e != null) {
      e.stop(); // first: a run in progress makes no more changes before the client closes
    }
    Subscription s = leadership;
    if (s != null) {
      s.close();
    }
    TopicReader r = reader;
    if (r != null) {
      r.close();
    }
  }
}
