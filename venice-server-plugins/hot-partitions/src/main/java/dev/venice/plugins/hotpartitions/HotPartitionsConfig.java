package dev.venice.plugins.hotpartitions;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.hot-partitions.*}; the skew threshold
 * and the noise floor may also be set per store in the store's plugin settings (read by the
 * controller).
 *
 * @param maxTrackedPartitions servers: the most partitions counted per rate window (default 10,000:
 *     about 100 bytes per counter, two windows, so about 2 MB; see the README's Performance)
 * @param rateWindow servers: the window rates are measured over
 * @param partitionRateGauges servers: how many of the busiest partition replicas the {@code
 *     partition.rate} gauge exports (0: none)
 * @param evaluationInterval controllers: the delay between two evaluations
 * @param serverTimeout controllers: how long each server may take to answer
 * @param skewThreshold controllers: the skew (max partition rate / mean) from which a partition is
 *     hot
 * @param minTotalRate controllers: the store's total rate (lookups/s) below which nothing is hot
 */
record HotPartitionsConfig(int maxTrackedPartitions, Duration rateWindow,
    int partitionRateGauges, Duration evaluationInterval, Duration serverTimeout, double skewThreshold,
    double minTotalRate) {
  static final ConfigKey<Integer> MAX_TRACKED_PARTITIONS = ConfigKey.integer(
      "max-tracked-partitions", 10_000, 10, 1_000_000, "servers: the most partitions counted per"
          + " rate window (Space-Saving counters); more partitions read make the rates estimates")
      .processOnly();
  static final ConfigKey<Duration> RATE_WINDOW = ConfigKey.duration("rate-window",
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1),
      "servers: the window lookups are counted over; rates are those of the last complete window")
      .processOnly();
  static final ConfigKey<Integer> PARTITION_RATE_GAUGES = ConfigKey.integer(
      "partition-rate-gauges", 20, 0, 1_000, "servers: how many of the busiest partition replicas"
          + " the partition.rate gauge exports (tags store, version, partition); 0 for none")
      .processOnly();
  static final ConfigKey<Duration> EVALUATION_INTERVAL = ConfigKey.duration(
      "evaluation-interval", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(24),
      "controllers: the delay between two evaluations of every store's skew").processOnly();
  static final ConfigKey<Duration> SERVER_TIMEOUT = ConfigKey.duration("server-timeout",
      Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofMinutes(1),
      "controllers: how long each server may take to answer for its rates").processOnly();
  static final ConfigKey<Double> SKEW_THRESHOLD = ConfigKey.decimal("skew-threshold", 10.0, 1.0,
      1_000_000.0, "controllers: a partition whose rate is at least this times the store's mean"
          + " partition rate is hot");
  static final ConfigKey<Double> MIN_TOTAL_RATE = ConfigKey.decimal("min-total-rate", 1.0, 0.0,
      1e12, "controllers: a store read less than this many lookups/s in total has no hot"
          + " partition (noise floor)");
  static final List<ConfigKey<?>> KEYS = List.of(MAX_TRACKED_PARTITIONS, RATE_WINDOW,
      PARTITION_RATE_GAUGES, EVALUATION_INTERVAL, SERVER_TIMEOUT, SKEW_THRESHOLD, MIN_TOTAL_RATE);

  static HotPartitionsConfig from(PluginConfig config) {
    return new HotPartitionsConfig(config.get(MAX_TRACKED_PARTITIONS), config.get(RATE_WINDOW),
        config.get(PARTITION_RATE_GAUGES), config.get(EVALUATION_INTERVAL), config.get(SERVER_TIMEOUT), config.get(SKEW_THRESHOLD),
        config.get(MIN_TOTAL_RATE));
  }
}
