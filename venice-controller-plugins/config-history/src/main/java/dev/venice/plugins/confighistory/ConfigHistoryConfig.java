package dev.venice.plugins.confighistory;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings under {@code plugins.config-history.*}.
 *
 * @param maxEntries how many entries a store's history keeps at most (the oldest are dropped
 *     first); fewer when they would not fit in one ZooKeeper node
 */
record ConfigHistoryConfig(int maxEntries) {
  static final ConfigKey<Integer> MAX_ENTRIES = ConfigKey.integer("max-entries", 20, 1, 1000,
      "entries kept per store, newest last; the oldest are dropped first, also when the entries"
          + " would not fit in one ZooKeeper node").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(MAX_ENTRIES);

  static ConfigHistoryConfig from(PluginConfig config) {
    return new ConfigHistoryConfig(config.get(MAX_ENTRIES));
  }
}
