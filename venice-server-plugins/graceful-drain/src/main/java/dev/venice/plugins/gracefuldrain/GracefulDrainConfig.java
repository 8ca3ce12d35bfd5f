package dev.venice.plugins.gracefuldrain;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.graceful-drain.*}: a drain is the
 * process's, so no key may be set per store.
 *
 * @param drainTimeout how long a drain may take at most, from its start to the end of {@code
 *     onDrain} ({@code drain.timeout.seconds})
 * @param quietPeriod how long no read call may have started, with none in flight, before the drain
 *     counts as done ({@code quiet-period})
 */
record GracefulDrainConfig(Duration drainTimeout, Duration quietPeriod) {
  /** The longest drain a key or a drain request may ask for: one hour. */
  static final Duration MAX_DRAIN_TIMEOUT = Duration.ofHours(1);

  static final ConfigKey<Integer> DRAIN_TIMEOUT_SECONDS = ConfigKey.integer(
      "drain.timeout.seconds", 30, 1, (int) MAX_DRAIN_TIMEOUT.toSeconds(),
      "the longest a drain waits for calls in flight (seconds); after it new calls are refused")
      .processOnly();
  static final ConfigKey<Duration> QUIET_PERIOD = ConfigKey.duration("quiet-period",
      Duration.ofSeconds(1), Duration.ZERO, Duration.ofMinutes(1),
      "how long no call may have started, none in flight, before a drain is done (routers and"
          + " fast clients still send for a moment after the routing change)").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(DRAIN_TIMEOUT_SECONDS, QUIET_PERIOD);

  /**
   * The rule across keys: the quiet period is shorter than the drain timeout (otherwise every drain
   * would run into its deadline).
   *
   * @throws ConfigException naming both keys
   */
  static void validate(PluginConfig config) {
    Duration timeout = Duration.ofSeconds(config.get(DRAIN_TIMEOUT_SECONDS));
    Duration quiet = config.get(QUIET_PERIOD);
    if (quiet.compareTo(timeout) >= 0) {
      throw new ConfigException("plugins.graceful-drain.quiet-period",
          "plugins.graceful-drain.quiet-period=" + ConfigKey.format(quiet) + " is not shorter than"
              + " plugins.graceful-drain.drain.timeout.seconds=" + timeout.toSeconds()
              + ": every drain would run into its deadline");
    }
  }

  /** The settings of {@code config}, after {@link #validate}. */
  static GracefulDrainConfig from(PluginConfig config) {
    validate(config);
    return new GracefulDrainConfig(Duration.ofSeconds(config.get(DRAIN_TIMEOUT_SECONDS)),
        config.get(QUIET_PERIOD));
  }
}
