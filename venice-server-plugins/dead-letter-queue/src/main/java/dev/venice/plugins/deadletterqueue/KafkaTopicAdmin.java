package dev.venice.plugins.deadletterqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@link TopicAdmin} over Kafka's {@link Admin} client, built from the host's Kafka client
 * settings; each call waits at most {@link #TIMEOUT}. Thread-safe (as the admin client is).
 */
final class KafkaTopicAdmin implements TopicAdmin {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final Admin admin;

  KafkaTopicAdmin(Map<String, String> kafka, String clientId) {
    Map<String, Object> settings = new HashMap<>(kafka);
    settings.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    this.admin = Admin.create(settings);
  }

  @Override
  public int brokers() throws Exception {
    return admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
  }

  @Override
  public boolean create(String topic, int partitions, short replicationFactor,
      Map<String, String> configs) throws Exception {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor)
          .configs(configs))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
