package dev.venice.plugins.topicretention;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@link TopicReader} over Kafka's {@link Admin} client, built from the host's Kafka client
 * settings: {@code listTopics} (internal topics included) and {@code describeConfigs} in batches
 * of {@link #DESCRIBE_BATCH} topics, each call waiting at most {@link #TIMEOUT}. It never alters or
 * deletes anything. Thread-safe (as the admin client is).
 */
final class KafkaTopicReader implements TopicReader {
  /** The longest wait for one Kafka call. */
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Topics described in one {@code describeConfigs} call. */
  static final int DESCRIBE_BATCH = 100;
  private final Admin admin;

  /**
   * @param kafka the host's Kafka client settings ({@code bootstrap.servers} at least)
   * @throws IllegalStateException when {@code kafka} is empty (a host without Kafka)
   */
  KafkaTopicReader(Map<String, String> kafka) {
    if (kafka.isEmpty()) {
      throw new IllegalStateException("topic-retention needs a controller with Kafka; the host"
          + " gives no Kafka client settings");
    }
    Map<String, Object> settings = new HashMap<>(kafka);
    settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "venice-topic-retention");
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    this.admin = Admin.create(settings);
  }

  @Override
  public Set<String> topics() throws Exception {
    return admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Map<String, Long> retentionMs(Collection<String> topics) throws Exception {
    List<String> all = new ArrayList<>(topics);
    Map<String, Long> retention = new HashMap<>();
    for (int from = 0; from < all.size(); from += DESCRIBE_BATCH) {
      List<ConfigResource> batch = all.subList(from, Math.min(all.size(), from + DESCRIBE_BATCH))
          .stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
      Map<ConfigResource, KafkaFuture<Config>> described = admin.describeConfigs(batch).values();
      for (Map.Entry<ConfigResource, KafkaFuture<Config>> e : described.entrySet()) {
        Config config;
        try {
          config = e.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException failed) {
          if (failed.getCause() instanceof UnknownTopicOrPartitionException) {
            continue; // deleted since it was listed
          }
          throw failed;
        }
        ConfigEntry entry = config.get(TopicConfig.RETENTION_MS_CONFIG);
        if (entry != null && entry.value() != null) {
          retention.put(e.getKey().name(), Long.parseLong(entry.value().strip()));
        }
      }
    }
    return retention;
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
