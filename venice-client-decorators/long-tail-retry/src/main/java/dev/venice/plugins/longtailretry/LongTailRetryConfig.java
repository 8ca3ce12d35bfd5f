package dev.venice.plugins.longtailretry;

import dev.venice.spi.client.RequestKind;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The retry settings, process-wide under {@code plugins.long-tail-retry.*} and per store in the
 * store's plugin settings. The keys are Venice's fast-client settings in this platform's key style
 * ({@code longTailRetryEnabledForSingleGet} is {@code enabled-for-single-get}, and so on), with
 * Venice's defaults. How many retries may be sent is not a key: retries draw on the store's
 * extra-load budget, which the host keeps and hedging shares.
 *
 * @param singleGet whether single gets are retried
 * @param singleGetThreshold how long a single get waits before its retry
 * @param batchGet whether batch gets are retried
 * @param batchGetThresholds how long a batch get waits, by its key count
 */
record LongTailRetryConfig(boolean singleGet, Duration singleGetThreshold, boolean batchGet,
    BatchGetThresholds batchGetThresholds) {

  static final ConfigKey<Boolean> ENABLED_FOR_SINGLE_GET = ConfigKey.bool(
      "enabled-for-single-get", true, "retry single gets (Venice: longTailRetryEnabledForSingleGet)");
  static final ConfigKey<Duration> THRESHOLD_FOR_SINGLE_GET = ConfigKey.duration(
      "threshold-for-single-get", Duration.ofMillis(1), Duration.ZERO, Duration.ofSeconds(10),
      "a single get unanswered this long is retried"
          + " (Venice: longTailRetryThresholdForSingleGetInMicroSeconds, 1000)");
  static final ConfigKey<Boolean> ENABLED_FOR_BATCH_GET = ConfigKey.bool("enabled-for-batch-get",
      true, "retry batch gets, per partition request (Venice: longTailRetryEnabledForBatchGet)");
  static final ConfigKey<String> RANGE_BASED_THRESHOLD_FOR_BATCH_GET = ConfigKey.string(
      "range-based-threshold-for-batch-get", BatchGetThresholds.VENICE_DEFAULT,
      "batch-get thresholds by key count, from-to:millis ranges from 1 key, the last open"
          + " (Venice: longTailRangeBasedRetryThresholdForBatchGetInMilliSeconds)");
  static final List<ConfigKey<?>> KEYS = List.of(ENABLED_FOR_SINGLE_GET, THRESHOLD_FOR_SINGLE_GET,
      ENABLED_FOR_BATCH_GET, RANGE_BASED_THRESHOLD_FOR_BATCH_GET);

  /**
   * The rules beyond each key's range: the batch thresholds parse, and at least one kind is
   * retried (a store that wants no retry switches the plugin off, which says so plainly).
   *
   * @throws ConfigException naming the key at fault
   */
  static void validate(PluginConfig config) {
    thresholds(config);
    if (!config.get(ENABLED_FOR_SINGLE_GET) && !config.get(ENABLED_FOR_BATCH_GET)) {
      throw new ConfigException("plugins.long-tail-retry.enabled-for-batch-get",
          "plugins.long-tail-retry.enabled-for-single-get=false with enabled-for-batch-get=false"
              + " never retries; set plugins.long-tail-retry.enabled=false for the store instead");
    }
  }

  static LongTailRetryConfig from(PluginConfig config) {
    return new LongTailRetryConfig(config.get(ENABLED_FOR_SINGLE_GET),
        config.get(THRESHOLD_FOR_SINGLE_GET), config.get(ENABLED_FOR_BATCH_GET),
        thresholds(config));
  }

  /**
   * How long a partition request of {@code kind} with {@code keys} keys waits before its retry
   * (ns), or -1 when that kind is not retried. Streaming batch gets are not retried.
   */
  long thresholdNanos(RequestKind kind, int keys) {
    return switch (kind) {
      case SINGLE_GET -> singleGet ? singleGetThreshold.toNanos() : -1;
      case BATCH_GET -> batchGet ? batchGetThresholds.thresholdNanos(keys) : -1;
      default -> -1;
    };
  }

  private static BatchGetThresholds thresholds(PluginConfig config) {
    try {
      return BatchGetThresholds.parse(config.get(RANGE_BASED_THRESHOLD_FOR_BATCH_GET));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("plugins.long-tail-retry.range-based-threshold-for-batch-get",
          "plugins.long-tail-retry.range-based-threshold-for-batch-get=" + e.getMessage());
    }
  }
}
