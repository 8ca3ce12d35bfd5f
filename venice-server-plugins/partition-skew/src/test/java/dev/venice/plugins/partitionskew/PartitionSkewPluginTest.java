package dev.venice.plugins.partitionskew;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.host.PartitionStats;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.Await;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingClusterView;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingHostServices;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring in both process kinds: the server's snapshots and endpoint,
 * the controller's report over a testing cluster view, and the end-of-push check.
 */
class PartitionSkewPluginTest extends PluginContractTest<PartitionSkewPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ClusterMember A = new ClusterMember("a_1", ProcessKind.SERVER,
      "http://a:1", null);
  private static final ClusterMember B = new ClusterMember("b_2", ProcessKind.SERVER,
      "http://b:2", null);
  private static final ClusterMember C = new ClusterMember("c_3", ProcessKind.SERVER,
      "http://c:3", null);

  @Override
  protected PartitionSkewPlugin newPlugin() {
    return new PartitionSkewPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.SERVER, ProcessKind.CONTROLLER);
  }

  @Override
  protected TestingPluginContext.Builder contextBuilder(PartitionSkewPlugin plugin) {
    return TestingPluginContext.builder(plugin).host(new TestingHostServices().storageStats(
        List.of(new PartitionStats("users", 1, 0, 10, 100))));
  }

  /** A server: a background run, the endpoint with and without refresh. */
  @Override
  protected void exercise(PartitionSkewPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    extensions.backgroundTasks().get(0).run();
    extensions.endpoint("partitions").handle(get("partitions", Map.of()));
    extensions.endpoint("partitions").handle(get("partitions", Map.of("refresh", "true")));
  }

  private static PluginHttpRequest get(String path, Map<String, String> query) {
    return new PluginHttpRequest("GET", path, query.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), Map.of(), new byte[0]);
  }

  private static JsonNode json(PluginHttpResponse response) throws Exception {
    return JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
  }

  // ---- server ---------------------------------------------------------------------------

  @Test
  void theServerServesTheHostsStorageStats() throws Exception {
    try (TestingPluginContext context = contextBuilder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      assertEquals(Duration.ofSeconds(30), added.backgroundTasks().get(0).interval());
      JsonNode first = json(added.endpoint("partitions").handle(get("partitions", Map.of())));
      assertFalse(first.path("takenAtMillis").isNull(), "the first request takes a snapshot");
      assertEquals(context.time().now().toEpochMilli(), first.path("takenAtMillis").asLong(),
          "stamped with the injected clock");
      assertEquals("localhost_7000", first.path("instance").asText());
      assertEquals(1, first.path("partitions").size());
      assertEquals(10, first.path("partitions").get(0).path("records").asLong());
    }
  }

  @Test
  void theServerEndpointFiltersByStoreAndVersionAndRefreshes() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    List<PartitionStats> stats = List.of(new PartitionStats("users", 1, 0, 10, 100),
        new PartitionStats("users", 2, 0, 20, 200), new PartitionStats("users", 2, 1, 30, 300),
        new PartitionStats("other", 1, 0, 5, 50));
    StatsSnapshots snapshots = new StatsSnapshots(() -> {
      reads.incrementAndGet();
      return stats;
    }, dev.venice.spi.plugin.TimeSource.SYSTEM);
    PartitionsEndpoint endpoint = new PartitionsEndpoint(snapshots, Runnable::run,
        Duration.ofSeconds(1), "a_1");
    JsonNode all = json(endpoint.handle(get("partitions", Map.of())));
    assertEquals(1, reads.get(), "no snapshot yet: one is taken");
    assertEquals(4, all.path("partitions").size());
    JsonNode v2 = json(endpoint.handle(get("partitions", Map.of("store", "users",
        "version", "2"))));
    assertEquals(1, reads.get(), "served from the snapshot, storage not read");
    assertEquals(2, v2.path("partitions").size());
    assertEquals(30, v2.path("partitions").get(1).path("records").asLong());
    assertEquals(300, v2.path("partitions").get(1).path("bytes").asLong());
    assertFalse(v2.path("stale").asBoolean());
    endpoint.handle(get("partitions", Map.of("refresh", "true")));
    assertEquals(2, reads.get(), "refresh takes a new snapshot");
    assertEquals(400, endpoint.handle(get("partitions", Map.of("version", "0"))).status());
    assertEquals(400, endpoint.handle(get("partitions", Map.of("refresh", "yes"))).status());
    assertEquals(405, endpoint.handle(new PluginHttpRequest("POST", "partitions", Map.of(),
        Map.of(), new byte[0])).status());
  }

  @Test
  void aRefreshThatDoesNotComeInTimeServesTheLastSnapshotMarkedStale() throws Exception {
    StatsSnapshots snapshots = new StatsSnapshots(() -> List.of(
        new PartitionStats("users", 1, 0, 10, 100)), dev.venice.spi.plugin.TimeSource.SYSTEM);
    snapshots.take();
    PartitionsEndpoint endpoint = new PartitionsEndpoint(snapshots, task -> { }, // never runs
        Duration.ofMillis(20), "a_1");
    JsonNode answer = json(endpoint.handle(get("partitions", Map.of("refresh", "true"))));
    assertTrue(answer.path("stale").asBoolean());
    assertEquals(1, answer.path("partitions").size());
  }

  @Test
  void theServerMetersCountSnapshots() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      context.host().storageStats(List.of(new PartitionStats("users", 1, 0, 10, 100),
          new PartitionStats("users", 1, 1, 10, 100)));
      TestingExtensions added = context.start();
      added.backgroundTasks().get(0).run();
      added.backgroundTasks().get(0).run();
      assertEquals(2.0, context.meterRegistry().get("venice.server.partition.skew.snapshots")
          .functionCounter().count());
      assertEquals(2.0, context.meterRegistry().get(
          "venice.server.partition.skew.snapshot.partitions").gauge().value());
    }
  }

  // ---- controller -----------------------------------------------------------------------

  /** A server's answer: partitions of users v1 with the given record counts. */
  private static String body(String instance, int version, Map<Integer, Long> records) {
    List<Map<String, Object>> rows = new ArrayList<>();
    records.forEach((p, n) -> rows.add(Map.of("store", "users", "version", version,
        "partition", p, "records", n, "bytes", n * 10)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", instance);
    body.put("takenAtMillis", 1);
    body.put("stale", false);
    body.put("partitions", rows);
    try {
      return JSON.writeValueAsString(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TestingPluginContext controller(Map<String, String> config) throws Exception {
    TestingPluginContext context = TestingPluginContext.builder(new PartitionSkewPlugin())
        .processKind(ProcessKind.CONTROLLER).config(config).build();
    context.stores().put(new StoreInfo("users", 1, 4, 2, "NO_OP", false, Map.of()));
    context.host().clusterView().members(List.of(A, B, C));
    return context;
  }

  @Test
  void theControllerReportsTheLeadersNumbersAndNamesServersNotAnswering() throws Exception {
    try (TestingPluginContext context = controller(Map.of())) {
      TestingClusterView view = context.host().clusterView();
      // partitions 0..3, two replicas each; a_1 leads 0 and 1, b_2 leads 2 and 3; c_3 is down
      view.replicaStates("users", 1, Map.of(0, Map.of("a_1", "LEADER", "b_2", "STANDBY"),
          1, Map.of("a_1", "LEADER", "b_2", "STANDBY"), 2, Map.of("b_2", "LEADER", "c_3",
              "STANDBY"), 3, Map.of("b_2", "LEADER", "c_3", "STANDBY")));
      view.answerWith(call -> switch (call.member().instanceId()) {
        case "a_1" -> new EndpointResult(call.member(), 200,
            body("a_1", 1, Map.of(0, 100L, 1, 100L)), null);
        case "b_2" -> new EndpointResult(call.member(), 200,
            body("b_2", 1, Map.of(0, 999L, 1, 90L, 2, 100L, 3, 500L)), null);
        default -> new EndpointResult(call.member(), 0, "", "timed out after 5000 ms");
      });
      TestingExtensions added = context.start();
      JsonNode report = json(added.endpoint("").handle(get("skew", Map.of("store", "users"))));
      assertEquals(1, report.path("version").asInt(), "the current version by default");
      JsonNode rows = report.path("partitions");
      assertEquals(4, rows.size());
      assertEquals(100, rows.get(0).path("records").asLong(), "the leader's, not the most");
      assertEquals("a_1", rows.get(0).path("replica").asText());
      assertEquals("leader", rows.get(0).path("reason").asText());
      assertEquals(2, rows.get(0).path("replicasAnswered").asInt());
      assertEquals("b_2", rows.get(3).path("replica").asText());
      JsonNode records = report.path("records");
      assertEquals(4, records.path("partitions").asInt());
      assertEquals(100, records.path("min").asLong());
      assertEquals(500, records.path("max").asLong());
      assertEquals(200.0, records.path("mean").asDouble(), 1e-9);
      assertEquals(Math.sqrt(30000), records.path("stddev").asDouble(), 1e-9);
      assertEquals(500, records.path("p99").asLong());
      assertEquals(Math.sqrt(30000) / 200, records.path("cv").asDouble(), 1e-9);
      assertEquals(5000, report.path("bytes").path("max").asLong());
      assertEquals("c_3", report.path("serversNotAnswering").get(0).path("instance").asText());
      assertTrue(report.path("serversNotAnswering").get(0).path("reason").asText()
          .contains("timed out"));
      assertEquals(List.of("a_1", "b_2"), JSON.convertValue(report.path("serversAnswered"),
          List.class));
      assertTrue(view.calls().stream().allMatch(c -> c.path().equals(
          "partitions?store=users&version=1") && c.pluginId().equals("partition-skew")),
          String.valueOf(view.calls()));
      assertEquals(1.0, context.meterRegistry().get(
          "venice.controller.partition.skew.gather.unanswered").counter().count());
    }
  }

  @Test
  void theControllerRefusesUnknownStoresAndBadParametersInOneLine() throws Exception {
    try (TestingPluginContext context = controller(Map.of())) {
      context.stores().put(new StoreInfo("empty", 0, 4, 2, "NO_OP", false, Map.of()));
      TestingExtensions added = context.start();
      assertError(added, "skew", Map.of(), 400, "store parameter is missing");
      assertError(added, "skew", Map.of("store", "nope"), 404, "store nope does not exist");
      assertError(added, "skew", Map.of("store", "empty"), 404, "no current version");
      assertError(added, "skew", Map.of("store", "users", "version", "x"), 400, "version x");
      assertError(added, "nothing", Map.of(), 404, "no such path");
    }
  }

  private static void assertError(TestingExtensions added, String path, Map<String, String> query,
      int status, String named) throws Exception {
    PluginHttpResponse answer = added.endpoint("").handle(get(path, query));
    String body = new String(answer.body(), StandardCharsets.UTF_8);
    assertEquals(status, answer.status(), body);
    assertTrue(body.contains(named), body);
    assertFalse(body.contains("\n"), "one line: " + body);
  }

  private static AdminMutation swap(String store, Map<String, Object> requested) {
    return new AdminMutation(AdminOperation.SWAP_VERSION, "test-cluster", store,
        new Caller("controller", "127.0.0.1"), Instant.EPOCH, Map.of(), requested, false);
  }

  @Test
  void theEndOfASkewedPushIsWarnedAboutAndAUniformOneIsNot() throws Exception {
    try (TestingPluginContext context = controller(Map.of("min-records", "100"))) {
      context.stores().put(new StoreInfo("flat", 1, 4, 1, "NO_OP", false, Map.of()));
      TestingClusterView view = context.host().clusterView();
      view.answerWith(call -> {
        if (!call.path().contains("refresh=true")) {
          return new EndpointResult(call.member(), 500, "", null);
        }
        if (call.path().contains("store=flat")) {
          return new EndpointResult(call.member(), 200, body(call.member().instanceId(), 1,
              Map.of(0, 250L, 1, 240L, 2, 260L, 3, 250L)).replace("users", "flat"), null);
        }
        return new EndpointResult(call.member(), 200, body(call.member().instanceId(), 1,
            Map.of(0, 900L, 1, 30L, 2, 40L, 3, 30L)), null);
      });
      TestingExtensions added = context.start();
      AdminMutationHook hook = added.adminMutationHooks().get(0);
      hook.after(swap("users", Map.of("version", 1)), new AdminOutcome(true, null, Map.of()));
      hook.after(swap("users", Map.of("version", 1, "status", "ONLINE")),
          new AdminOutcome(false, "failed", Map.of()));
      hook.after(swap("users", Map.of("version", 1, "status", "ONLINE")),
          new AdminOutcome(true, null, Map.of()));
      hook.after(swap("flat", Map.of("version", 1, "status", "ONLINE")),
          new AdminOutcome(true, null, Map.of()));
      Await.until(() -> checks(added, "checks").size() == 2, Duration.ofSeconds(10),
          () -> "both checks: " + checks(added, "checks"));
      Map<String, JsonNode> checks = checks(added, "checks");
      assertEquals("warned", checks.get("users").path("result").asText());
      assertEquals(0, checks.get("users").path("largestPartition").path("partition").asInt());
      assertEquals(900, checks.get("users").path("largestPartition").path("records").asLong());
      assertTrue(checks.get("users").path("cv").asDouble() > 0.5);
      assertEquals("ok", checks.get("flat").path("result").asText());
      assertEquals(Set.of("users"), checks(added, "warnings").keySet());
      assertEquals(1.0, context.meterRegistry().get(
          "venice.controller.partition.skew.push.warnings").tag("store", "users").counter()
          .count());
      assertEquals(1.0, context.meterRegistry().get(
          "venice.controller.partition.skew.push.checks").tag("result", "ok").counter().count());
      assertEquals(2 * 3, view.calls().size(), "one gather per check; a rollback, a failed swap"
          + " are not checked");
    }
  }

  @Test
  void theStoresThresholdAndMinimumApply() throws Exception {
    try (TestingPluginContext context = controller(Map.of())) {
      context.host().clusterView().answerWith(call -> new EndpointResult(call.member(), 200,
          body(call.member().instanceId(), 1, Map.of(0, 900L, 1, 30L, 2, 40L, 3, 30L)), null));
      TestingExtensions added = context.start();
      context.putStoreSettings("users", Map.of("cv-warning-threshold", "5"));
      added.adminMutationHooks().get(0).after(swap("users", Map.of("version", 1, "status",
          "ONLINE")), new AdminOutcome(true, null, Map.of()));
      Await.until(() -> checks(added, "checks").containsKey("users"), Duration.ofSeconds(10),
          () -> "the check");
      assertEquals("ok", checks(added, "checks").get("users").path("result").asText(),
          "cv 1.55 is under the store's threshold of 5 (the process's 0.5 would warn)");
      context.putStoreSettings("users", Map.of("min-records", "1001"));
      added.adminMutationHooks().get(0).after(swap("users", Map.of("version", 1, "status",
          "ONLINE")), new AdminOutcome(true, null, Map.of()));
      Await.until(() -> checks(added, "checks").get("users").path("result").asText()
          .equals("below-min-records"), Duration.ofSeconds(10),
          () -> "1,000 records are fewer than the store's minimum of 1,001");
    }
  }

  @Test
  void aPartitionWithNoAnswerIsWaitedForUntilItAnswers() throws Exception {
    try (TestingPluginContext context = controller(Map.of("min-records", "0"))) {
      AtomicInteger calls = new AtomicInteger();
      context.host().clusterView().replicaStates("users", 1, Map.of(0, Map.of("a_1", "LEADER"),
          1, Map.of("b_2", "LEADER"), 2, Map.of("c_3", "LEADER"), 3, Map.of("a_1", "LEADER")));
      context.host().clusterView().answerWith(call -> {
        boolean early = calls.incrementAndGet() <= 3; // the first gather (3 servers)
        return new EndpointResult(call.member(), 200, body(call.member().instanceId(), 1,
            early ? Map.of(0, 10L) : Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L)), null);
      });
      TestingExtensions added = context.start();
      added.adminMutationHooks().get(0).after(swap("users", Map.of("version", 1, "status",
          "ONLINE")), new AdminOutcome(true, null, Map.of()));
      Await.until(() -> checks(added, "checks").containsKey("users"), Duration.ofSeconds(10),
          () -> "the check");
      JsonNode check = checks(added, "checks").get("users");
      assertEquals("ok", check.path("result").asText());
      assertEquals(2, check.path("attempts").asInt());
      assertTrue(check.path("complete").asBoolean());
      List<String> paths = context.host().clusterView().calls().stream()
          .map(TestingClusterView.PluginCall::path).distinct().toList();
      assertEquals(List.of("partitions?store=users&version=1&refresh=true",
          "partitions?store=users&version=1"), paths, "a fresh snapshot on the first attempt"
          + " only");
      assertEquals(0.0, context.meterRegistry().get(
          "venice.controller.partition.skew.gather.unanswered").counter().count());
    }
  }

  @Test
  void partitionsStillMissingAtTheDeadlineMakeTheCheckIncompleteNotJudged() throws Exception {
    try (TestingPluginContext context = controller(Map.of("min-records", "0",
        "push-check-deadline", "1s"))) {
      TestingClusterView view = context.host().clusterView();
      view.replicaStates("users", 1, Map.of(0, Map.of("a_1", "LEADER"), 1, Map.of("b_2",
          "LEADER"), 2, Map.of("b_2", "LEADER"), 3, Map.of("a_1", "LEADER")));
      // partitions 0 and 3 answer, uniform; b_2 (partitions 1, 2) never answers
      view.answerWith(call -> call.member().instanceId().equals("a_1")
          ? new EndpointResult(call.member(), 200, body("a_1", 1, Map.of(0, 500L, 3, 500L)),
              null)
          : new EndpointResult(call.member(), 0, "", "timed out after 5000 ms"));
      TestingExtensions added = context.start();
      added.adminMutationHooks().get(0).after(swap("users", Map.of("version", 1, "status",
          "ONLINE")), new AdminOutcome(true, null, Map.of()));
      Await.until(() -> view.calls().size() >= 3, Duration.ofSeconds(10), () -> "a gather");
      // the first attempt's report and its retry-or-judge step run on the plugin's one thread,
      // queued one after the other: three round trips through it see them done, so the deadline
      // passes after the first attempt (which retries) and before the retry
      for (int i = 0; i < 3; i++) {
        context.scheduler().submit(() -> { }).get(10, TimeUnit.SECONDS);
      }
      context.time().advance(Duration.ofSeconds(2));
      Await.until(() -> checks(added, "checks").containsKey("users"), Duration.ofSeconds(10),
          () -> "the check");
      JsonNode check = checks(added, "checks").get("users");
      assertEquals("incomplete", check.path("result").asText(), check.toString());
      assertEquals(List.of(1, 2), JSON.convertValue(check.path("missingPartitions"),
          List.class));
      assertEquals(0.0, check.path("cv").asDouble(), "0 over the two answering partitions,"
          + " which must not pass as ok");
      assertEquals(2, check.path("attempts").asInt());
      assertEquals(2.0, context.meterRegistry().get(
          "venice.controller.partition.skew.gather.unanswered").counter().count(),
          "b_2 and c_3, counted once for the check");
    }
  }

  @Test
  void retriesBackOffFromTheRetryDelayUpToTheMaximum() {
    PushSkewChecker checker = new PushSkewChecker(null, s -> null, null, null,
        Duration.ofSeconds(1), Duration.ofSeconds(16), null, null);
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 16L), IntStream.rangeClosed(1, 6)
        .mapToObj(a -> checker.delay(a).toSeconds()).toList());
  }

  @Test
  void anOlderVersionWithFewerPartitionsThanTheStoreIsComplete() throws Exception {
    try (TestingPluginContext context = controller(Map.of())) {
      // the store now has 4 partitions; its version 1 was pushed with 2
      TestingClusterView view = context.host().clusterView();
      view.replicaStates("users", 1, Map.of(0, Map.of("a_1", "LEADER"), 1, Map.of("a_1",
          "LEADER")));
      view.answerWith(call -> new EndpointResult(call.member(), 200,
          body(call.member().instanceId(), 1, Map.of(0, 10L, 1, 10L)), null));
      TestingExtensions added = context.start();
      JsonNode report = json(added.endpoint("").handle(get("skew", Map.of("store", "users"))));
      assertEquals(2, report.path("partitions").size(), report.toString());
      assertEquals(0, report.path("missingPartitions").size(), report.toString());
      // a gap below the highest known partition is still missing
      view.replicaStates("users", 2, Map.of(0, Map.of("a_1", "LEADER"), 2, Map.of("a_1",
          "LEADER")));
      view.answerWith(call -> new EndpointResult(call.member(), 200,
          body(call.member().instanceId(), 2, Map.of(0, 10L, 2, 10L)), null));
      JsonNode gap = json(added.endpoint("").handle(get("skew", Map.of("store", "users",
          "version", "2"))));
      assertEquals(List.of(1), JSON.convertValue(gap.path("missingPartitions"), List.class));
    }
  }

  @Test
  void storeNamesAreUrlEncodedAndOlderOrNewerServersAnswersAreRead() throws Exception {
    try (TestingPluginContext context = controller(Map.of())) {
      context.stores().put(new StoreInfo("a&b c", 1, 1, 1, "NO_OP", false, Map.of()));
      TestingClusterView view = context.host().clusterView();
      view.answerWith(call -> switch (call.member().instanceId()) {
        // an answer without bytes (an older server) and with a field this version does not know
        case "a_1" -> new EndpointResult(call.member(), 200, "{\"partitions\":[{\"store\":"
            + "\"a&b c\",\"version\":1,\"partition\":0,\"records\":7,\"future\":1}]}", null);
        case "b_2" -> new EndpointResult(call.member(), 404, "{}", null); // no plugin
        default -> new EndpointResult(call.member(), 200, "not json", null);
      });
      TestingExtensions added = context.start();
      JsonNode report = json(added.endpoint("").handle(get("skew", Map.of("store", "a&b c"))));
      assertEquals("partitions?store=a%26b+c&version=1", view.calls().get(0).path());
      JsonNode row = report.path("partitions").get(0);
      assertEquals(7, row.path("records").asLong());
      assertEquals(-1, row.path("bytes").asLong(), "a missing field reads as unknown");
      Map<String, String> reasons = new LinkedHashMap<>();
      report.path("serversNotAnswering").forEach(u -> reasons.put(u.path("instance").asText(),
          u.path("reason").asText()));
      assertTrue(reasons.get("b_2").contains("HTTP 404 (is the partition-skew plugin enabled"),
          reasons.toString());
      assertEquals("an answer that is not JSON", reasons.get("c_3"));
    }
  }

  @Test
  void concurrentIdenticalRequestsShareOneGather() throws Exception {
    try (TestingPluginContext context = controller(Map.of())) {
      TestingClusterView view = context.host().clusterView();
      CountDownLatch release = new CountDownLatch(1);
      view.answerWith(call -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new EndpointResult(call.member(), 200, body(call.member().instanceId(), 1,
            Map.of(0, 10L, 1, 10L, 2, 10L, 3, 10L)), null);
      });
      TestingExtensions added = context.start();
      List<Thread> requests = new ArrayList<>();
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t = new Thread(() -> {
          try {
            statuses.add(added.endpoint("").handle(get("skew", Map.of("store", "users")))
                .status());
          } catch (Exception e) {
            statuses.add(-1);
          }
        });
        t.start();
        requests.add(t);
      }
      Await.until(() -> !view.calls().isEmpty(), Duration.ofSeconds(10), () -> "a gather");
      release.countDown();
      for (Thread t : requests) {
        t.join(10_000);
      }
      assertEquals(List.of(200, 200, 200, 200), statuses);
      assertEquals(3, view.calls().size(), "one gather (3 servers) for 4 requests");
      added.endpoint("").handle(get("skew", Map.of("store", "users")));
      assertEquals(3, view.calls().size(), "a report less than a second old is reused");
      context.time().advance(SkewAggregator.REUSE);
      added.endpoint("").handle(get("skew", Map.of("store", "users")));
      assertEquals(6, view.calls().size(), "an older one is not");
    }
  }

  private static Map<String, JsonNode> checks(TestingExtensions added, String path) {
    try {
      Map<String, JsonNode> byStore = new LinkedHashMap<>();
      json(added.endpoint("").handle(get(path, Map.of()))).path(path)
          .forEach(c -> byStore.put(c.path("store").asText(), c));
      return byStore;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void inAControllerTheContractHoldsToo() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (TestingPluginContext context = controller(Map.of())) {
      TestingExtensions added = context.start();
      added.adminMutationHooks().get(0).after(swap("users", Map.of("version", 1, "status",
          "ONLINE")), new AdminOutcome(true, null, Map.of()));
      context.stopPlugin();
      String prefix = context.metricPrefix();
      assertEquals("venice.controller.partition.skew.", prefix);
      assertTrue(context.meterRegistry().getMeters().stream()
          .allMatch(m -> m.getId().getName().startsWith(prefix)));
    }
    Await.until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && !t.isDaemon() && !before.contains(t)),
        Duration.ofSeconds(10), () -> "no thread left");
  }
}
