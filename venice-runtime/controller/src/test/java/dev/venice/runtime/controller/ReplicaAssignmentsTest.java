package dev.venice.runtime.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.plugin.TimeSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.helix.AccessOption;
import org.apache.helix.HelixAdmin;
import org.apache.helix.HelixDataAccessor;
import org.apache.helix.PropertyKey;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.manager.zk.ZKHelixDataAccessor;
import org.apache.helix.manager.zk.ZkBaseDataAccessor;
import org.apache.helix.model.ClusterConfig;
import org.apache.helix.model.CurrentState;
import org.apache.helix.model.ExternalView;
import org.apache.helix.model.IdealState;
import org.apache.helix.model.InstanceConfig;
import org.apache.helix.model.LeaderStandbySMD;
import org.apache.helix.model.LiveInstance;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leader distribution, the assignment view, the offline simulation and the leader rebalance's
 * write, on a real ZooKeeper with a real Helix cluster layout: three instances, one version
 * resource of 6 partitions with replication factor 2, its replicas' current states and external
 * view written as participants would after Helix's placement (except where a test skews it), no
 * participant processes.
 */
class ReplicaAssignmentsTest {
  private static final String CLUSTER = "replica-views";
  private static final String RESOURCE = "users_v1";
  private static final int PARTITIONS = 6;
  private static final List<String> SERVERS = List.of("host_1", "host_2", "host_3");

  private static Path dir;
  private static ZooKeeperServer zooKeeper;
  private static ServerCnxnFactory connections;
  private static HelixAdmin helix;
  private static ZkBaseDataAccessor<ZNRecord> zk;
  private static HelixDataAccessor data;
  /** Partition to instance to state, as written to the current states and external view. */
  private static Map<Integer, Map<String, String>> placed;

