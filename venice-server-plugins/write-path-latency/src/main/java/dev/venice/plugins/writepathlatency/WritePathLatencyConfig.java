package dev.venice.plugins.writepathlatency;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings under {@code plugins.write-path-latency.*}: only the process-wide cap on
 * stores with series of their own. What is sampled is the producer's choice ({@code
 * OnlineProducer.create(controllerUrl, store, writePathSampleRate)}), not the server's.
 *
 * @param maxStores how many stores get series tagged with their name; the stores seen after them
 *     share the tag value {@code other} ({@code max-stores})
 */
record WritePathLatencyConfig(int maxStores) {
  static final ConfigKey<Integer> MAX_STORES = ConfigKey.integer("max-stores", 100, 0, 10_000,
      "how many stores get series of their own, first seen first; later stores are tagged other")
      .processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(MAX_STORES);

  /** The settings of {@code config}; no rule across keys. */
  static WritePathLatencyConfig from(PluginConfig config) {
    return new WritePathLatencyConfig(config.get(MAX_STORES));
  }
}
