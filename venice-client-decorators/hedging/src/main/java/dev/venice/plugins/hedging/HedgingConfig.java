package dev.venice.plugins.hedging;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The decorator's settings, process-wide under {@code plugins.hedging.*} and per store in the
 * store's plugin settings.
 *
 * @param mode how the hedge delay is chosen
 * @param delay the fixed delay (FIXED mode)
 * @param percentile the latency percentile to hedge after (PERCENTILE mode)
 * @param minDelay the smallest delay PERCENTILE mode uses (and its delay before it has data)
 * @param window how far back latencies and the budget look
 * @param budget the largest fraction of requests that may be hedged within the window
 * @param minHedges hedges allowed per window even when the budget fraction rounds to fewer
 */
record HedgingConfig(Mode mode, Duration delay, double percentile, Duration minDelay,
    Duration window, double budget, int minHedges) {

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
      "sliding window of the latency percentile and the hedge budget");
  static final ConfigKey<Double> BUDGET = ConfigKey.decimal("budget", 0.05, 0, 1,
      "largest fraction of requests hedged within the window");
  static final ConfigKey<Integer> MIN_HEDGES = ConfigKey.integer("min-hedges", 1, 0, 1_000_000,
      "hedges allowed per window even at low traffic");
  static final List<ConfigKey<?>> KEYS = List.of(MODE, DELAY, PERCENTILE, MIN_DELAY, WINDOW,
      BUDGET, MIN_HEDGES);

  /**
   * The rule across keys: a budget of 0 with {@code min-hedges} 0 would never hedge; switching
   * the plugin off for the store says that plainly.
   */
  static void validate(PluginConfig config) {
    if (config.get(BUDGET) == 0 && config.get(MIN_HEDGES) == 0) {
      throw new ConfigException("plugins.hedging.budget", "plugins.hedging.budget=0 with"
          + " plugins.hedging.min-hedges=0 never hedges; set plugins.hedging.enabled=false for"
          + " the store instead, or allow some hedges");
    }
  }

  static HedgingConfig from(PluginConfig config) {
    return new HedgingConfig(config.get(MODE), config.get(DELAY), config.get(PERCENTILE),
        config.get(MIN_DELAY), config.get(WINDOW), config.get(BUDGET), config.get(MIN_HEDGES));
  }
}
