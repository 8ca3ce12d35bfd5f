package dev.venice.plugins.readtimeout;

import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The decorator's settings, process-wide under {@code plugins.read-timeout.*} and per store in the
 * store's plugin settings (seed project 49's {@code readTimeoutMs} and {@code
 * readTimeoutFallbackMs}, in kebab case).
 *
 * <p>Both keys are optional whole milliseconds. The SPI has no integer key without a default, so
 * they are declared as text keys without a default and parsed here: {@link #validate} (run by the
 * controller on {@code store update}, by the client's host for the process configuration and for
 * each store's settings) refuses anything but an integer from 1 to {@link #MAX_MILLIS} with a
 * {@link ConfigException} naming the full key.
 *
 * @param readTimeout the read timeout, or {@code null}: the client's global timeout applies
 * @param fallback the timeout for a store whose settings cannot be read, or {@code null}: as if
 *     the store set none
 */
record ReadTimeoutConfig(Duration readTimeout, Duration fallback) {
  /**
   * The longest timeout accepted, 10 minutes: a read that may take longer is a misconfiguration
   * (the client's global timeout is 10 s by default).
   */
  static final int MAX_MILLIS = 600_000;

  static final ConfigKey<String> READ_TIMEOUT_MS = ConfigKey.string("read-timeout-ms", null,
      "the store's read timeout, whole ms from 1 to " + MAX_MILLIS
          + "; unset: the client's global timeout");
  static final ConfigKey<String> FALLBACK_MS = ConfigKey.string("read-timeout-fallback-ms", null,
      "the read timeout (whole ms from 1 to " + MAX_MILLIS + ") for a store whose settings"
          + " cannot be read; unset: as if the store set none").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(READ_TIMEOUT_MS, FALLBACK_MS);

  private static final String PREFIX = "plugins.read-timeout.";

  /**
   * Checks both keys' values.
   *
   * @throws ConfigException naming the full key, the value and what is allowed
   */
  static void validate(PluginConfig config) {
    from(config);
  }

  /**
   * The typed settings.
   *
   * @throws ConfigException naming the full key, the value and what is allowed
   */
  static ReadTimeoutConfig from(PluginConfig config) {
    return new ReadTimeoutConfig(millis(config, READ_TIMEOUT_MS), millis(config, FALLBACK_MS));
  }

  private static Duration millis(PluginConfig config, ConfigKey<String> key) {
    String raw = config.get(key);
    if (raw == null) {
      return null;
    }
    long millis;
    try {
      millis = Long.parseLong(raw.trim());
    } catch (NumberFormatException notANumber) {
      millis = -1;
    }
    if (millis < 1 || millis > MAX_MILLIS) {
      String fullKey = PREFIX + key.name();
      throw new ConfigException(fullKey, "bad value '" + raw + "' for " + fullKey
          + ": expected whole milliseconds from 1 to " + MAX_MILLIS
          + (millis == 0 ? "; remove the setting for no per-store timeout" : ""));
    }
    return Duration.ofMillis(millis);
  }
}
