package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.helix.HelixAdmin;
import org.apache.helix.manager.zk.ZKHelixAdmin;
import org.apache.helix.model.ExternalView;
import org.apache.helix.zookeeper.datamodel.ZNRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice show-assignment} (seed project 16) and {@code venice show-leader-distribution}
 * (seed project 33) on a local cluster of 3 servers with two stores of 6 partitions, replication
 * factor 2: the JSON matches Helix's external view, a simulated topology change predicts a valid
 * assignment and writes nothing to ZooKeeper, and {@code --rebalance --yes} lowers the leader
 * imbalance a server restart left behind (the sticky-leader rule keeps leaders off a returning
 * server).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderDistributionTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> STORES = List.of("alpha", "beta");
  private static final int PARTITIONS = 6;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static HelixAdmin helix;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(3)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig("plugin.dir", System.getProperty("controller.plugin.dir"))
        .controllerConfig("plugins.audit-log.enabled", "true").build();
    helix = new ZKHelixAdmin(cluster.zooKeeperAddress());
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    for (String store : STORES) {
      admin.createStore(store, Schemas.KEY, Schemas.USER_V1, PARTITIONS, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), store,
          Files.write(dir.resolve(store + ".jsonl"), lines)).run();
      cluster.awaitVersionOnline(store, 1, WAIT);
    }
    awaitSettled();
  }

  @AfterAll
  static void stop() {
    if (helix != null) {
      helix.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void showAssignmentMatchesTheExternalView() throws Exception {
    JsonNode shown = venice("show-assignment", "--store", "alpha", "--json");
    assertEquals("alpha_v1", shown.path("resource").asText(), shown.toString());
    Map<Integer, Map<String, String>> view = externalView("alpha_v1");
    Map<Integer, Map<String, String>> fromCli = new TreeMap<>();
    for (JsonNode server : shown.path("current").path("servers")) {
      String instance = server.path("instance").asText();
      server.path("leaders").forEach(p -> fromCli.computeIfAbsent(p.asInt(), k -> new TreeMap<>())
          .put(instance, "LEADER"));
      server.path("followers").forEach(p -> fromCli.computeIfAbsent(p.asInt(),
          k -> new TreeMap<>()).put(instance, "STANDBY"));
      assertEquals(server.path("leaders").size(), server.path("leaderCount").asInt());
    }
    assertEquals(view, fromCli);
    assertEquals(0, shown.path("current").path("partitionsWithoutLeader").size());

    String text = DistributionCli.venice(cluster.controllerUrl(), "show-assignment", "--store",
        "alpha", "--limit", "2");
    assertTrue(text.contains("replica imbalance") && text.contains("#"), text);
    assertTrue(DistributionCli.venice(cluster.controllerUrl(), "show-assignment", "--help")
        .contains("Examples:"));
    DistributionCli.Result missing = DistributionCli.run(cluster.controllerUrl(),
        "show-assignment", "--store", "nosuchstore");
    assertEquals(1, missing.status(), missing.output());
    assertTrue(missing.output().contains("nosuchstore"), missing.output());
  }

  @Test
  @Order(2)
  void simulationsPredictAValidAssignmentAndWriteNothing() throws Exception {
    Map<String, List<Object>> idealStatesBefore = idealStates();
    List<String> instancesBefore = helix.getInstancesInCluster(cluster.clusterName());
    String leaving = cluster.servers().get(0).instanceId();

    JsonNode removed = venice("show-assignment", "--store", "beta", "--simulate-remove-server",
        leaving, "--json").path("simulation");
    assertTrue(removed.path("settled").asBoolean(), removed.toString());
    Map<Integer, Map<String, String>> after = predicted(removed);
    assertEquals(PARTITIONS, after.size(), removed.toString());
    after.forEach((p, replicas) -> {
      assertFalse(replicas.containsKey(leaving), "partition " + p + ": " + replicas);
      assertEquals(2, replicas.size(), "replication factor kept: partition " + p + replicas);
      assertEquals(1, replicas.values().stream().filter("LEADER"::equals).count());
    });
    assertTrue(removed.path("replicasMoved").asInt() > 0, removed.toString());

    JsonNode added = venice("show-assignment", "--store", "beta", "--simulate-add-server", "2",
        "--json").path("simulation");
    Set<String> holders = new TreeSet<>();
    predicted(added).values().forEach(replicas -> holders.addAll(replicas.keySet()));
    added.path("addedServers").forEach(s -> assertTrue(holders.contains(s.asText()),
        s + " gets replicas: " + added));

    assertEquals(idealStatesBefore, idealStates(), "ideal states unchanged");
    assertEquals(instancesBefore, helix.getInstancesInCluster(cluster.clusterName()));
    DistributionCli.Result unknown = DistributionCli.run(cluster.controllerUrl(),
        "show-assignment", "--store", "beta", "--simulate-remove-server", "nowhere_1");
    assertEquals(1, unknown.status(), unknown.output());
    assertTrue(unknown.output().contains("beta") && unknown.output().contains("nowhere_1"),
        unknown.output());
  }

  @Test
  @Order(3)
  void rebalanceLowersTheImbalanceARestartLeftBehind() throws Exception {
    VeniceServer restarted = cluster.servers().get(1);
    String instance = restarted.instanceId();
    cluster.stopServer(restarted);
    LocalCluster.waitFor("every partition led by another server than " + instance, WAIT,
        () -> STORES.stream().allMatch(store -> {
          Map<Integer, Map<String, String>> view = externalView(store + "_v1");
          return view.size() == PARTITIONS && view.values().stream().allMatch(replicas ->
              replicas.containsValue("LEADER") && !replicas.containsKey(instance));
        }));
    cluster.restartServer(restarted);
    cluster.awaitInExternalView(instance, WAIT);
    awaitSettled();

    JsonNode before = venice("show-leader-distribution", "--json");
    double skew = before.path("imbalance").path("score").asDouble();
    assertTrue(skew > 0.2, "a restart leaves the returning server with fewer leaders: " + before);
    assertTrue(DistributionCli.venice(cluster.controllerUrl(), "show-leader-distribution")
        .contains("leader imbalance"));

    DistributionCli.Result refused = DistributionCli.run(cluster.controllerUrl(),
        "show-leader-distribution", "--rebalance", "--threshold", "0.2");
    assertEquals(1, refused.status(), refused.output());
    assertTrue(refused.output().contains("--yes") && refused.output().contains("alpha"),
        refused.output());

    JsonNode done = venice("show-leader-distribution", "--rebalance", "--yes", "--threshold",
        "0.2", "--json");
    assertNotEquals(0, done.path("rebalance").path("stores").size(), done.toString());
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    double[] now = {skew};
    LocalCluster.waitFor(() -> "leader imbalance below " + skew + "; it is " + now[0], WAIT,
        () -> {
          JsonNode d = admin.leaderDistribution(0.2);
          now[0] = d.path("imbalance").path("score").asDouble();
          return now[0] < skew && d.path("totalLeaders").asInt() == STORES.size() * PARTITIONS;
        });

    // the rebalance went through the admin-mutation path: the audit log names each store version
    String rebalanced = done.path("rebalance").path("stores").get(0).path("store").asText();
    List<JsonNode> audited = new ArrayList<>();
    LocalCluster.waitFor("a REBALANCE audit event for store " + rebalanced, WAIT, () -> {
      audited.clear();
      try {
        venice("dump-audit-log", "--store", rebalanced, "--json").forEach(e -> {
          if (e.path("operation").asText().equals("REBALANCE")) {
            audited.add(e);
          }
        });
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return !audited.isEmpty();
    });
    JsonNode event = audited.get(0);
    assertTrue(event.path("success").asBoolean(), event.toString());
    assertTrue(event.path("requested").asText().contains("\"scope\":\"LEADERS\""),
        event.toString());
  }

  /** Runs the CLI and parses its JSON. */
  private static JsonNode venice(String... args) throws Exception {
    return JSON.readTree(DistributionCli.venice(cluster.controllerUrl(), args));
  }

  /** Waits until every partition of both stores has two ready replicas, one of them leading. */
  private static void awaitSettled() {
    for (String store : STORES) {
      for (int p = 0; p < PARTITIONS; p++) {
        cluster.awaitReadyReplicas(store + "_v1", p, 2, WAIT);
      }
    }
  }

  private static Map<Integer, Map<String, String>> predicted(JsonNode simulation) {
    Map<Integer, Map<String, String>> states = new TreeMap<>();
    for (JsonNode server : simulation.path("predicted").path("servers")) {
      String instance = server.path("instance").asText();
      server.path("leaders").forEach(p -> states.computeIfAbsent(p.asInt(), k -> new TreeMap<>())
          .put(instance, "LEADER"));
      server.path("followers").forEach(p -> states.computeIfAbsent(p.asInt(),
          k -> new TreeMap<>()).put(instance, "STANDBY"));
    }
    return states;
  }

  /** The external view's LEADER and STANDBY replicas per partition. */
  private static Map<Integer, Map<String, String>> externalView(String resource) {
    ExternalView view = helix.getResourceExternalView(cluster.clusterName(), resource);
    Map<Integer, Map<String, String>> states = new TreeMap<>();
    if (view == null) {
      return states;
    }
    for (String partition : view.getPartitionSet()) {
      int p = Integer.parseInt(partition.substring(resource.length() + 1));
      view.getStateMap(partition).forEach((instance, state) -> {
        if (state.equals("LEADER") || state.equals("STANDBY")) {
          states.computeIfAbsent(p, k -> new TreeMap<>()).put(instance, state);
        }
      });
    }
    return states;
  }

  /** Each store's ideal state: its fields and znode version. */
  private static Map<String, List<Object>> idealStates() {
    Map<String, List<Object>> records = new HashMap<>();
    for (String store : STORES) {
      ZNRecord record = helix.getResourceIdealState(cluster.clusterName(), store + "_v1")
          .getRecord();
      records.put(store, List.of(record.getSimpleFields(), record.getListFields(),
          record.getMapFields(), record.getVersion()));
    }
    return records;
  }
}
