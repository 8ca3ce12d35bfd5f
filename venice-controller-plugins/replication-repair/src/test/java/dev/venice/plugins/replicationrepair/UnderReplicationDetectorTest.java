package dev.venice.plugins.replicationrepair;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.plugins.replicationrepair.UnderReplicationDetector.UnderReplicatedPartition;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.controller.StoreVersion.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The detection rule on its own: only LEADER and STANDBY replicas on live servers count; OFFLINE,
 * ERROR and transition states, servers gone from the cluster and missing partitions do not; a
 * partition at its replication factor (or above it, while Helix moves a replica) is healthy.
 */
class UnderReplicationDetectorTest {
  private static final Set<String> LIVE = Set.of("a", "b", "c");

  private static StoreVersion version(int partitions, int replicationFactor) {
    return new StoreVersion(1, Status.ONLINE, partitions, replicationFactor);
  }

  @Test
  void aFullyReplicatedVersionHasNone() {
    assertEquals(List.of(), UnderReplicationDetector.detect(version(2, 2), Map.of(
        0, Map.of("a", "LEADER", "b", "STANDBY"),
        1, Map.of("b", "LEADER", "c", "STANDBY", "a", "STANDBY")), LIVE));
  }

  @Test
  void offlineErrorAndTransitionStatesDoNotCount() {
    assertEquals(List.of(
            new UnderReplicatedPartition(0, 1, 2, List.of("a")),
            new UnderReplicatedPartition(1, 1, 2, List.of("c")),
            new UnderReplicatedPartition(2, 0, 2, List.of())),
        UnderReplicationDetector.detect(version(3, 2), Map.of(
            0, Map.of("a", "LEADER", "b", "OFFLINE"),
            1, Map.of("b", "ERROR", "c", "STANDBY"),
            2, Map.of("a", "DROPPED", "c", "OFFLINE")), LIVE));
  }

  @Test
  void replicasOnServersThatAreNotLiveDoNotCount() {
    assertEquals(List.of(new UnderReplicatedPartition(0, 1, 2, List.of("b"))),
        UnderReplicationDetector.detect(version(1, 2),
            Map.of(0, Map.of("gone", "LEADER", "b", "STANDBY")), LIVE));
  }

  @Test
  void partitionsMissingFromTheViewHaveNoHealthyReplica() {
    assertEquals(List.of(new UnderReplicatedPartition(1, 0, 3, List.of()),
            new UnderReplicatedPartition(2, 0, 3, List.of())),
        UnderReplicationDetector.detect(version(3, 3),
            Map.of(0, Map.of("a", "LEADER", "b", "STANDBY", "c", "STANDBY"),
                7, Map.of("a", "LEADER")), LIVE));
    assertEquals(2, UnderReplicationDetector.detect(version(2, 1), Map.of(), LIVE).size(),
        "an unknown resource (no external view): every partition");
  }

  @Test
  void replicationFactorOneNeedsOneHealthyReplica() {
    assertEquals(List.of(new UnderReplicatedPartition(1, 0, 1, List.of())),
        UnderReplicationDetector.detect(version(2, 1), Map.of(0, Map.of("c", "LEADER"),
            1, Map.of("c", "OFFLINE")), LIVE));
  }

  @Test
  void describeNamesTheHealthyServers() {
    assertEquals("3 (1/2 on a)", new UnderReplicatedPartition(3, 1, 2, List.of("a")).describe());
    assertEquals("0 (0/2, no replica)",
        new UnderReplicatedPartition(0, 0, 2, List.of()).describe());
  }
}
