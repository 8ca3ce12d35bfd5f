package dev.venice.plugins.requestsizehistograms;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings under {@code plugins.request-size-histograms.*}: the sampling rate, which
 * a store may set, and the process-wide cap on stores with series of their own.
 *
 * @param sampleRate the fraction of read calls recorded, 0.0 to 1.0 ({@code sample-rate})
 * @param maxStores how many stores get series tagged with their name; the stores seen after them
 *     share the tag value {@code other} ({@code max-stores})
 */
record RequestSizeHistogramsConfig(double sampleRate, int maxStores) {
  static final ConfigKey<Double> SAMPLE_RATE = ConfigKey.decimal("sample-rate", 1.0, 0.0, 1.0,
      "the fraction of read calls recorded (1.0: every call; 0.0: none)");
  static final ConfigKey<Integer> MAX_STORES = ConfigKey.integer("max-stores", 100, 0, 10_000,
      "how many stores get series of their own, first seen first; later stores are tagged other")
      .processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(SAMPLE_RATE, MAX_STORES);

  /** The settings of {@code config}; no rule across keys. */
  static RequestSizeHistogramsConfig from(PluginConfig config) {
    return new RequestSizeHistogramsConfig(config.get(SAMPLE_RATE), config.get(MAX_STORES));
  }
}
