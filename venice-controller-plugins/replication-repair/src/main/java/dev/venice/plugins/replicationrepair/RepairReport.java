package dev.venice.plugins.replicationrepair;

import dev.venice.plugins.replicationrepair.RepairDecider.Decision;
import dev.venice.plugins.replicationrepair.UnderReplicationDetector.UnderReplicatedPartition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of the repair task found and did, as {@code GET
 * /plugins/replication-repair/report} serves it (Jackson writes the record components as JSON
 * fields). Immutable.
 *
 * @param time when the run started (ISO-8601, the controller's clock)
 * @param controller the instance id of the controller that ran it (the leader then)
 * @param liveServers the instance ids of the live servers, sorted
 * @param storesChecked how many stores were checked (switched-off ones are not)
 * @param underReplicatedPartitions the under-replicated partitions of all stores
 * @param stores the stores with under-replicated partitions, by name
 */
record RepairReport(String time, String controller, List<String> liveServers, int storesChecked,
    int underReplicatedPartitions, List<StoreReport> stores) {
  RepairReport {
    liveServers = List.copyOf(liveServers);
    stores = List.copyOf(stores);
  }

  /**
   * One store's under-replicated versions.
   *
   * @param store the store
   * @param underReplicatedPartitions the sum over its versions
   * @param versions each under-replicated version with the action taken, by number
   */
  record StoreReport(String store, int underReplicatedPartitions, List<VersionReport> versions) {}

  /**
   * One under-replicated store version and what the run did about it.
   *
   * @param version the version number (its Helix resource is {@code <store>_v<version>})
   * @param replicationFactor the replicas its partitions should have
   * @param partitions its under-replicated partitions: number, healthy and expected replicas,
   *     the servers holding the healthy ones
   * @param action {@code REBALANCED}, {@code WOULD_REBALANCE} (dry run), {@code DEFERRED} or
   *     {@code REFUSED}
   * @param reason for {@code DEFERRED} the deferral ({@code PUSH_IN_PROGRESS}, {@code
   *     RATE_LIMIT}, {@code GRACE_PERIOD}, {@code COOLDOWN}, {@code NOT_ENOUGH_LIVE_SERVERS}), for
   *     {@code REFUSED} the controller's reason ({@code VETOED}, {@code FAILED}, ...), else null
   * @param detail the action in one line for people, e.g. {@code would rebalance (dry run)}
   */
  record VersionReport(int version, int replicationFactor,
      List<UnderReplicatedPartition> partitions, String action, String reason, String detail) {}

  /** The report of a run at {@code time} by {@code controller} from its decisions. */
  static RepairReport of(Instant time, String controller, List<String> liveServers,
      int storesChecked, List<Decision> decisions) {
    Map<String, List<VersionReport>> byStore = new LinkedHashMap<>();
    for (Decision d : decisions) {
      String reason = d.deferral() != null ? d.deferral().name()
          : d.refusal() != null ? d.refusal().name() : null;
      byStore.computeIfAbsent(d.resource().store(), s -> new ArrayList<>()).add(
          new VersionReport(d.resource().version(), d.resource().replicationFactor(),
              d.resource().partitions(), d.action().name(), reason, d.detail()));
    }
    List<StoreReport> stores = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, List<VersionReport>> e : byStore.entrySet()) {
      int count = e.getValue().stream().mapToInt(v -> v.partitions().size()).sum();
      total += count;
      stores.add(new StoreReport(e.getKey(), count, e.getValue()));
    }
    return new RepairReport(time.toString(), controller, liveServers, storesChecked, total,
        stores);
  }
}
