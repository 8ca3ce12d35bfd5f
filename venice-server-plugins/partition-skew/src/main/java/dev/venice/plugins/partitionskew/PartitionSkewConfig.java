package dev.venice.plugins.partitionskew;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.partition-skew.*}; the warning's
 * threshold and minimum size may also be set per store in the store's plugin settings.
 *
 * @param statsInterval servers: the delay between two background snapshots of the storage stats
 * @param refreshTimeout servers: how long a {@code refresh=true} request waits for a fresh snapshot
 *     before answering with the last one (marked stale)
 * @param gatherTimeout controllers: how long each server may take to answer a gather
 * @param pushCheckDeadline controllers: how long after a push ends the check keeps retrying while
 *     some partition of the new version has no answering replica
 * @param cvWarningThreshold controllers: a push whose record counts have a coefficient of variation
 *     above this is warned about
 * @param minRecords controllers: no warning for a version holding fewer records than this in all
 */
record PartitionSkewConfig(Duration statsInterval, Duration refreshTimeout, Duration gatherTimeout,
    Duration pushCheckDeadline, double cvWarningThreshold, long minRecords) {
  static final ConfigKey<Duration> STATS_INTERVAL = ConfigKey.duration("stats-interval",
      Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1),
      "servers: the delay between two background snapshots of every partition's record count and"
          + " bytes").processOnly();
  static final ConfigKey<Duration> REFRESH_TIMEOUT = ConfigKey.duration("refresh-timeout",
      Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofMinutes(1),
      "servers: how long a refresh=true request waits for a fresh snapshot before serving the last"
          + " one, marked stale").processOnly();
  static final ConfigKey<Duration> GATHER_TIMEOUT = ConfigKey.duration("gather-timeout",
      Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(1),
      "controllers: how long each server may take to answer a gather").processOnly();
  static final ConfigKey<Duration> PUSH_CHECK_DEADLINE = ConfigKey.duration(
      "push-check-deadline", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1),
      "controllers: how long the end-of-push check retries while a partition of the new version"
          + " has no answering replica").processOnly();
  static final ConfigKey<Double> CV_WARNING_THRESHOLD = ConfigKey.decimal(
      "cv-warning-threshold", 0.5, 0.0, 1000.0,
      "controllers: warn at the end of a push when the coefficient of variation of the"
          + " partitions' record counts exceeds this");
  static final ConfigKey<Long> MIN_RECORDS = ConfigKey.longInteger("min-records", 1000, 0,
      Long.MAX_VALUE, "controllers: no end-of-push warning for a version holding fewer records"
          + " than this (small stores are noisy)");
  static final List<ConfigKey<?>> KEYS = List.of(STATS_INTERVAL, REFRESH_TIMEOUT, GATHER_TIMEOUT,
      PUSH_CHECK_DEADLINE, CV_WARNING_THRESHOLD, MIN_RECORDS);

  static PartitionSkewConfig from(PluginConfig config) {
    return new PartitionSkewConfig(config.get(STATS_INTERVAL), config.get(REFRESH_TIMEOUT),
        config.get(GATHER_TIMEOUT), config.get(PUSH_CHECK_DEADLINE),
        config.get(CV_WARNING_THRESHOLD), config.get(MIN_RECORDS));
  }
}
