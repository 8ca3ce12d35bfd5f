package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.ingestion-stage-metrics.*} and per
 * store in the store's plugin settings.
 *
 * @param flushInterval how long a partition replica keeps its timings before merging them into
 *     the store's meters (checked on its next record or batch)
 * @param window the length of each of the two windows p50, p99, mean and records/s are read over
 *     (process-wide)
 */
record IngestionStageMetricsConfig(Duration flushInterval, Duration window) {
  static final ConfigKey<Duration> FLUSH_INTERVAL = ConfigKey.duration("flush-interval",
      Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(1),
      "how long a partition replica accumulates its stage timings before merging them into the"
          + " store's meters (at its next record)");
  static final ConfigKey<Duration> WINDOW = ConfigKey.duration("window", Duration.ofSeconds(30),
      Duration.ofSeconds(1), Duration.ofHours(1),
      "the length of each of the two windows the percentiles, means and rates are read over")
      .processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(FLUSH_INTERVAL, WINDOW);

  static IngestionStageMetricsConfig from(PluginConfig config) {
    return new IngestionStageMetricsConfig(config.get(FLUSH_INTERVAL), config.get(WINDOW));
  }
}
