package dev.venice.plugins.auditlog;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings under {@code plugins.audit-log.*}.
 *
 * @param topic the Kafka topic events go to
 * @param queueCapacity events buffered between admin calls (or denials) and the publisher
 * @param replicationFactor replication of the topic when the plugin creates it
 * @param deliveryTimeout how long Kafka may take to acknowledge one event before it is dropped
 */
record AuditLogConfig(String topic, int queueCapacity, int replicationFactor,
    Duration deliveryTimeout) {
  static final ConfigKey<String> TOPIC = ConfigKey.string("topic", "venice-admin-audit-log",
      "the Kafka topic audit events go to (created at start if missing)").processOnly();
  static final ConfigKey<Integer> QUEUE_CAPACITY = ConfigKey.integer("queue-capacity", 10_000, 1,
      1_000_000, "events buffered for publishing; when full, new events are dropped and counted")
      .processOnly();
  static final ConfigKey<Integer> REPLICATION_FACTOR = ConfigKey.integer("replication-factor", 1,
      1, 16, "replication factor of the topic when the plugin creates it").processOnly();
  static final ConfigKey<Duration> DELIVERY_TIMEOUT = ConfigKey.duration("delivery-timeout",
      Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofHours(1),
      "how long Kafka may take to acknowledge an event before it is dropped and counted")
      .processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(TOPIC, QUEUE_CAPACITY, REPLICATION_FACTOR,
      DELIVERY_TIMEOUT);

  static AuditLogConfig from(PluginConfig config) {
    return new AuditLogConfig(config.get(TOPIC), config.get(QUEUE_CAPACITY),
        config.get(REPLICATION_FACTOR), config.get(DELIVERY_TIMEOUT));
  }
}
