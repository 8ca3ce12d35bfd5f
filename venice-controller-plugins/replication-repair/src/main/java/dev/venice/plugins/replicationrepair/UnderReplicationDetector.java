package dev.venice.plugins.replicationrepair;

import dev.venice.spi.controller.StoreVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the under-replicated partitions of one store version: those with fewer healthy replicas
 * than the version's replication factor. A replica is healthy when Helix's external view shows it
 * {@code LEADER} or {@code STANDBY} on a live server; {@code OFFLINE}, {@code ERROR}, a transition
 * state, or any state on a server that is not live does not count, and a partition missing from
 * the view has no healthy replica. Pure: no SPI context, no clock. Thread-safe (stateless).
 */
final class UnderReplicationDetector {
  /** The Helix states of a replica that serves (LeaderStandby model). */
  static final Set<String> HEALTHY_STATES = Set.of("LEADER", "STANDBY");

  /**
   * One partition with fewer healthy replicas than its version asks for.
   *
   * @param partition the partition number
   * @param healthy its healthy replicas
   * @param expected the version's replication factor
   * @param servers the instance ids of the servers holding its healthy replicas, sorted
   */
  record UnderReplicatedPartition(int partition, int healthy, int expected,
      List<String> servers) {
    UnderReplicatedPartition {
      servers = List.copyOf(servers);
    }

    /** {@code 3 (1/2 on host_7001)}, for logs and the CLI. */
    String describe() {
      return partition + " (" + healthy + "/" + expected + (servers.isEmpty() ? ", no replica"
          : " on " + String.join(",", servers)) + ")";
    }
  }

  private UnderReplicationDetector() {}

  /**
   * The under-replicated partitions of {@code version}, by partition number.
   *
   * @param version the version: its partition count and replication factor
   * @param states its external view: partition to instance id to Helix state (partitions with no
   *     replica absent; numbers outside the version's partitions ignored)
   * @param liveServers the instance ids of the live servers
   */
  static List<UnderReplicatedPartition> detect(StoreVersion version,
      Map<Integer, Map<String, String>> states, Set<String> liveServers) {
    List<UnderReplicatedPartition> found = new ArrayList<>();
    for (int partition = 0; partition < version.partitionCount(); partition++) {
      Set<String> healthy = new TreeSet<>();
      states.getOrDefault(partition, Map.of()).forEach((instance, state) -> {
        if (HEALTHY_STATES.contains(state) && liveServers.contains(instance)) {
          healthy.add(instance);
        }
      });
      if (healthy.size() < version.replicationFactor()) {
        found.add(new UnderReplicatedPartition(partition, healthy.size(),
            version.replicationFactor(), new ArrayList<>(healthy)));
      }
    }
    return found;
  }
}
