package dev.venice.plugins.replicationrepair;

import dev.venice.spi.config.ConfigKey;
import dev.venice.spi.config.PluginConfig;
import java.time.Duration;
import java.util.List;

/**
 * The plugin's settings under {@code plugins.replication-repair.*}: every key is process-wide
 * except {@code dry-run}, which a store may set for itself.
 *
 * @param interval the delay between two runs of the repair task
 * @param dryRun report what would be rebalanced, rebalance nothing (per store)
 * @param rebalanceInterval at most one rebalance per this interval, across all stores
 * @param gracePeriod how long a partition must stay under-replicated before it is repaired
 * @param cooldown how long after its rebalance a resource is not rebalanced again
 */
record ReplicationRepairConfig(Duration interval, boolean dryRun, Duration rebalanceInterval,
    Duration gracePeriod, Duration cooldown) {
  static final ConfigKey<Duration> INTERVAL = ConfigKey.duration("interval",
      Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1),
      "the delay between two runs of the repair task on the leader controller").processOnly();
  static final ConfigKey<Boolean> DRY_RUN = ConfigKey.bool("dry-run", false,
      "report the under-replicated partitions and what would be rebalanced, but rebalance"
          + " nothing (the rebalance is only asked of the before-hooks)");
  static final ConfigKey<Duration> REBALANCE_INTERVAL = ConfigKey.duration("rebalance-interval",
      Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofHours(1),
      "at most one rebalance per this interval across all stores; the others wait for a later"
          + " run").processOnly();
  static final ConfigKey<Duration> GRACE_PERIOD = ConfigKey.duration("grace-period",
      Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(1),
      "a partition under-replicated for less than this is reported, not repaired (a restarting"
          + " server comes back)").processOnly();
  static final ConfigKey<Duration> COOLDOWN = ConfigKey.duration("cooldown",
      Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(1),
      "a resource rebalanced is not rebalanced again within this, while Helix bootstraps its new"
          + " replicas").processOnly();
  static final List<ConfigKey<?>> KEYS = List.of(INTERVAL, DRY_RUN, REBALANCE_INTERVAL,
      GRACE_PERIOD, COOLDOWN);

  static ReplicationRepairConfig from(PluginConfig config) {
    return new ReplicationRepairConfig(config.get(INTERVAL), config.get(DRY_RUN),
        config.get(REBALANCE_INTERVAL), config.get(GRACE_PERIOD), config.get(COOLDOWN));
  }
}
