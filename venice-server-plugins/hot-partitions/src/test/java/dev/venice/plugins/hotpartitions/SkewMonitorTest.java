package dev.venice.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.host.Subscription;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.Await;
import dev.venice.testkit.CapturingLogger;
import dev.venice.testkit.TestingClusterView;
import dev.venice.testkit.TestingPluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The controller's monitor on the testkit's cluster view and a manual clock: a silent server
 * holding replicas keeps the store from being judged (and from inflating its skew); a store
 * switched off or deleted loses its skew gauge; the WARN is logged when a partition becomes hot
 * and then every {@link SkewMonitor#REMIND_EVERY}, not every evaluation; a refresh during an
 * evaluation in flight, or less than {@link SkewMonitor#REUSE} after one, reuses it.
 */
class SkewMonitorTest {
  private static final String SKEW = "p.skew";
  private static final ClusterMember S1 = new ClusterMember("s1", ProcessKind.SERVER,
      "http://s1", null);
  private static final ClusterMember S2 = new ClusterMember("s2", ProcessKind.SERVER,
      "http://s2", null);

  private final TestingPluginContext controller;
  private final TestingClusterView view;
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final CapturingLogger log = new CapturingLogger("venice.plugin.hot-partitions");
  private final SkewMonitor monitor;
  /** What each server answers: its rates JSON, or {@code null} for a timeout. */
  private final Map<String, String> answers = new ConcurrentHashMap<>();

  SkewMonitorTest() throws Exception {
    controller = TestingPluginContext.builder(new HotPartitionsPlugin())
        .processKind(ProcessKind.CONTROLLER).build();
    view = controller.host().clusterView();
    view.members(List.of(S1, S2)).answerWith(call -> {
      String body = answers.get(call.member().instanceId());
      return body == null ? new EndpointResult(call.member(), 0, "", "timed out after 5000 ms")
          : new EndpointResult(call.member(), 200, body, null);
    });
    StoreMetadataService stores = new StoreMetadataService() {
      @Override
      public List<String> storeNames() {
        return controller.stores().storeNames().stream().filter(s -> !deleted.contains(s))
            .toList();
      }

      @Override
      public Optional<StoreInfo> store(String name) {
        return deleted.contains(name) ? Optional.empty() : controller.stores().store(name);
      }

      @Override
      public Subscription addListener(Consumer<StoreInfo> listener) {
        return controller.stores().addListener(listener);
      }
    };
    monitor = new SkewMonitor(view, stores, controller::enabledForStore,
        controller.storeSettings(HotPartitionsConfig::from), Duration.ofSeconds(5),
        controller.time(), log, new HotPartitionsMetrics.Controller(controller.meterRegistry(),
            "p."));
  }

  @AfterEach
  void close() {
    controller.close();
  }

  /** A server's rates answer: {@code rates[p]} lookups/s for partition p of users v1. */
  private static String rates(double... rates) {
    StringBuilder json = new StringBuilder("{\"windowSeconds\":1.0,\"partitions\":[");
    for (int p = 0; p < rates.length; p++) {
      if (rates[p] > 0) {
        json.append(json.charAt(json.length() - 1) == '[' ? "" : ",").append(
            "{\"store\":\"users\",\"version\":1,\"partition\":").append(p).append(",\"rate\":")
            .append(rates[p]).append(",\"error\":0}");
      }
    }
    return json.append("]}").toString();
  }

  /** users, version 1, 12 partitions: 0 to 5 on s1, 6 to 11 on s2. */
  private void users() {
    controller.stores().put(new StoreInfo("users", 1, 12, 1, "NO_OP", false, Map.of()));
    Map<Integer, Map<String, String>> states = new HashMap<>();
    for (int p = 0; p < 12; p++) {
      states.put(p, Map.of(p < 6 ? "s1" : "s2", "LEADER"));
    }
    view.replicaStates("users", 1, states);
  }

  /** Partition 0 at 1,000/s, 1 to 5 at 100/s on s1; s2 (6 to 11) at 100/s or silent. */
  private void answers(boolean s2Answers) {
    answers.put("s1", rates(1000, 100, 100, 100, 100, 100));
    if (s2Answers) {
      answers.put("s2", rates(0, 0, 0, 0, 0, 0, 100, 100, 100, 100, 100, 100));
    } else {
      answers.remove("s2");
    }
  }

  private SkewEvaluator.Evaluation evaluateAll() throws Exception {
    controller.time().advance(SkewMonitor.REUSE);
    return monitor.evaluateAll().get(0).evaluation();
  }

  @Test
  void aSilentServerHoldingReplicasNeitherInflatesTheSkewNorMakesAPartitionHot()
      throws Exception {
    users();
    controller.putStoreSettings("users", Map.of("skew-threshold", "3"));
    answers(true);
    SkewEvaluator.Evaluation all = evaluateAll();
    assertEquals(2100 / 12.0, all.meanRate(), 1e-9);
    assertEquals(List.of(0), all.hotPartitions(), "1000 >= 3 x 175");

    answers(false); // s2 times out: as if its six partitions were idle, the skew would be 8
    SkewEvaluator.Evaluation partial = evaluateAll();
    assertEquals(6, partial.countedPartitions());
    assertEquals(1500 / 6.0, partial.meanRate(), 1e-9);
    assertEquals(4.0, partial.skew(), 1e-9, "over the six partitions s1 holds");
    assertTrue(partial.hotPartitions().isEmpty(), partial.toString());
    assertTrue(partial.note().contains("partitions [6, 7, 8, 9, 10, 11] did not answer (s2)"),
        partial.note());
    assertEquals(4.0, controller.meterRegistry().get(SKEW).tag("store", "users").gauge()
        .value(), 1e-9);

    // s2 no longer holds replicas of version 1 (moved to s1): its silence does not matter
    Map<Integer, Map<String, String>> onS1 = new HashMap<>();
    for (int p = 0; p < 12; p++) {
      onS1.put(p, Map.of("s1", "LEADER", "s2", "OFFLINE"));
    }
    view.replicaStates("users", 1, onS1);
    SkewEvaluator.Evaluation moved = evaluateAll();
    assertNull(moved.note());
    assertEquals(12, moved.countedPartitions());
    assertEquals(List.of(0), moved.hotPartitions());
  }

  @Test
  void aStoreSwitchedOffOrDeletedLosesItsSkewGauge() throws Exception {
    users();
    controller.stores().put(new StoreInfo("other", 1, 12, 1, "NO_OP", false, Map.of()));
    answers(true);
    evaluateAll();
    assertEquals(2, controller.meterRegistry().find(SKEW).gauges().size());

    controller.putStoreSettings("users", Map.of(TestingPluginContext.ENABLED, "false"));
    evaluateAll();
    assertEquals(List.of("other"), controller.meterRegistry().find(SKEW).gauges().stream()
        .map(g -> g.getId().getTag("store")).toList(), "users switched off");

    deleted.add("other");
    evaluateAll();
    assertTrue(controller.meterRegistry().find(SKEW).gauges().isEmpty(), "other deleted");
    assertTrue(monitor.latest("other").isEmpty());

    controller.putStoreSettings("users", Map.of(TestingPluginContext.ENABLED, "true"));
    evaluateAll();
    assertEquals(1, controller.meterRegistry().find(SKEW).gauges().size(), "back on");
  }

  @Test
  void theWarningIsLoggedWhenAPartitionBecomesHotThenOnlyAsAReminder() throws Exception {
    users();
    controller.putStoreSettings("users", Map.of("skew-threshold", "3"));
    answers(true);
    for (int i = 0; i < 20; i++) {
      evaluateAll(); // 20 evaluations, one second apart
    }
    assertEquals(1, log.messagesAt(Level.WARN).size(), log.messagesAt(Level.WARN).toString());
    assertTrue(log.messagesAt(Level.WARN).get(0).startsWith("hot partition detected: store=users"
        + " version=1 partition=0 rate=1000.0"), log.messagesAt(Level.WARN).get(0));

    controller.time().advance(SkewMonitor.REMIND_EVERY.minusSeconds(21));
    evaluateAll(); // exactly REMIND_EVERY after the first
    evaluateAll();
    assertEquals(2, log.messagesAt(Level.WARN).size(), log.messagesAt(Level.WARN).toString());
    assertTrue(log.messagesAt(Level.WARN).get(1).startsWith("hot partition still hot: store=users"
        + " version=1 partition=0 since=2026-01-01T00:00:01Z"), log.messagesAt(Level.WARN).get(1));

    answers.put("s1", rates(100, 100, 100, 100, 100, 100)); // even: no longer hot
    evaluateAll();
    assertTrue(log.messagesAt(Level.INFO).stream().anyMatch(l -> l.startsWith(
        "hot partition no longer hot: store=users partition=0")), log.messagesAt(Level.INFO).toString());
    answers(true); // hot again: a new transition, a new WARN at once
    evaluateAll();
    assertEquals(3, log.messagesAt(Level.WARN).size(), log.messagesAt(Level.WARN).toString());
    assertEquals(23.0, controller.meterRegistry().get("p.hot.partition.detected")
        .tag("partition", "0").counter().count(), "every evaluation still counts it");
  }

  @Test
  void aRefreshReusesTheEvaluationInFlightOrOneLessThanASecondOld() throws Exception {
    users();
    answers(true);
    CountDownLatch release = new CountDownLatch(1);
    view.answerWith(call -> {
      try {
        assertTrue(release.await(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return new EndpointResult(call.member(), 200, answers.get(call.member().instanceId()),
          null);
    });
    AtomicReference<List<SkewMonitor.Report>> background = new AtomicReference<>();
    Thread task = new Thread(() -> {
      try {
        background.set(monitor.evaluateAll());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    task.start();
    Await.until(() -> view.calls().size() == 1, () -> "the gather started");
    AtomicReference<SkewMonitor.Report> refreshed = new AtomicReference<>();
    Thread refresh = new Thread(() -> {
      try {
        refreshed.set(monitor.evaluate("users"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    refresh.start();
    Await.until(() -> refresh.getState() == Thread.State.WAITING,
        () -> "the refresh waiting for the gather in flight, " + refresh.getState());
    assertTrue(monitor.latest().isEmpty(), "nothing published while gathering, no lock held");
    release.countDown();
    task.join(10_000);
    refresh.join(10_000);
    assertSame(background.get().get(0), refreshed.get(), "the refresh got the one in flight");
    assertEquals(2, view.calls().size(), "each server asked once");

    controller.time().advance(Duration.ofMillis(900));
    assertSame(refreshed.get(), monitor.evaluate("users"), "0.9 s old: reused");
    assertEquals(2, view.calls().size());
    controller.time().advance(Duration.ofMillis(100));
    monitor.evaluate("users");
    assertEquals(List.of("rates?store=users", "rates?store=users"), view.calls().subList(2, 4)
        .stream().map(TestingClusterView.PluginCall::path).toList(), "1 s old: asked again");
    assertEquals(new ArrayList<>(List.of("users")), monitor.latest().stream()
        .map(SkewMonitor.Report::store).toList());
  }
}
