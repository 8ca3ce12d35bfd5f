package dev.venice.plugins.leadershiphistory;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.util.List;

/**
 * The plugin's settings, process-wide under {@code plugins.leadership-history.*}.
 *
 * @param maxEvents how many events the ring buffer keeps (the newest)
 */
record LeadershipHistoryConfig(int maxEvents) {
  /** The most events {@code max-events} allows. */
  static final int EVENTS_LIMIT = 1_000;
  static final ConfigKey<Integer> MAX_EVENTS = ConfigKey.integer("max-events", 100, 1, EVENTS_LIMIT,
      "leadership events kept in ZooKeeper (the newest; older ones are dropped)").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(MAX_EVENTS);

  static LeadershipHistoryConfig from(PluginConfig config) {
    return new LeadershipHistoryConfig(config.get(MAX_EVENTS));
  }
}
