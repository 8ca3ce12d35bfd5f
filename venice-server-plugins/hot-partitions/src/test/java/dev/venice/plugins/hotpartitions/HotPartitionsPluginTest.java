package dev.venice.plugins.hotpartitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.ClusterMember;
import dev.venice.spi.host.EndpointResult;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingClusterView;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring of both halves: a server counts lookups per partition and
 * serves the last window's rates; a controller gathers them from every server through the cluster
 * view, names the server that did not answer, keeps only the current version, finds the hot
 * partition, counts it in {@code hot.partition.detected} tagged by store and partition, and serves
 * the evaluation (404 for an unknown store, 400 for a bad refresh); the threshold is per store.
 */
class HotPartitionsPluginTest extends PluginContractTest<HotPartitionsPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReadOutcome FOUND = new ReadOutcome(true, 10, 1000, false);
  private static final String DETECTED = "venice.controller.hot.partitions.hot.partition.detected";

  @Override
  protected HotPartitionsPlugin newPlugin() {
    return new HotPartitionsPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.SERVER, ProcessKind.CONTROLLER);
  }

  /** Reads, a window ending, the rates endpoint (the contract starts it as a server). */
  @Override
  protected void exercise(HotPartitionsPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    extensions.readHooks().get(0).afterRead(read("users", 1, 0), FOUND);
    context.time().advance(Duration.ofSeconds(10));
    extensions.endpoint("rates").handle(get("rates", Map.of()));
  }

  private static ReadRequest read(String store, int version, int partition) {
    return new ReadRequest(store, version, partition, new byte[] {1}, Map.of());
  }

  private static PluginHttpRequest get(String path, Map<String, String> query) {
    return new PluginHttpRequest("GET", path, query.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), Map.of(), new byte[0]);
  }

  private static JsonNode body(PluginHttpResponse response) throws Exception {
    return JSON.readTree(response.body());
  }

  /** A server's rates after 1,000 lookups of partition 5 and 10 of each of 12 partitions. */
  private static String serverRates() throws Exception {
    try (TestingPluginContext server = TestingPluginContext.builder(new HotPartitionsPlugin())
        .processKind(ProcessKind.SERVER).config("rate-window", "1s").build()) {
      TestingExtensions added = server.start();
      assertEquals(List.of("update-partition-rate-gauges"), added.backgroundTasks().stream()
          .map(t -> t.name()).toList(), "servers count, serve and export");
      ReadHook hook = added.readHooks().get(0);
      for (int i = 0; i < 1000; i++) {
        hook.afterRead(read("users", 2, 5), FOUND);
        hook.afterRead(read("users", 1, 0), FOUND); // the old version: ignored by the controller
      }
      for (int p = 0; p < 12; p++) {
        for (int i = 0; i < 10; i++) {
          hook.afterRead(read("users", 2, p), FOUND);
        }
      }
      server.time().advance(Duration.ofMillis(1500));
      PluginHttpResponse answer = added.endpoint("rates").handle(get("rates", Map.of()));
      assertEquals(200, answer.status());
      JsonNode json = body(answer);
      assertEquals(1.0, json.path("windowSeconds").asDouble());
      assertEquals(2120, json.path("total").asLong());
      assertFalse(json.path("evicted").asBoolean());
      JsonNode first = json.path("partitions").get(0);
      assertEquals(5, first.path("partition").asInt(), first.toString());
      assertEquals(2, first.path("version").asInt(), first.toString());
      assertEquals(1010.0, first.path("rate").asDouble(), 1e-9);
      assertEquals(13, json.path("partitions").size());
      assertEquals(1010.0, server.meterRegistry().get(
          "venice.server.hot.partitions.max.partition.rate").gauge().value(), 1e-9);
      assertEquals(2120.0, server.meterRegistry().get(
          "venice.server.hot.partitions.lookup.rate").gauge().value(), 1e-9);
      assertEquals(0, body(added.endpoint("rates").handle(get("rates",
          Map.of("store", "other")))).path("partitions").size(), "filtered by store");
      return new String(answer.body(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theControllerFindsTheHotPartitionAcrossServersAndNamesTheOneThatDidNotAnswer()
      throws Exception {
    String rates = serverRates();
    ClusterMember s1 = new ClusterMember("s1", ProcessKind.SERVER, "http://s1", null);
    ClusterMember s2 = new ClusterMember("s2", ProcessKind.SERVER, "http://s2", null);
    ClusterMember router = new ClusterMember("r1", ProcessKind.ROUTER, "http://r1", null);
    try (TestingPluginContext controller = TestingPluginContext.builder(newPlugin())
        .processKind(ProcessKind.CONTROLLER).config("evaluation-interval", "2s").build()) {
      controller.stores().put(new StoreInfo("users", 2, 12, 2, "NO_OP", false, Map.of()));
      TestingClusterView view = controller.host().clusterView();
      // s2 holds no replica of version 2: its silence does not keep partitions from being judged
      Map<Integer, Map<String, String>> onS1 = new HashMap<>();
      for (int p = 0; p < 12; p++) {
        onS1.put(p, Map.of("s1", "LEADER"));
      }
      view.replicaStates("users", 2, onS1);
      view.members(List.of(s1, s2, router)).answerWith(call -> call.member().equals(s1)
          ? new EndpointResult(s1, 200, rates, null)
          : new EndpointResult(call.member(), 0, "", "timed out after 5000 ms"));
      TestingExtensions added = controller.start();
      assertTrue(added.readHooks().isEmpty(), "controllers only evaluate and serve");
      assertEquals(Duration.ofSeconds(2), added.backgroundTasks().get(0).interval());

      added.backgroundTasks().get(0).run();
      assertEquals(List.of(s1, s2), view.calls().stream().map(TestingClusterView.PluginCall::member)
          .toList(), "only servers are asked");
      assertEquals("hot-partitions", view.calls().get(0).pluginId());
      assertEquals("rates", view.calls().get(0).path());
      assertEquals(Duration.ofSeconds(5), view.calls().get(0).timeout());
      assertEquals(1.0, controller.meterRegistry().get(DETECTED).tag("store", "users")
          .tag("partition", "5").counter().count());
      assertEquals(1, controller.meterRegistry().find(DETECTED).counters().size(),
          "only the hot partition has a series");
      assertEquals(1.0, controller.meterRegistry().get(
          "venice.controller.hot.partitions.servers.not.answering").gauge().value());

      JsonNode users = body(added.endpoint("skew").handle(get("skew", Map.of())))
          .path("stores").get(0);
      assertEquals("users", users.path("store").asText());
      assertEquals(2, users.path("version").asInt());
      assertEquals(1120, users.path("totalRate").asDouble(), 1e-6, "version 1 is not counted");
      assertEquals(1010 / (1120 / 12.0), users.path("skew").asDouble(), 1e-6);
      assertEquals("[5]", users.path("hotPartitions").toString());
      assertEquals(5, users.path("partitions").get(0).path("partition").asInt());
      assertTrue(users.path("partitions").get(0).path("hot").asBoolean());
      assertEquals("[\"s1\"]", users.path("serversAnswered").toString());
      assertEquals("timed out after 5000 ms", users.path("serversNotAnswering").path("s2")
          .asText());
      assertEquals(users.path("skew").asDouble(), controller.meterRegistry().get(
          "venice.controller.hot.partitions.skew").tag("store", "users").gauge().value(), 1e-9);

      controller.time().advance(SkewMonitor.REUSE); // a refresh within REUSE reuses that one
      controller.putStoreSettings("users", Map.of("skew-threshold", "11"));
      JsonNode strict = body(added.endpoint("skew").handle(get("skew", Map.of("store", "users",
          "refresh", "true")))).path("stores").get(0);
      assertEquals("rates?store=users", view.calls().get(view.calls().size() - 1).path());
      assertEquals(11.0, strict.path("threshold").asDouble());
      assertEquals(0, strict.path("hotPartitions").size(), "10.8 < 11: not hot for this store");
      assertEquals(1.0, controller.meterRegistry().get(DETECTED).counter().count());
    }
  }

  /**
   * The per-partition gauge: the busiest {@code partition-rate-gauges} partition replicas of the
   * last complete window, tagged store, version, partition, replaced window after window.
   */
  @Test
  void serversExportTheBusiestPartitionsRatesAsABoundedGauge() throws Exception {
    String gauge = "venice.server.hot.partitions.partition.rate";
    try (TestingPluginContext server = TestingPluginContext.builder(new HotPartitionsPlugin())
        .processKind(ProcessKind.SERVER).config("rate-window", "1s")
        .config("partition-rate-gauges", "3").build()) {
      TestingExtensions added = server.start();
      BackgroundTask task = added.backgroundTasks().get(0);
      assertEquals(Duration.ofSeconds(1), task.interval(), "once per rate window");
      ReadHook hook = added.readHooks().get(0);
      for (int p = 0; p < 10; p++) {
        for (int i = 0; i <= p; i++) {
          hook.afterRead(read("users", 2, p), FOUND);
        }
      }
      server.time().advance(Duration.ofSeconds(1));
      task.run();
      assertEquals(3, server.meterRegistry().find(gauge).gauges().size(), "bounded to 3");
      for (int p = 7; p < 10; p++) {
        assertEquals(p + 1, server.meterRegistry().get(gauge).tag("store", "users")
            .tag("version", "2").tag("partition", Integer.toString(p)).gauge().value(), 1e-9);
      }
      hook.afterRead(read("other", 1, 4), FOUND);
      server.time().advance(Duration.ofSeconds(1));
      task.run();
      assertEquals(List.of("other/1/4"), server.meterRegistry().find(gauge).gauges().stream()
          .map(g -> g.getId().getTag("store") + "/" + g.getId().getTag("version") + "/"
              + g.getId().getTag("partition")).toList(), "the old window's series removed");
    }
    try (TestingPluginContext server = TestingPluginContext.builder(new HotPartitionsPlugin())
        .processKind(ProcessKind.SERVER).config("partition-rate-gauges", "0").build()) {
      assertTrue(server.start().backgroundTasks().isEmpty(), "no gauge, no task");
      assertTrue(server.meterRegistry().find(gauge).gauges().isEmpty());
    }
  }

  @Test
  void theSkewEndpointRefusesUnknownStoresAndBadParametersByName() throws Exception {
    try (TestingPluginContext controller = TestingPluginContext.builder(newPlugin())
        .processKind(ProcessKind.CONTROLLER).build()) {
      TestingExtensions added = controller.start();
      assertError(added, Map.of("store", "nope"), 404, "store nope does not exist");
      assertError(added, Map.of("refresh", "maybe"), 400, "refresh maybe");
      controller.stores().put(new StoreInfo("users", 1, 4, 1, "NO_OP", false, Map.of()));
      controller.putStoreSettings("users", Map.of(TestingPluginContext.ENABLED, "false"));
      JsonNode off = body(added.endpoint("skew").handle(get("skew", Map.of("store", "users"))))
          .path("stores").get(0);
      assertFalse(off.path("enabled").asBoolean(), off.toString());
      assertTrue(controller.host().clusterView().calls().isEmpty(),
          "no server is asked for a store switched off");
    }
  }

  private static void assertError(TestingExtensions added, Map<String, String> query, int status,
      String named) throws Exception {
    PluginHttpResponse answer = added.endpoint("skew").handle(get("skew", query));
    String text = new String(answer.body(), StandardCharsets.UTF_8);
    assertEquals(status, answer.status(), text);
    assertTrue(text.contains(named), text);
  }
}
