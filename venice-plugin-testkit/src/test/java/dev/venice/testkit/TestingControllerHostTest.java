package dev.venice.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.controller.AdminActionException;
import dev.venice.spi.controller.LeadershipChange;
import dev.venice.spi.controller.PluginStateStore;
import dev.venice.spi.controller.StateConflictException;
import dev.venice.spi.controller.RebalanceScope;
import dev.venice.spi.controller.StateEntry;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link TestingControllerHost}: the state store's ZooKeeper rules and scripted leadership. */
class TestingControllerHostTest {
  private final ManualTimeSource time = new ManualTimeSource();
  private final TestingControllerHost host = new TestingControllerHost("127.0.0.1_7000", time);
  private final PluginStateStore store = host.stateStore();

  @Test
  void conditionalWritesVersionsAndTransactionIdsBehaveAsZooKeepers() {
    StateEntry created = store.create("history/users", bytes("a"));
    assertEquals(0, created.version());
    assertThrows(StateConflictException.class, () -> store.create("history/users", bytes("b")));
    assertThrows(StateConflictException.class, () -> store.update("history/users", bytes("b"), 3));
    assertThrows(StateConflictException.class, () -> store.update("nowhere", bytes("b"), 0));
    StateEntry updated = store.update("history/users", bytes("b"), 0);
    assertEquals(1, updated.version());
    assertTrue(updated.modifiedZxid() > created.createdZxid());
    assertEquals(created.createdZxid(), updated.createdZxid());
    assertTrue(store.read("history").isPresent(), "parents exist, as in ZooKeeper");
    assertEquals(List.of("users"), store.children("history"));
    assertArrayEquals(bytes("b"), store.read("history/users").orElseThrow().data());
    assertThrows(IllegalStateException.class, () -> store.delete("history", -1));
    assertThrows(StateConflictException.class, () -> store.delete("history/users", 0));
    assertTrue(store.delete("history/users", 1));
    assertFalse(store.delete("history/users", -1));
    assertEquals(Optional.empty(), store.read("history/users"));
  }

  @Test
  void pathsAndSizesAreCheckedAndAppendsAreOrdered() {
    for (String bad : List.of("../x", "a//b", "/a", "a/", "a b", ".")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> store.read(bad));
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class,
        () -> store.create("big", new byte[PluginStateStore.MAX_DATA_BYTES + 1]));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      names.add(store.append("log", bytes("e" + i)).name());
    }
    assertEquals(names, store.children("log"), "sequence names sort in creation order");
    assertEquals("0000000000", names.get(0));
  }

  @Test
  void readModifyWriteLosesNoUpdateUnderConcurrentWriters() throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(10);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 10; t++) {
        done.add(writers.submit(() -> {
          for (int i = 0; i < 20; i++) {
            store.update("count", c -> bytes(String.valueOf(c.map(e -> Integer.parseInt(
                new String(e.data(), StandardCharsets.UTF_8))).orElse(0) + 1)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      writers.shutdownNow();
    }
    assertArrayEquals(bytes("200"), store.read("count").orElseThrow().data());
  }

  @Test
  void listenersHearTheCurrentLeadershipThenEveryChangeInOrder() {
    List<LeadershipChange> heard = new ArrayList<>();
    host.gainLeadership();
    Subscription subscription = host.onLeadershipChange(heard::add);
    host.loseLeadership();
    host.loseLeadership(); // no change, nothing told
    host.gainLeadership();
    assertEquals(List.of(true, false, true), heard.stream().map(LeadershipChange::leader)
        .toList());
    assertEquals(heard.get(0).termZxid(), heard.get(1).termZxid(), "a loss names its term");
    assertTrue(heard.get(2).termZxid() > heard.get(0).termZxid(), "a new term, a later id");
    assertEquals(Optional.of("127.0.0.1_7000"), host.leaderInstanceId());
    subscription.close();
    host.loseLeadership();
    assertEquals(3, heard.size());
    assertFalse(host.isLeader());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void adminActionsAreRecordedOnTheLeaderAndRefusedElsewhere() {
    TestingAdminActions actions = host.adminActions();
    host.setVersions("users", List.of(new StoreVersion(1, StoreVersion.Status.ONLINE, 4, 2),
        new StoreVersion(2, StoreVersion.Status.ONLINE, 4, 2)));
    AdminActionException standby = assertThrows(AdminActionException.class,
        () -> actions.rebalance("users", 1, RebalanceScope.REPLICAS, false));
    assertEquals(AdminActionException.Reason.NOT_LEADER, standby.reason());
    host.gainLeadership();
    assertTrue(actions.rebalance("users", 1, RebalanceScope.REPLICAS, false));
    assertFalse(actions.rebalance("users", 2, RebalanceScope.LEADERS, true), "a dry run");
    actions.updateTopicConfigs("users", Map.of("users_rt", Map.of("retention.ms", "5")), false);
    assertEquals(AdminActionException.Reason.NOT_FOUND, assertThrows(AdminActionException.class,
        () -> actions.rebalance("users", 3, RebalanceScope.REPLICAS, false)).reason());
    actions.refuseWith(AdminActionException.Reason.VETOED);
    assertEquals(AdminActionException.Reason.VETOED, assertThrows(AdminActionException.class,
        () -> actions.rebalance("users", 1, RebalanceScope.REPLICAS, false)).reason());
    assertEquals(List.of(
        new TestingAdminActions.Call("rebalance", "users", 1, RebalanceScope.REPLICAS, Map.of(),
            false),
        new TestingAdminActions.Call("rebalance", "users", 2, RebalanceScope.LEADERS, Map.of(),
            true),
        new TestingAdminActions.Call("updateTopicConfigs", "users", 0, null,
            Map.of("users_rt", Map.of("retention.ms", "5")), false)), actions.calls());

    actions.refuseWith(null);
    List<StoreVersion> pushing = List.of(new StoreVersion(1, StoreVersion.Status.ONLINE, 4, 2),
        new StoreVersion(2, StoreVersion.Status.STARTED, 4, 2));
    host.setVersions("users", pushing);
    assertEquals(pushing, host.versions("users"));
    assertTrue(host.versions("users").get(1).pushInProgress());
    assertEquals(AdminActionException.Reason.CONFLICT, assertThrows(AdminActionException.class,
        () -> actions.rebalance("users", 1, RebalanceScope.REPLICAS, false)).reason());
    assertEquals(List.of(), host.versions("nosuchstore"));
  }
}
