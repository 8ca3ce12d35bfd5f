package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.AdminActions;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.controller.ControllerHost;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.controller.StoreVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.function.Executable;

/**
 * The controller services of SPI 1.6 and 1.7 ({@code PluginContext.controller()}) on a local
 * cluster of two controllers, real ZooKeeper and Kafka, through {@link LeadershipProbePlugin}: both
 * controllers' plugins share one state store whose conditional writes lose no update under
 * concurrent writers; a plugin's admin actions run on the leader only, through the admin-mutation
 * path (the hooks see the plugin as the principal, a veto stops them), and change the real topic
 * (read back with a plain Kafka admin client); the leader's plugin hears its gain, and when the
 * leader stops, the other controller's plugin hears its own gain, with a later ZooKeeper term id.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerHostTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    LeadershipProbePlugin.HOSTS.clear();
    cluster = LocalCluster.builder().controllers(2).servers(0).routers(0)
        .controllerConfig("plugins." + LeadershipProbePlugin.ID + ".enabled", "true")
        .controllerConfig("plugins.test-guard.enabled", "true").build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ControllerHost host(VeniceController controller) {
    return LeadershipProbePlugin.HOSTS.get(controller.instanceId());
  }

  @Test
  @Order(1)
  void concurrentReadModifyWritesFromBothControllersLoseNothing() throws Exception {
    List<PluginStateStore> stores = cluster.controllers().stream()
        .map(c -> host(c).stateStore()).toList();
    ExecutorService writers = Executors.newFixedThreadPool(10);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 10; t++) {
        PluginStateStore store = stores.get(t % 2);
        done.add(writers.submit(() -> {
          for (int i = 0; i < 20; i++) {
            store.update("counters/updates", current -> bytes(String.valueOf(
                current.map(e -> Integer.parseInt(text(e))).orElse(0) + 1)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }
    StateEntry counter = stores.get(1).read("counters/updates").orElseThrow();
    assertEquals("200", text(counter));
    assertEquals(199, counter.version(), "one ZooKeeper write per update");
    assertEquals(List.of("updates"), stores.get(0).children("counters"));

    PluginStateStore store = stores.get(0);
    StateEntry created = store.create("flags/a", bytes("x"));
    assertThrows(StateConflictException.class, () -> store.create("flags/a", bytes("y")));
    assertThrows(StateConflictException.class,
        () -> store.update("flags/a", bytes("z"), created.version() + 1));
    StateEntry updated = store.update("flags/a", bytes("z"), created.version());
    assertTrue(updated.modifiedZxid() > created.createdZxid(), "ZooKeeper's own order");
    IllegalArgumentException badPath = assertThrows(IllegalArgumentException.class,
        () -> store.read("../escape"));
    assertTrue(badPath.getMessage().contains("../escape"), badPath.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> store.create("big", new byte[PluginStateStore.MAX_DATA_BYTES + 1]));
    assertTrue(store.delete("flags/a", updated.version()));
    assertEquals(Optional.empty(), store.read("flags/a"));
  }

  @Test
  @Order(2)
  void adminActionsRunOnTheLeaderThroughTheAdminMutationPath() throws Exception {
    VeniceController leader = cluster.leader(WAIT);
    VeniceController standby = cluster.controllers().stream().filter(c -> c != leader)
        .findFirst().orElseThrow();
    LocalCluster.waitFor("the leader's plugin knows it leads", WAIT,
        () -> host(leader).isLeader());
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    for (String store : List.of("clicks", "frozen-clicks")) {
      admin.createStore(Map.of("name", store, "keySchema", Schemas.KEY, "valueSchema",
          Schemas.USER_V1, "partitionCount", 2, "hybrid", Map.of("rewindSeconds", 60,
              "offsetLagThreshold", 10)));
    }
    AdminActions actions = host(leader).adminActions();
    String weekMs = Long.toString(Duration.ofDays(7).toMillis());
    GuardPlugin.SEEN.clear();
    actions.updateTopicConfigs("clicks", Map.of("clicks_rt", Map.of("retention.ms", weekMs)),
        false);
    try (Admin kafka = Admin.create(Map.of("bootstrap.servers",
        cluster.kafkaBootstrapServers()))) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "clicks_rt");
      assertEquals(weekMs, kafka.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS)
          .get(topic).get("retention.ms").value(), "read back by Kafka's own admin client");
    }
    GuardPlugin.Seen seen = GuardPlugin.SEEN.stream()
        .filter(s -> s.mutation().operation() == AdminOperation.UPDATE_TOPIC_CONFIG)
        .findFirst().orElseThrow();
    assertEquals(new Caller("plugin:" + LeadershipProbePlugin.ID, "internal"),
        seen.mutation().caller());
    assertEquals(Map.of("topics", Map.of("clicks_rt", Map.of("retention.ms", weekMs))),
        seen.mutation().requested());
    assertTrue(seen.outcome().success(), seen.toString());

    assertRefused(AdminActionException.Reason.VETOED, "frozen-clicks are frozen",
        () -> actions.updateTopicConfigs("frozen-clicks",
            Map.of("frozen-clicks_rt", Map.of("retention.ms", weekMs)), false));
    assertRefused(AdminActionException.Reason.INVALID, "frozen-clicks_rt",
        () -> actions.updateTopicConfigs("clicks",
            Map.of("frozen-clicks_rt", Map.of("retention.ms", weekMs)), false));
    assertRefused(AdminActionException.Reason.NOT_FOUND, "no version 9",
        () -> actions.updateTopicConfigs("clicks", Map.of("clicks_v9",
            Map.of("retention.ms", weekMs)), false));
    assertRefused(AdminActionException.Reason.NOT_FOUND, "nosuchstore",
        () -> actions.rebalance("nosuchstore", 1, RebalanceScope.REPLICAS, false));
    assertRefused(AdminActionException.Reason.FAILED, "retention.msx",
        () -> actions.updateTopicConfigs("clicks", Map.of("clicks_rt",
            Map.of("retention.msx", "1")), false));
    assertRefused(AdminActionException.Reason.NOT_LEADER, "not the leader",
        () -> host(standby).adminActions().updateTopicConfigs("clicks",
            Map.of("clicks_rt", Map.of("retention.ms", "1")), false));
    assertRefused(AdminActionException.Reason.NOT_FOUND, "no version 1",
        () -> actions.rebalance("clicks", 1, RebalanceScope.REPLICAS, true));
    assertEquals(List.of(), host(standby).versions("clicks"), "no push yet");
    assertEquals(List.of(), host(standby).versions("nosuchstore"));

    // a push with no server to write it stays in progress: no replica rebalance meanwhile
    int pushing = admin.startPush("clicks").number();
    assertEquals(List.of(new StoreVersion(pushing, StoreVersion.Status.STARTED, 2, 1)),
        host(standby).versions("clicks"), "read from ZooKeeper by any controller");
    assertRefused(AdminActionException.Reason.CONFLICT, "being pushed",
        () -> actions.rebalance("clicks", pushing, RebalanceScope.REPLICAS, false));
    assertFalse(actions.rebalance("clicks", pushing, RebalanceScope.LEADERS, true), "a dry run");
    admin.killPush("clicks", pushing);
  }

  private static void assertRefused(AdminActionException.Reason reason, String named,
      Executable action) {
    AdminActionException refused = assertThrows(AdminActionException.class, action);
    assertEquals(reason, refused.reason(), refused.getMessage());
    assertTrue(refused.getMessage().contains(named), refused.getMessage());
  }

  @Test
  @Order(3)
  void whenTheLeaderStopsTheOtherControllersPluginHearsItsGainWithALaterTerm() throws Exception {
    VeniceController first = cluster.leader(WAIT);
    VeniceController second = cluster.controllers().stream().filter(c -> c != first)
        .findFirst().orElseThrow();
    LocalCluster.waitFor("the leader's plugin hears its gain", WAIT,
        () -> host(first).isLeader() && events().size() >= 1);
    assertFalse(host(second).isLeader());
    assertEquals(Optional.of(first.instanceId()), host(second).leaderInstanceId());

    cluster.stopController(first);
    LocalCluster.waitFor("the other controller's plugin hears its gain", WAIT,
        () -> host(second).isLeader() && events().size() >= 3);
    List<String> events = events();
    assertEquals(3, events.size(), events.toString());
    String[] gained = events.get(0).split(" ");
    String[] lost = events.get(1).split(" ");
    String[] next = events.get(2).split(" ");
    assertEquals(List.of("gained", first.instanceId()), List.of(gained[0], gained[1]));
    assertEquals(List.of("lost", first.instanceId(), gained[2]),
        List.of(lost[0], lost[1], lost[2]), "a loss names the term it ends");
    assertEquals(List.of("gained", second.instanceId()), List.of(next[0], next[1]));
    assertTrue(Long.parseLong(next[2]) > Long.parseLong(gained[2]),
        "terms ordered by ZooKeeper's transaction ids: " + events);
  }

  /** The probe's recorded events, in ZooKeeper's creation order. */
  private static List<String> events() {
    PluginStateStore store = host(cluster.controllers().get(cluster.controllers().size() - 1))
        .stateStore();
    List<String> events = new ArrayList<>();
    for (String name : store.children("events")) {
      store.read("events/" + name).ifPresent(e -> events.add(text(e)));
    }
    return events;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(StateEntry entry) {
    return new String(entry.data(), StandardCharsets.UTF_8);
  }
}
