package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.router.VeniceRouter;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.Replica;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.ClusterView;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.host.HostServices;
import dev.venice.spi.host.RoutingService;
import dev.venice.spi.plugin.ProcessKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster view every controller, router and server offers its plugins ({@code
 * HostServices.cluster()}), end to end on one local cluster: who is live (and who leaves), the
 * replica states of a pushed version, the controller's routing, and per-member results of calls to
 * a plugin endpoint on every process. The last test stops a server, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterViewTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String STORE = "viewed";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void startClusterAndPush() throws Exception {
    ClusterEchoPlugin.HOSTS.clear();
    String enabled = "plugins." + ClusterEchoPlugin.ID + ".enabled";
    cluster = LocalCluster.builder().servers(3).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .controllerConfig(enabled, "true").serverConfig(enabled, "true")
        .routerConfig(enabled, "true").build();
    new ControllerClient(cluster.controllerUrl()).createStore(STORE, Schemas.KEY,
        Schemas.USER_V1, 2, 2);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    PushJob.create(cluster.controllerUrl(), STORE,
        Files.write(dir.resolve("viewed.jsonl"), lines)).run();
    cluster.awaitVersionOnline(STORE, 1, WAIT);
    cluster.awaitRoutable(STORE, WAIT);
  }

  @AfterAll
  static void stopCluster() {
    ClusterEchoPlugin.release.countDown();
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The controller's host services, as its plugins receive them. */
  private static HostServices controllerHost() {
    return ClusterEchoPlugin.HOSTS.get(cluster.controllers().get(0).instanceId());
  }

  private static ClusterView controllerView() {
    return controllerHost().cluster().orElseThrow();
  }

  private static Set<String> expectedIds() {
    Set<String> ids = new TreeSet<>();
    cluster.controllers().forEach(c -> ids.add(c.instanceId()));
    cluster.routers().forEach(r -> ids.add(r.instanceId()));
    cluster.servers().forEach(s -> ids.add(s.instanceId()));
    return ids;
  }

  private static Set<String> ids(List<ClusterMember> members) {
    return members.stream().map(ClusterMember::instanceId).collect(Collectors.toCollection(
        TreeSet::new));
  }

  @Test
  @Order(1)
  void membersAreEveryControllerRouterAndServerWithWorkingAdminUrls() throws Exception {
    ClusterView view = controllerView();
    assertSame(cluster.controllers().get(0).clusterView(), view, "the plugin sees the host's view");
    assertEquals(5, expectedIds().size());
    for (ClusterView v : List.of(view, cluster.routers().get(0).clusterView(),
        cluster.servers().get(0).clusterView(), cluster.servers().get(2).clusterView())) {
      LocalCluster.waitFor(() -> "every process in the view; it lists " + v.members(), WAIT,
          () -> ids(v.members()).equals(expectedIds()));
    }

    List<ClusterMember> members = view.members();
    assertEquals(List.of(ProcessKind.SERVER, ProcessKind.SERVER, ProcessKind.SERVER,
        ProcessKind.ROUTER, ProcessKind.CONTROLLER),
        members.stream().map(ClusterMember::kind).toList(), "sorted by kind: " + members);
    ClusterMember controller = view.members(ProcessKind.CONTROLLER).get(0);
    assertEquals(cluster.controllerUrl(), controller.adminUrl());
    assertTrue(controller.grpcAddress().matches("127\\.0\\.0\\.1:\\d+"),
        "a controller's gRPC port serves plugins' services: " + controller.grpcAddress());
    assertTrue(controller.instanceId().matches("127\\.0\\.0\\.1_\\d+"), controller.instanceId());
    assertEquals(controller.instanceId(), controllerHost().instanceId());
    VeniceRouter router = cluster.routers().get(0);
    ClusterMember routerMember = view.members(ProcessKind.ROUTER).get(0);
    assertEquals(new ClusterMember(router.instanceId(), ProcessKind.ROUTER, router.adminUrl(),
        "127.0.0.1:" + router.grpcPort()), routerMember);
    for (VeniceServer server : cluster.servers()) {
      assertTrue(members.contains(new ClusterMember(server.instanceId(), ProcessKind.SERVER,
          server.adminUrl(), "127.0.0.1:" + server.grpcPort())), server.instanceId());
    }
    for (ClusterMember member : members) {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
              URI.create(member.adminUrl() + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, health.statusCode(), member + ": " + health.body());
    }
  }

  @Test
  @Order(2)
  void replicaStatesShowALeaderAndAStandbyPerPartition() {
    Set<String> servers = cluster.servers().stream().map(VeniceServer::instanceId)
        .collect(Collectors.toSet());
    for (ClusterView view : List.of(controllerView(), cluster.routers().get(0).clusterView(),
        cluster.servers().get(1).clusterView())) {
      LocalCluster.waitFor(() -> "a LEADER and a STANDBY per partition; states "
          + view.replicaStates(STORE, 1), WAIT, () -> {
            Map<Integer, Map<String, String>> states = view.replicaStates(STORE, 1);
            return states.keySet().equals(Set.of(0, 1)) && states.values().stream().allMatch(
                replicas -> replicas.size() == 2
                    && List.copyOf(new TreeSet<>(replicas.values()))
                        .equals(List.of("LEADER", "STANDBY")));
          });
      view.replicaStates(STORE, 1).values().forEach(replicas ->
          assertTrue(servers.containsAll(replicas.keySet()), replicas.toString()));
      assertEquals(Map.of(), view.replicaStates(STORE, 7));
      assertEquals(Map.of(), view.replicaStates("no-such-store", 1));
    }
  }

  @Test
  @Order(3)
  void theControllerRoutesToReadyReplicasLeaderFirst() {
    RoutingService routing = controllerHost().routing().orElseThrow();
    Map<Integer, Map<String, String>> states = controllerView().replicaStates(STORE, 1);
    for (int partition = 0; partition < 2; partition++) {
      int p = partition;
      LocalCluster.waitFor("two ready replicas of partition " + p, WAIT,
          () -> routing.readyReplicas(STORE, 1, p).size() == 2);
      List<Replica> replicas = routing.readyReplicas(STORE, 1, p);
      assertEquals("LEADER", states.get(p).get(replicas.get(0).instanceId()), "leader first");
      assertEquals("STANDBY", states.get(p).get(replicas.get(1).instanceId()));
      for (Replica replica : replicas) {
        VeniceServer server = cluster.servers().stream()
            .filter(s -> s.instanceId().equals(replica.instanceId())).findFirst().orElseThrow();
        assertEquals(new Replica(server.instanceId(), "127.0.0.1", server.grpcPort()), replica);
      }
    }
    assertEquals(List.of(), routing.readyReplicas(STORE, 9, 0));
  }

  @Test
  @Order(4)
  void callPluginAnswersPerMemberAndASlowMemberFailsAlone() throws Exception {
    ClusterView view = controllerView();
    LocalCluster.waitFor("every process listed", WAIT,
        () -> ids(view.members()).equals(expectedIds()));
    List<ClusterMember> members = view.members();

    List<EndpointResult> results = view.callPlugin(members, ClusterEchoPlugin.ID, "",
        Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS);
    assertEquals(members, results.stream().map(EndpointResult::member).toList());
    for (EndpointResult result : results) {
      assertTrue(result.ok(), result.toString());
      JsonNode body = JSON.readTree(result.body());
      assertEquals(result.member().instanceId(), body.get("instanceId").asText());
      assertEquals(result.member().kind().id(), body.get("kind").asText());
    }

    // One server does not answer in time: its result says so, every other member answers.
    String slow = cluster.servers().get(1).instanceId();
    ClusterEchoPlugin.release = new CountDownLatch(1);
    ClusterEchoPlugin.slowInstance = slow;
    try {
      List<EndpointResult> slowCall = view.callPlugin(members, ClusterEchoPlugin.ID, "slow",
          Duration.ofMillis(1500)).get(30, TimeUnit.SECONDS);
      for (EndpointResult result : slowCall) {
        if (result.member().instanceId().equals(slow)) {
          assertEquals("timed out after 1500 ms", result.error(), result.toString());
          assertEquals(0, result.status());
        } else {
          assertTrue(result.ok(), result.toString());
        }
      }
    } finally {
      ClusterEchoPlugin.slowInstance = null;
      ClusterEchoPlugin.release.countDown();
    }

    // An endpoint the plugin does not have is an answer (404), not an error.
    EndpointResult missing = view.callPlugin(members.subList(0, 1), "no-such-plugin", "x",
        Duration.ofSeconds(10)).get(30, TimeUnit.SECONDS).get(0);
    assertNull(missing.error());
    assertEquals(404, missing.status());
  }

  @Test
  @Order(5)
  void aStoppedServerLeavesTheViewAndOnlyItsCallFails() throws Exception {
    ClusterView view = controllerView();
    ClusterView routerView = cluster.routers().get(0).clusterView();
    LocalCluster.waitFor("every process listed", WAIT,
        () -> ids(view.members()).equals(expectedIds()));
    List<ClusterMember> before = view.members();
    VeniceServer stopped = cluster.servers().get(2);
    String gone = stopped.instanceId();

    cluster.stopServer(stopped);

    for (ClusterView v : List.of(view, routerView)) {
      LocalCluster.waitFor(() -> gone + " out of the view; it lists " + v.members(), WAIT,
          () -> !ids(v.members()).contains(gone));
      assertEquals(expectedIds(), ids(v.members()));
    }
    List<EndpointResult> results = view.callPlugin(before, ClusterEchoPlugin.ID, "",
        Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
    assertEquals(before.size(), results.size());
    for (EndpointResult result : results) {
      if (result.member().instanceId().equals(gone)) {
        assertNotNull(result.error(), result.toString());
        assertEquals("connection refused", result.error());
      } else {
        assertTrue(result.ok(), result.toString());
      }
    }
  }
}
