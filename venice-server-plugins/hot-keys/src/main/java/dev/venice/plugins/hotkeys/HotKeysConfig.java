package dev.venice.plugins.hotkeys;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.hot-keys.*} and per store in the
 * store's plugin settings.
 *
 * @param topK the number of Space-Saving counters per partition replica
 */
record HotKeysConfig(int topK) {
  static final ConfigKey<Integer> TOP_K = ConfigKey.integer("top-k", 100, 1, 100_000,
      "Space-Saving counters per partition replica: keys requested more than total/top-k times"
          + " are always listed");
  static final List<ConfigKey<?>> KEYS = List.of(TOP_K);

  static HotKeysConfig from(PluginConfig config) {
    return new HotKeysConfig(config.get(TOP_K));
  }
}
