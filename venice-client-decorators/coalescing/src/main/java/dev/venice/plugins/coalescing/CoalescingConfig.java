package dev.venice.plugins.coalescing;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The decorator's settings, process-wide under {@code plugins.coalescing.*} and per store in the
 * store's plugin settings. The two keys are independent: there is no rule across them.
 *
 * @param window how long after it was sent a shared request still takes new callers: the most a
 *     joined answer can predate the joining call (seed project 6: "e.g., 1 ms")
 * @param maxInFlightKeys the most keys with a shared request in flight in one store client;
 *     callers for further keys go through uncoalesced
 */
record CoalescingConfig(Duration window, int maxInFlightKeys) {
  static final ConfigKey<Duration> WINDOW = ConfigKey.duration("window", Duration.ofMillis(1),
      Duration.ofNanos(1_000), Duration.ofSeconds(1),
      "how long after it was sent a shared get still takes new callers (staleness bound)");
  static final ConfigKey<Integer> MAX_IN_FLIGHT_KEYS = ConfigKey.integer("max-in-flight-keys",
      10_000, 1, 10_000_000, "most keys with a shared get in flight per store client");
  static final List<ConfigKey<?>> KEYS = List.of(WINDOW, MAX_IN_FLIGHT_KEYS);

  static CoalescingConfig from(PluginConfig config) {
    return new CoalescingConfig(config.get(WINDOW), config.get(MAX_IN_FLIGHT_KEYS));
  }

  /** {@link #window()} in nanoseconds. */
  long windowNanos() {
    return window.toNanos();
  }
}
