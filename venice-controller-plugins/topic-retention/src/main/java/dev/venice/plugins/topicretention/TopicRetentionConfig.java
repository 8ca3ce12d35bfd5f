package dev.venice.plugins.topicretention;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings under {@code plugins.topic-retention.*}: the policy (per store) and the
 * enforcer's pace (process-wide). The default retention, 5 days, is Venice's {@code
 * DEFAULT_TOPIC_RETENTION_POLICY_MS}.
 *
 * @param interval the time between two runs (process-wide)
 * @param versionTopicRetention the {@code retention.ms} a store's version topics should have
 * @param realTimeTopicRetention the {@code retention.ms} a hybrid store's real-time topic should
 *     have
 * @param dryRun whether the store's fixes are only asked for (the admin path's dry run) and
 *     reported as "would set"
 * @param staleGracePeriod how long a topic must be seen without its store or version before it is
 *     reported stale (process-wide)
 * @param alterInterval the least time between two topic-config changes (process-wide)
 * @param maxAltersPerRun the most topic-config changes (one store's batch each) in one run
 *     (process-wide)
 */
record TopicRetentionConfig(Duration interval, Duration versionTopicRetention,
    Duration realTimeTopicRetention, boolean dryRun, Duration staleGracePeriod,
    Duration alterInterval, int maxAltersPerRun) {
  /** Venice's {@code DEFAULT_TOPIC_RETENTION_POLICY_MS}: 5 days. */
  static final Duration DEFAULT_RETENTION = Duration.ofDays(5);

  static final ConfigKey<Duration> INTERVAL = ConfigKey.duration("interval", Duration.ofHours(1),
      Duration.ofSeconds(1), Duration.ofDays(1),
      "time between two runs of the enforcer on the leader controller").processOnly();
  static final ConfigKey<Duration> VERSION_TOPIC_RETENTION = ConfigKey.duration(
      "version-topic-retention", DEFAULT_RETENTION, Duration.ofMinutes(1), Duration.ofDays(3650),
      "retention.ms the store's version topics <store>_v<N> should have");
  static final ConfigKey<Duration> REAL_TIME_TOPIC_RETENTION = ConfigKey.duration(
      "real-time-topic-retention", DEFAULT_RETENTION, Duration.ofMinutes(1),
      Duration.ofDays(3650), "retention.ms the store's real-time topic <store>_rt should have");
  static final ConfigKey<Boolean> DRY_RUN = ConfigKey.bool("dry-run", false,
      "report the store's retention fixes as 'would set' (the admin path's dry run) instead of"
          + " making them");
  static final ConfigKey<Duration> STALE_GRACE_PERIOD = ConfigKey.duration("stale-grace-period",
      Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(7),
      "how long a topic is seen without its store or version before it is reported stale")
      .processOnly();
  static final ConfigKey<Duration> ALTER_INTERVAL = ConfigKey.duration("alter-interval",
      Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10),
      "least time between two topic-config changes (one store's batch each)").processOnly();
  static final ConfigKey<Integer> MAX_ALTERS_PER_RUN = ConfigKey.integer("max-alters-per-run",
      100, 1, 10_000, "most topic-config changes (one store's batch each) in one run; the rest"
          + " wait for the next run").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(INTERVAL, VERSION_TOPIC_RETENTION,
      REAL_TIME_TOPIC_RETENTION, DRY_RUN, STALE_GRACE_PERIOD, ALTER_INTERVAL, MAX_ALTERS_PER_RUN);

  static TopicRetentionConfig from(PluginConfig config) {
    return new TopicRetentionConfig(config.get(INTERVAL), config.get(VERSION_TOPIC_RETENTION),
        config.get(REAL_TIME_TOPIC_RETENTION), config.get(DRY_RUN),
        config.get(STALE_GRACE_PERIOD), config.get(ALTER_INTERVAL),
        config.get(MAX_ALTERS_PER_RUN));
  }

  /** The {@code retention.ms} this policy wants for a topic of {@code kind}; -1 for none. */
  long policyMs(VeniceTopicName.Kind kind) {
    return switch (kind) {
      case VERSION -> versionTopicRetention.toMillis();
      case REAL_TIME -> realTimeTopicRetention.toMillis();
      case DEAD_LETTER -> -1; // the dead-letter-queue plugin's retention
    };
  }
}
