package dev.venice.plugins.datafreshness;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.data-freshness.*} (no key is per
 * store; a store switches the plugin on and off with {@code plugins.data-freshness.enabled}).
 *
 * @param sampleInterval how often the sampler recomputes the stores' newest producer timestamps
 * @param window how far back a producer timestamp counts: {@code data_age_ms} is now − the newest
 *     producer timestamp seen in the last window; at least one sample interval
 */
record DataFreshnessConfig(Duration sampleInterval, Duration window) {
  static final ConfigKey<Duration> SAMPLE_INTERVAL = ConfigKey.duration("sample-interval",
      Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(10),
      "how often the background sampler takes the newest producer timestamp each partition"
          + " replica saw and recomputes the stores' data age").processOnly();
  static final ConfigKey<Duration> WINDOW = ConfigKey.duration("window", Duration.ofSeconds(60),
      Duration.ofSeconds(1), Duration.ofHours(1),
      "how far back a producer timestamp counts: data age is now minus the newest producer"
          + " timestamp seen in the last window").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(SAMPLE_INTERVAL, WINDOW);

  /**
   * Reads and checks the settings.
   *
   * @throws ConfigException when the window is shorter than the sample interval (a window would
   *     hold no sample), naming both keys
   */
  static DataFreshnessConfig from(PluginConfig config) {
    DataFreshnessConfig parsed = new DataFreshnessConfig(config.get(SAMPLE_INTERVAL),
        config.get(WINDOW));
    if (parsed.window.compareTo(parsed.sampleInterval) < 0) {
      throw new ConfigException("plugins.data-freshness.window",
          "plugins.data-freshness.window (" + parsed.window
          + ") must be at least plugins.data-freshness.sample-interval (" + parsed.sampleInterval
          + "): a shorter window would never hold a sample");
    }
    return parsed;
  }
}