  @BeforeAll
  static void setUp() throws Exception {
    dir = Files.createTempDirectory("replica-views-zk");
    System.setProperty("zookeeper.admin.enableServer", "false");
    zooKeeper = new ZooKeeperServer(dir.toFile(), dir.toFile(), 500);
    connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 50);
    connections.startup(zooKeeper);
    String address = "127.0.0.1:" + connections.getLocalPort();
    helix = new ZKHelixAdmin(address);
    zk = new ZkBaseDataAccessor<>(address);
    data = new ZKHelixDataAccessor(CLUSTER, zk);
    helix.addCluster(CLUSTER, false);
    helix.addStateModelDef(CLUSTER, LeaderStandbySMD.name, LeaderStandbySMD.build());
    for (String server : SERVERS) {
      String[] hostPort = server.split("_");
      InstanceConfig config = new InstanceConfig(server);
      config.setHostName(hostPort[0]);
      config.setPort(hostPort[1]);
      helix.addInstance(CLUSTER, config);
      // persistent, not ephemeral as a participant's: no participant session is needed
      LiveInstance live = new LiveInstance(server);
      live.setSessionId("session-" + server);
      live.setHelixVersion("1.4.3");
      assertTrue(zk.create(keys().liveInstance(server).getPath(), live.getRecord(),
          AccessOption.PERSISTENT), "live instance " + server);
    }
    helix.addResource(CLUSTER, RESOURCE, PARTITIONS, LeaderStandbySMD.name,
        IdealState.RebalanceMode.FULL_AUTO.name());
    IdealState idealState = helix.getResourceIdealState(CLUSTER, RESOURCE);
    idealState.setMinActiveReplicas(1);
    idealState.setRebalancerClassName(StickyLeaderRebalancer.class.getName());
    helix.setResourceIdealState(CLUSTER, RESOURCE, idealState);
    helix.rebalance(CLUSTER, RESOURCE, 2);
    // FULL_AUTO: the preference lists are the controller's to compute; take where Helix's
    // rebalancer settles from no replicas at all as where the participants are
    placed = new AssignmentSimulation(CLUSTER, data).predict(RESOURCE,
        new AssignmentSimulation.Change(0, null)).orElseThrow().states();
    writeStates(placed);
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (zk != null) {
      zk.close();
    }
    if (helix != null) {
      helix.close();
    }
    if (connections != null) {
      connections.shutdown();
    }
    if (zooKeeper != null) {
      zooKeeper.shutdown();
    }
  }

  @Test
  void imbalanceIsThePopulationStandardDeviationOverTheMean() {
    Imbalance skewed = Imbalance.of(List.of(0, 6, 6));
    assertEquals(3, skewed.servers());
    assertEquals(4.0, skewed.mean(), 1e-9);
    assertEquals(Math.sqrt(8), skewed.stddev(), 1e-9);
    assertEquals(Math.sqrt(8) / 4, skewed.score(), 1e-9);
    assertEquals(0.0, Imbalance.of(List.of(4, 4, 4)).score(), 1e-9);
    assertEquals(0.0, Imbalance.of(List.of(0, 0, 0)).score(), "no leaders: nothing to balance");
    assertEquals(0, Imbalance.of(List.of()).servers());
    assertEquals(0.0, Imbalance.of(List.of()).score());
    assertEquals(Math.sqrt(2), Imbalance.of(List.of(6, 0, 0)).score(), 1e-9,
        "one server leading everything of three");
  }

  @Test
  void aRebalanceWindowSuspendsStickinessUntilItsEnd() {
    IdealState state = new IdealState("s_v1");
    assertFalse(StickyLeaderRebalancer.stickinessSuspended(state, 1_000));
    state.getRecord().setSimpleField(StickyLeaderRebalancer.PREFERRED_LEADERS_UNTIL, "2000");
    assertTrue(StickyLeaderRebalancer.stickinessSuspended(state, 1_999));
    assertFalse(StickyLeaderRebalancer.stickinessSuspended(state, 2_000));
    state.getRecord().setSimpleField(StickyLeaderRebalancer.PREFERRED_LEADERS_UNTIL, "soon");
    assertFalse(StickyLeaderRebalancer.stickinessSuspended(state, 1_000), "malformed: no window");
  }

  @Test
  void helixPlacesTwoReplicasAndOneLeaderPerPartitionEvenly() {
    Map<String, Integer> leaders = new HashMap<>();
    placed.forEach((p, replicas) -> {
      assertEquals(2, replicas.size(), "partition " + p + ": " + replicas);
      leaders.merge(leaderOf(replicas), 1, Integer::sum);
    });
    assertEquals(PARTITIONS, placed.size());
    assertEquals(Map.of("host_1", 2, "host_2", 2, "host_3", 2), leaders);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theAssignmentViewMatchesTheExternalView() {
    Map<String, Object> view = assignments().assignment(RESOURCE, Optional.empty()).orElseThrow();
    assertEquals(PARTITIONS, view.get("partitionCount"));
    Map<String, Object> current = (Map<String, Object>) view.get("current");
    int leaders = 0;
    for (Map<String, Object> server : (List<Map<String, Object>>) current.get("servers")) {
      String instance = (String) server.get("instance");
      for (int p : (List<Integer>) server.get("leaders")) {
        assertEquals("LEADER", placed.get(p).get(instance), "partition " + p);
        leaders++;
      }
      for (int p : (List<Integer>) server.get("followers")) {
        assertEquals("STANDBY", placed.get(p).get(instance), "partition " + p);
      }
      assertEquals(true, server.get("live"));
    }
    assertEquals(PARTITIONS, leaders);
    assertEquals(List.of(), current.get("partitionsWithoutLeader"));
    assertTrue(assignments().assignment("missing_v1", Optional.empty()).isEmpty());
  }

  @Test
  void removingAServerMovesItsReplicasToTheOthersKeepingTheReplicationFactor() {
    ZkSnapshot before = ZkSnapshot.take();
    AssignmentSimulation.Prediction predicted = new AssignmentSimulation(CLUSTER, data)
        .predict(RESOURCE, new AssignmentSimulation.Change(0, "host_3")).orElseThrow();
    assertEquals(before, ZkSnapshot.take(), "a simulation writes nothing");
    assertTrue(predicted.settled(), "settled within " + AssignmentSimulation.MAX_ROUNDS);
    assertEquals(PARTITIONS, predicted.states().size());
    predicted.states().forEach((p, replicas) -> {
      assertFalse(replicas.containsKey("host_3"), "partition " + p + ": " + replicas);
      assertEquals(Set.of("host_1", "host_2"), replicas.keySet(), "partition " + p);
      assertEquals(1, replicas.values().stream().filter("LEADER"::equals).count(),
          "partition " + p + ": " + replicas);
      String leaderBefore = leaderOf(placed.get(p));
      if (!leaderBefore.equals("host_3")) {
        assertEquals("LEADER", replicas.get(leaderBefore), "partition " + p
            + ": a live leader keeps its leadership (sticky)");
      }
    });
    assertThrows(IllegalArgumentException.class, () -> new AssignmentSimulation(CLUSTER, data)
        .predict(RESOURCE, new AssignmentSimulation.Change(0, "nowhere_9")));
  }

  @Test
  void addedServersGetReplicas() {
    ZkSnapshot before = ZkSnapshot.take();
    AssignmentSimulation.Prediction predicted = new AssignmentSimulation(CLUSTER, data)
        .predict(RESOURCE, new AssignmentSimulation.Change(3, null)).orElseThrow();
    assertEquals(before, ZkSnapshot.take(), "a simulation writes nothing");
    assertEquals(List.of("simulated-1_0", "simulated-2_0", "simulated-3_0"),
        predicted.addedServers());
    Set<String> holding = new TreeSet<>();
    predicted.states().forEach((p, replicas) -> {
      assertEquals(2, replicas.size(), "partition " + p + ": " + replicas);
      assertEquals(1, replicas.values().stream().filter("LEADER"::equals).count(),
          "partition " + p + ": " + replicas);
      holding.addAll(replicas.keySet());
    });
    assertTrue(holding.containsAll(predicted.addedServers()), "new servers hold " + holding);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theLeaderDistributionCountsEveryLiveServerAndFlagsSkewedStores() {
    Map<Integer, Map<String, String>> skewed = new HashMap<>();
    placed.forEach((p, replicas) -> {
      Map<String, String> states = new HashMap<>();
      replicas.keySet().forEach(i -> states.put(i, "STANDBY"));
      states.put("host_1", "LEADER"); // host_1 leads every partition
      skewed.put(p, states);
    });
    writeExternalView(skewed);
    try {
      Map<String, Object> d = assignments().leaderDistribution(0.5);
      assertEquals(PARTITIONS, d.get("totalLeaders"));
      Imbalance imbalance = (Imbalance) d.get("imbalance");
      assertEquals(Math.sqrt(2), imbalance.score(), 1e-9, "6, 0, 0 over three live servers");
      assertEquals(List.of("users"), d.get("storesAboveThreshold"));
      Map<String, Object> store = ((List<Map<String, Object>>) d.get("stores")).get(0);
      assertEquals(Map.of("host_1", 6, "host_2", 0, "host_3", 0), store.get("leaders"));
      assertEquals(List.of(), assignments().leaderDistribution(2.0).get("storesAboveThreshold"));
    } finally {
      writeExternalView(placed);
    }
  }

  @Test
  void aLeaderRebalanceMarksTheIdealStateAndNeverCreatesOne() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    List<String> started = new ReplicaAssignments(CLUSTER, data, clock(new Instant[] {now}))
        .preferLeaders(List.of(RESOURCE, "gone_v1"));
    assertEquals(List.of(RESOURCE), started);
    IdealState marked = helix.getResourceIdealState(CLUSTER, RESOURCE);
    long until = now.plus(ReplicaAssignments.PREFERRED_LEADER_WINDOW).toEpochMilli();
    assertEquals(Long.toString(until), marked.getRecord().getSimpleField(
        StickyLeaderRebalancer.PREFERRED_LEADERS_UNTIL));
    assertTrue(StickyLeaderRebalancer.stickinessSuspended(marked, until - 1));
    assertEquals(PARTITIONS, marked.getNumPartitions(), "the rest of the ideal state is kept");
    assertNull(helix.getResourceIdealState(CLUSTER, "gone_v1"));
    assertEquals(List.of(RESOURCE), assignments().resourcesOf("users"));
  }

  @Test
  void aReplicaRepairTurnsTheRebalanceDelayOffForOneDelayThenGivesItBack() {
    ClusterConfig clusterConfig = data.getProperty(keys().clusterConfig());
    long delayBefore = clusterConfig.getRebalanceDelayTime();
    clusterConfig.setRebalanceDelayTime(Duration.ofMinutes(10).toMillis());
    data.setProperty(keys().clusterConfig(), clusterConfig);
    try {
      repairWindowOfTenMinutes();
    } finally { // the simulations of the other tests run without a delay
      clusterConfig.setRebalanceDelayTime(delayBefore);
      data.setProperty(keys().clusterConfig(), clusterConfig);
    }
  }

  private static void repairWindowOfTenMinutes() {
    Instant[] now = {Instant.parse("2026-12-02T10:00:00Z")};
    ReplicaAssignments assignments = new ReplicaAssignments(CLUSTER, data, clock(now));
    IdealState before = helix.getResourceIdealState(CLUSTER, RESOURCE);
    assertTrue(before.isDelayRebalanceEnabled(), "Helix's default: the cluster's delay applies");

    assertTrue(assignments.placeMissingReplicas(RESOURCE));
    IdealState after = helix.getResourceIdealState(CLUSTER, RESOURCE);
    assertFalse(after.isDelayRebalanceEnabled());
    assertEquals(Long.toString(now[0].plus(Duration.ofMinutes(10)).toEpochMilli()),
        after.getRecord().getSimpleField(ReplicaAssignments.DELAY_OFF_UNTIL));
    assertEquals(PARTITIONS, after.getNumPartitions(), "the rest of the ideal state is kept");
    assertEquals(StickyLeaderRebalancer.class.getName(), after.getRebalancerClassName());
    assertEquals(before.getMinActiveReplicas(), after.getMinActiveReplicas());
    assertFalse(assignments.placeMissingReplicas("gone_v1"), "no resource: nothing written");
    assertNull(helix.getResourceIdealState(CLUSTER, "gone_v1"));

    now[0] = now[0].plus(Duration.ofMinutes(9));
    assertEquals(List.of(), assignments.restoreRebalanceDelays(), "within the window");
    now[0] = now[0].plus(Duration.ofMinutes(1));
    assertEquals(List.of(RESOURCE), assignments.restoreRebalanceDelays());
    IdealState restored = helix.getResourceIdealState(CLUSTER, RESOURCE);
    assertTrue(restored.isDelayRebalanceEnabled());
    assertNull(restored.getRecord().getSimpleField(ReplicaAssignments.DELAY_OFF_UNTIL));
    assertEquals(List.of(), assignments.restoreRebalanceDelays(), "idempotent");
  }

  /** The znodes a simulation could touch: ideal state, instances, live instances, views. */
  private record ZkSnapshot(List<Object> idealState, int idealStateVersion,
      List<String> instances, List<String> live, List<Object> externalView, long lastZxid) {
    static ZkSnapshot take() {
      Stat stat = new Stat();
      ZNRecord idealState = zk.get(keys().idealStates(RESOURCE).getPath(), stat,
          AccessOption.PERSISTENT);
      ExternalView view = data.getProperty(keys().externalView(RESOURCE));
      return new ZkSnapshot(contents(idealState), stat.getVersion(),
          data.getChildNames(keys().instanceConfigs()), data.getChildNames(keys().liveInstances()),
          contents(view.getRecord()), zooKeeper.getZKDatabase().getDataTreeLastProcessedZxid());
    }

    private static List<Object> contents(ZNRecord record) {
      return List.of(record.getSimpleFields(), record.getListFields(), record.getMapFields());
    }
  }

  /** A clock standing at {@code now[0]}, which the test moves. */
  private static TimeSource clock(Instant[] now) {
    return new TimeSource() {
      @Override
      public long nanoTime() {
        return 0;
      }

      @Override
      public Instant now() {
        return now[0];
      }
    };
  }

  private static ReplicaAssignments assignments() {
    return new ReplicaAssignments(CLUSTER, data, TimeSource.SYSTEM);
  }

  private static String leaderOf(Map<String, String> replicas) {
    return replicas.entrySet().stream().filter(e -> e.getValue().equals("LEADER"))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
  }

  private static void writeStates(Map<Integer, Map<String, String>> states) {
    for (String server : SERVERS) {
      LiveInstance live = data.getProperty(keys().liveInstance(server));
      CurrentState current = new CurrentState(RESOURCE);
      current.setSessionId(live.getEphemeralOwner());
      current.setStateModelDefRef(LeaderStandbySMD.name);
      states.forEach((p, replicas) -> {
        if (replicas.containsKey(server)) {
          current.setState(RESOURCE + "_" + p, replicas.get(server));
        }
      });
      data.setProperty(keys().currentState(server, live.getEphemeralOwner(), RESOURCE), current);
    }
    writeExternalView(states);
  }

  private static void writeExternalView(Map<Integer, Map<String, String>> states) {
    ExternalView view = new ExternalView(RESOURCE);
    states.forEach((p, replicas) -> view.setStateMap(RESOURCE + "_" + p, replicas));
    data.setProperty(keys().externalView(RESOURCE), view);
  }

  private static PropertyKey.Builder keys() {
    return data.keyBuilder();
  }
}
