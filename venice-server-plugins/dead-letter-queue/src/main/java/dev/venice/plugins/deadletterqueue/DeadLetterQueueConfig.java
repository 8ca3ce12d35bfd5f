package dev.venice.plugins.deadletterqueue;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.dead-letter-queue.*} and per store in
 * the store's plugin settings. Whether a store keeps dead letters at all is not a key of this
 * plugin but the host's per-store switch {@code plugins.dead-letter-queue.enabled} (see {@link
 * DeadLetterSwitch}).
 *
 * @param retention how long {@code <store>_dlq} keeps records ({@code retention.ms}), applied when
 *     the topic is created
 * @param replicationFactor the most replicas of the topic's partitions (fewer when the cluster has
 *     fewer brokers)
 * @param minInsyncReplicas the topic's {@code min.insync.replicas}, at most its replication factor
 * @param maxBackoff the longest wait between two attempts to create a topic
 * @param scanInterval the time between two looks at every store's switch
 */
record DeadLetterQueueConfig(Duration retention, int replicationFactor, int minInsyncReplicas,
    Duration maxBackoff, Duration scanInterval) {
  static final ConfigKey<Duration> RETENTION = ConfigKey.duration("retention", Duration.ofDays(7),
      Duration.ofHours(1), Duration.ofDays(3650),
      "how long <store>_dlq keeps dead letters (the topic's retention.ms, set when it is created)");
  static final ConfigKey<Integer> REPLICATION_FACTOR = ConfigKey.integer("replication-factor", 3,
      1, 16, "replicas of each <store>_dlq partition, at most the number of brokers")
      .processOnly();
  static final ConfigKey<Integer> MIN_INSYNC_REPLICAS = ConfigKey.integer("min-insync-replicas",
      2, 1, 16, "min.insync.replicas of <store>_dlq, at most its replication factor")
      .processOnly();
  static final ConfigKey<Duration> MAX_BACKOFF = ConfigKey.duration("creation-max-backoff",
      Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1),
      "the longest wait between two attempts to create a <store>_dlq topic (from 1s, doubling)")
      .processOnly();
  static final ConfigKey<Duration> SCAN_INTERVAL = ConfigKey.duration("scan-interval",
      Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofHours(1),
      "how often every store's switch is looked at, for stores whose change no listener reported"
          + " (a new store)").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(RETENTION, REPLICATION_FACTOR,
      MIN_INSYNC_REPLICAS, MAX_BACKOFF, SCAN_INTERVAL);

  static DeadLetterQueueConfig from(PluginConfig config) {
    return new DeadLetterQueueConfig(config.get(RETENTION), config.get(REPLICATION_FACTOR),
        config.get(MIN_INSYNC_REPLICAS), config.get(MAX_BACKOFF), config.get(SCAN_INTERVAL));
  }
}
