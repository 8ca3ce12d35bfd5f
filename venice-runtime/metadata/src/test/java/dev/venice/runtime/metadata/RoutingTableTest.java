package dev.venice.runtime.metadata;

import static dev.venice.runtime.metadata.TestZooKeeper.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.venice.spi.client.Replica;
import dev.venice.spi.host.RoutingService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.manager.zk.ZKHelixDataAccessor;
import org.apache.helix.manager.zk.ZkBaseDataAccessor;
import org.apache.helix.model.CustomizedView;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.HelixConfigScope;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.model.LeaderStandbySMD;
import org.apache.helix.model.builder.HelixConfigScopeBuilder;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing a controller (and a router) offers plugins: ready replicas and replica states from
 * Helix's external view, read by a real Helix spectator on a real ZooKeeper. The external view is
 * written here as the Helix controller would write it, so every state can be set exactly.
 */
class RoutingTableTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String CLUSTER = "routing-test";
  private static final String TOPIC = "users_v3";

  @TempDir Path dir;

  @Test
  void readyReplicasAreLeaderThenStandbysAndStatesFollowTheExternalView() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      HelixDataAccessor helix = cluster.helix;
      ExternalView view = new ExternalView(TOPIC);
      view.setState(TOPIC + "_0", "127.0.0.1_7003", "STANDBY");
      view.setState(TOPIC + "_0", "127.0.0.1_7001", "STANDBY");
      view.setState(TOPIC + "_0", "127.0.0.1_7002", "LEADER");
      view.setState(TOPIC + "_1", "127.0.0.1_7001", "LEADER");
      view.setState(TOPIC + "_1", "127.0.0.1_7002", "ERROR");
      view.setState(TOPIC + "_1", "127.0.0.1_7003", "OFFLINE");
      helix.setProperty(helix.keyBuilder().externalView(TOPIC), view);

      try (RoutingTable table = cluster.routingTable()) {
        RoutingService routing = table.asRoutingService();
        await(() -> routing.readyReplicas("users", 3, 1).size() == 1, WAIT,
            () -> "partition 1 routable; states " + table.replicaStates(TOPIC));
        assertEquals(List.of(replica(7002), replica(7001), replica(7003)),
            routing.readyReplicas("users", 3, 0), "leader first, then standbys by id");
        assertEquals(List.of(replica(7001)), routing.readyReplicas("users", 3, 1),
            "ERROR and OFFLINE replicas are not ready");
        assertEquals(List.of(), routing.readyReplicas("users", 3, 2));
        assertEquals(List.of(), routing.readyReplicas("users", 4, 0));
        assertEquals(List.of(), routing.readyReplicas("nobody", 1, 0));

        Map<Integer, Map<String, String>> states = table.replicaStates(TOPIC);
        assertEquals(Map.of(
            0, Map.of("127.0.0.1_7001", "STANDBY", "127.0.0.1_7002", "LEADER",
                "127.0.0.1_7003", "STANDBY"),
            1, Map.of("127.0.0.1_7001", "LEADER", "127.0.0.1_7002", "ERROR",
                "127.0.0.1_7003", "OFFLINE")), states);
        assertEquals(List.of(0, 1), List.copyOf(states.keySet()), "sorted by partition");
        assertThrows(UnsupportedOperationException.class, () -> states.put(9, Map.of()));
        assertEquals(Map.of(), table.replicaStates("users_v4"));

        // A leadership move reaches the table without a new lookup in ZooKeeper.
        view.setState(TOPIC + "_1", "127.0.0.1_7001", "STANDBY");
        view.setState(TOPIC + "_1", "127.0.0.1_7003", "LEADER");
        helix.setProperty(helix.keyBuilder().externalView(TOPIC), view);
        await(() -> routing.readyReplicas("users", 3, 1)
                .equals(List.of(replica(7003), replica(7001))), WAIT,
            () -> "leader moved; routing " + routing.readyReplicas("users", 3, 1));
        assertEquals("LEADER", table.replicaStates(TOPIC).get(1).get("127.0.0.1_7003"));
      }
    }
  }

  @Test
  void caughtUpReplicasOfServersNotDrainingComeFirstThenTheBestThereIs() throws Exception {
    try (Cluster cluster = new Cluster(dir)) {
      HelixDataAccessor helix = cluster.helix;
      ExternalView view = new ExternalView(TOPIC);
      view.setState(TOPIC + "_0", "127.0.0.1_7002", "LEADER");
      view.setState(TOPIC + "_0", "127.0.0.1_7001", "STANDBY");
      view.setState(TOPIC + "_0", "127.0.0.1_7003", "STANDBY");
      view.setState(TOPIC + "_1", "127.0.0.1_7001", "LEADER");
      helix.setProperty(helix.keyBuilder().externalView(TOPIC), view);

      try (RoutingTable table = cluster.routingTable()) {
        RoutingService routing = table.asRoutingService();
        await(() -> routing.readyReplicas("users", 3, 0).size() == 3, WAIT,
            () -> "no report aggregated yet: routed by the external view");

        // 7003 is still catching up: only the replicas reported COMPLETED are routed to
        CustomizedView readiness = new CustomizedView(TOPIC);
        readiness.setState(TOPIC + "_0", "127.0.0.1_7001", RoutingTable.READY);
        readiness.setState(TOPIC + "_0", "127.0.0.1_7002", RoutingTable.READY);
        readiness.setState(TOPIC + "_0", "127.0.0.1_7003", "STARTED");
        readiness.setState(TOPIC + "_1", "127.0.0.1_7001", "STARTED");
        helix.setProperty(helix.keyBuilder().customizedView(RoutingTable.READINESS_STATE_TYPE,
            TOPIC), readiness);
        await(() -> routing.readyReplicas("users", 3, 0)
                .equals(List.of(replica(7002), replica(7001))), WAIT,
            () -> "caught up only; routing " + routing.readyReplicas("users", 3, 0));
        assertEquals(List.of(replica(7001)), routing.readyReplicas("users", 3, 1),
            "no replica caught up: the best there is rather than none");

        cluster.draining(7002, true);
        await(() -> routing.readyReplicas("users", 3, 0).equals(List.of(replica(7001))), WAIT,
            () -> "a draining server is not routed to; routing "
                + routing.readyReplicas("users", 3, 0));
        cluster.draining(7001, true);
        await(() -> routing.readyReplicas("users", 3, 0)
                .equals(List.of(replica(7002), replica(7001))), WAIT,
            () -> "every caught-up replica draining: they still answer, before one catching up;"
                + " routing " + routing.readyReplicas("users", 3, 0));
        cluster.draining(7001, false);
        cluster.draining(7002, false);
        await(() -> routing.readyReplicas("users", 3, 0)
                .equals(List.of(replica(7002), replica(7001))), WAIT,
            () -> "back from draining; routing " + routing.readyReplicas("users", 3, 0));
      }
    }
  }

  /**
   * A ZooKeeper with the test cluster and the instances 127.0.0.1_7001, _7002 and _7003, and the
   * accessors a test writes views and instance configs with, as Helix's controller would.
   */
  private static final class Cluster implements AutoCloseable {
    final TestZooKeeper zooKeeper;
    final ZKHelixAdmin admin;
    final ZkBaseDataAccessor<ZNRecord> base;
    final HelixDataAccessor helix;

    Cluster(Path dir) throws Exception {
      this.zooKeeper = new TestZooKeeper(dir.resolve("zk"));
      this.admin = new ZKHelixAdmin(zooKeeper.address());
      this.base = new ZkBaseDataAccessor<>(zooKeeper.address());
      this.helix = new ZKHelixDataAccessor(CLUSTER, base);
      admin.addCluster(CLUSTER, false);
      admin.addStateModelDef(CLUSTER, LeaderStandbySMD.name, LeaderStandbySMD.build());
      for (int port : new int[] {7001, 7002, 7003}) {
        InstanceConfig instance = new InstanceConfig("127.0.0.1_" + port);
        instance.setHostName("127.0.0.1");
        instance.setPort(Integer.toString(port));
        instance.setInstanceEnabled(true);
        admin.addInstance(CLUSTER, instance);
      }
    }

    RoutingTable routingTable() throws Exception {
      return new RoutingTable(CLUSTER, "test-spectator", zooKeeper.address(),
          Duration.ofSeconds(4));
    }

    void draining(int port, boolean draining) {
      admin.setConfig(new HelixConfigScopeBuilder(
              HelixConfigScope.ConfigScopeProperty.PARTICIPANT)
              .forCluster(CLUSTER).forParticipant("127.0.0.1_" + port).build(),
          Map.of(RoutingTable.DRAINING_FIELD, Boolean.toString(draining)));
    }

    @Override
    public void close() throws Exception {
      base.close();
      admin.close();
      zooKeeper.close();
    }
  }

  private static Replica replica(int port) {
    return new Replica("127.0.0.1_" + port, "127.0.0.1", port);
  }
}
