package dev.venice.plugins.hedging;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The decorator's settings (how many hedges may be sent is the host's: the store's shared
 * extra-load budget), process-wide under {@code plugins.hedging.*} and per store in the
 * store's plugin settings.
 *
 * @param mode how the hedge delay is chosen
 * @param delay the fixed delay (FIXED mode)
 * @param percentile the latency percentile to hedge after (PERCENTILE mode)
 * @param minDelay the smallest delay PERCENTILE mode uses (and its delay before it has data)
 * @param window how far back the latency percentile looks
 */
record HedgingConfig(Mode mode, Duration delay, double percentile, Duration minDelay,
    Duration window) {

  /** How the hedge delay is chosen. */
  enum Mode {
    /** A fixed delay. */
    FIXED,
    /** The observed latency percentile of recent requests. */
    PERCENTILE
  }

  static final ConfigKey<Mode> MODE = ConfigKey.oneOf("mode", Mode.class, Mode.FIXED,
      "FIXED hedges after 'delay'; PERCENTILE after the observed 'percentile' latency");
  static final ConfigKey<Duration> DELAY = ConfigKey.duration("delay", Duration.ofMillis(2),
      Duration.ZERO, Duration.ofSeconds(10), "the hedge delay in FIXED mode");
  static final ConfigKey<Double> PERCENTILE = ConfigKey.decimal("percentile", 95, 50, 99.99,
      "the latency percentile hedged after in PERCENTILE mode");
  static final ConfigKey<Duration> MIN_DELAY = ConfigKey.duration("min-delay",
      Duration.ofMillis(1), Duration.ZERO, Duration.ofSeconds(10),
      "lower bound of the PERCENTILE-mode delay (used until latencies are known)");
  static final ConfigKey<Duration> WINDOW = ConfigKey.duration("window", Duration.ofSeconds(10),
      Duration.ofSeconds(1), Duration.ofHours(1),
      "sliding window of the latency percentile (PERCENTILE mode)");
  static final List<ConfigKey<?>> KEYS = List.of(MODE, DELAY, PERCENTILE, MIN_DELAY, WINDOW);

  static HedgingConfig from(PluginConfig config) {
    return new HedgingConfig(config.get(MODE), config.get(DELAY), config.get(PERCENTILE),
        config.get(MIN_DELAY), config.get(WINDOW));
  }
}
