package dev.venice.it.plugins.latencybudget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.it.SlowReadsPlugin;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.router.VeniceRouter;
import dev.venice.spi.client.StoreClient;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency-budget plugin on a router, loaded from the plugin directory its module builds and
 * switched on by configuration only (evaluating every 300 ms): a store whose server-side reads
 * take 20 ms more ({@link SlowReadsPlugin}) is given a 1 ms budget with the distribution's {@code
 * bin/venice set-latency-budget}; the router counts {@code latency_budget_exceeded} on its {@code
 * /metrics} and shows it at {@code /plugins/latency-budget/status}; the budget raised at run time
 * stops new exceedances; {@code --unset} removes the store's meters. A control store with a 250 ms
 * budget whose reads are fast but for one in 200 slowed by 500 ms is never exceeded although its
 * windows hold a call over the budget: its p99 is not its max (a p99 computed as the max, or at a
 * rank off by a few calls, would fail). An unknown store makes the command exit 1 with one line.
 */
class LatencyBudgetPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE = "slowpoke";
  private static final String CONTROL = "steady";
  // far above what a busy machine (another test class's cluster on the same cores) adds to a
  // quick read, so only the one slow call in 200 is over the budget
  private static final long CONTROL_BUDGET_MS = 250;
  private static final Duration CONTROL_SLOW = Duration.ofMillis(500);
  private static int controlReads;
  private static final String EXCEEDED = "venice_router_latency_budget_exceeded_total";
  private static final Duration INTERVAL = Duration.ofMillis(300);
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static VeniceRouter router;

  @BeforeAll
  static void start() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."), "venice-server-plugins",
        "latency-budget", "target", "plugin").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(pluginDir.resolve("latency-budget")),
        pluginDir + " not built: mvn -pl venice-server-plugins/latency-budget install");
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugins.test-slow-reads.enabled", "true")
        .routerConfig("plugin.dir", pluginDir.toString())
        .routerConfig("plugins.latency-budget.enabled", "true")
        .routerConfig("plugins.latency-budget.evaluation-interval", INTERVAL.toMillis() + "ms")
        .routerConfig("plugins.latency-budget.min-samples", "5").build();
    router = cluster.routers().get(0);
    PluginInfo plugin = router.plugins().plugins().stream()
        .filter(p -> p.id().equals("latency-budget")).findFirst().orElseThrow();
    assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
    assertTrue(plugin.source().contains(pluginDir.toString()), "loaded from " + plugin.source());

    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    for (String store : List.of(STORE, CONTROL)) {
      new ControllerClient(cluster.controllerUrl())
          .createStore(store, Schemas.KEY, Schemas.USER_V1, 1, 1);
      PushJob.create(cluster.controllerUrl(), store,
          Files.write(dir.resolve(store + ".jsonl"), lines)).run();
      cluster.awaitRoutable(store, Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    SlowReadsPlugin.store = null;
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The router's status row for the slow store. */
  private static JsonNode status() throws Exception {
    return status("?store=" + STORE).path("stores").get(0);
  }

  /** The router's status, {@code query} starting with {@code ?} or empty. */
  private static JsonNode status(String query) throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(router.adminUrl() + "/plugins/latency-budget/status" + query))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    return JSON.readTree(answer.body());
  }

  private static double metric(String name) {
    return Scrape.sum(Scrape.metrics(router.adminUrl()), name, STORE);
  }

  /** Whether the router's /metrics has a latency-budget sample for {@code store}. */
  private static boolean hasMeters(String store) {
    return Scrape.metrics(router.adminUrl()).lines()
        .anyMatch(l -> l.startsWith("venice_router_latency_budget_")
            && l.contains("store=\"" + store + "\""));
  }

  /**
   * {@code n} reads of the control store: every 200th slowed by {@link #CONTROL_SLOW} on its
   * server (the test reads one call at a time, so switching the slowed store for that call slows
   * that call only), the others fast. Any run of at least 100 consecutive calls then holds slow
   * calls no more than 1% of them: their p99 is a fast call, their max a slow one.
   */
  private static void controlReads(StoreClient<String, GenericRecord> client, int n) {
    for (int i = 0; i < n; i++) {
      boolean slow = controlReads++ % 200 == 199;
      String slowed = SlowReadsPlugin.store;
      long delay = SlowReadsPlugin.delayNanos;
      if (slow) {
        SlowReadsPlugin.delayNanos = CONTROL_SLOW.toNanos();
        SlowReadsPlugin.store = CONTROL;
      }
      try {
        assertEquals(i % 10, client.get("k" + (i % 10)).join().get("age"));
      } finally {
        SlowReadsPlugin.store = slowed;
        SlowReadsPlugin.delayNanos = delay;
      }
    }
  }

  private static void reads(StoreClient<String, GenericRecord> client, int n) {
    for (int i = 0; i < n; i++) {
      assertEquals(i % 10, client.get("k" + (i % 10)).join().get("age"));
    }
  }

  @Test
  void aSlowStoreExceedsItsBudgetUntilTheBudgetIsRaisedAtRunTime() throws Exception {
    SlowReadsPlugin.store = STORE;
    SlowReadsPlugin.delayNanos = Duration.ofMillis(20).toNanos();
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), STORE).thin()) {
      reads(client, 10); // no budget yet: not timed, nothing evaluated
      assertEquals(0, status().path("budgetMs").asLong());
      assertEquals(0, metric(EXCEEDED));

      assertTrue(DistributionCli.venice(cluster.controllerUrl(), "set-latency-budget",
          "--store", STORE, "--budget-ms", "1").contains("latency budget 1 ms"));
      LocalCluster.waitFor("the router to see the 1 ms budget", DEADLINE,
          () -> call(() -> status().path("budgetMs").asLong() == 1));
      LocalCluster.waitFor("latency_budget_exceeded on the router's /metrics", DEADLINE, () -> {
        reads(client, 10);
        return metric(EXCEEDED) >= 1;
      });
      JsonNode exceeded = call(LatencyBudgetPluginTest::status);
      assertTrue(exceeded.path("exceededCount").asLong() >= 1, exceeded.toString());
      assertFalse(exceeded.path("lastExceeded").isNull(), exceeded.toString());
      assertTrue(exceeded.path("p99Ms").asDouble() >= 20, exceeded.toString());
      assertTrue(metric("venice_router_latency_budget_exceeded_last_epoch_ms") > 0);
      assertTrue(metric("venice_router_latency_budget_p99_ms") >= 20);

      assertTrue(DistributionCli.venice(cluster.controllerUrl(), "set-latency-budget",
          "--store", STORE, "--budget-ms", "60000", "--json").contains("60000"));
      LocalCluster.waitFor("an evaluation against the raised budget", DEADLINE, () -> {
        reads(client, 5);
        return metric("venice_router_latency_budget_budget_ms") == 60_000;
      });
      double counted = metric(EXCEEDED);
      Instant raised = Instant.parse(call(LatencyBudgetPluginTest::status)
          .path("lastEvaluation").asText());
      LocalCluster.waitFor("three more evaluations of slow reads", DEADLINE, () -> {
        reads(client, 5);
        return Instant.parse(call(LatencyBudgetPluginTest::status).path("lastEvaluation")
            .asText()).isAfter(raised.plus(INTERVAL.multipliedBy(3)));
      });
      JsonNode after = call(LatencyBudgetPluginTest::status);
      assertEquals(counted, metric(EXCEEDED), "no new exceedance: " + after);
      assertFalse(after.path("exceeded").asBoolean(), after.toString());
      assertTrue(after.path("p99Ms").asDouble() >= 20, "still slow, within budget: " + after);

      assertTrue(hasMeters(STORE));
      assertTrue(DistributionCli.venice(cluster.controllerUrl(), "set-latency-budget",
          "--store", STORE, "--unset").contains("latency budget removed"));
      LocalCluster.waitFor("the store's meters to leave /metrics after --unset", DEADLINE, () -> {
        reads(client, 2);
        return !hasMeters(STORE);
      });
      JsonNode listed = call(() -> status(""));
      listed.path("stores").forEach(row -> assertFalse(row.path("store").asText().equals(STORE),
          "dropped from the status: " + listed));
    }
  }

  @Test
  void aStoreOverItsBudgetForOneCallIn200IsNeverExceeded() throws Exception {
    new ControllerClient(cluster.controllerUrl()).updateStore(CONTROL, Map.of("pluginSettings",
        Map.of("plugins.latency-budget.latency-budget-ms", String.valueOf(CONTROL_BUDGET_MS),
            // a window of fewer than 100 calls holding the slow one has it as its p99
            "plugins.latency-budget.min-samples", "100")));
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), CONTROL).thin()) {
      LocalCluster.waitFor("the router to see the control store's budget", DEADLINE,
          () -> call(() -> status("?store=" + CONTROL).path("stores").get(0)
              .path("minSamples").asInt() == 100));
      JsonNode[] seen = new JsonNode[1];
      LocalCluster.waitFor("an evaluation of a window of at least 100 calls holding a call over"
          + " the budget", DEADLINE, () -> {
            controlReads(client, 50);
            seen[0] = call(() -> status("?store=" + CONTROL).path("stores").get(0));
            return seen[0].path("samples").asLong() >= 100
                && seen[0].path("maxMs").asDouble() > CONTROL_BUDGET_MS;
          });
      JsonNode window = seen[0];
      assertFalse(window.path("exceeded").asBoolean(), "max over the budget, p99 not: " + window);
      assertTrue(window.path("p99Ms").asDouble() < CONTROL_BUDGET_MS, window.toString());
      assertTrue(window.path("maxMs").asDouble() >= CONTROL_SLOW.toMillis(), window.toString());

      Instant first = Instant.parse(window.path("lastEvaluation").asText());
      LocalCluster.waitFor("three more evaluations", DEADLINE, () -> {
        controlReads(client, 50);
        return Instant.parse(call(() -> status("?store=" + CONTROL)).path("stores").get(0)
            .path("lastEvaluation").asText()).isAfter(first.plus(INTERVAL.multipliedBy(3)));
      });
      JsonNode end = call(() -> status("?store=" + CONTROL)).path("stores").get(0);
      assertEquals(0, end.path("exceededCount").asLong(), "never exceeded: " + end);
      assertTrue(end.path("lastExceeded").isNull(), end.toString());
      assertEquals(0, Scrape.sum(Scrape.metrics(router.adminUrl()), EXCEEDED, CONTROL));
      assertTrue(controlReads >= 200, "at least one slow call: " + controlReads);
    }
  }

  @Test
  void anUnknownStoreExitsNonZeroWithOneLine() throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("venice.distribution"), "bin",
        "venice").toString(), "set-latency-budget", "--store", "nope", "--budget-ms", "5",
        "--controller", cluster.controllerUrl());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin")
        + File.pathSeparator + builder.environment().getOrDefault("PATH", ""));
    builder.environment().put("VENICE_JAVA_OPTS", "-Xmx128m");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .trim();
    assertTrue(process.waitFor(90, TimeUnit.SECONDS));
    assertEquals(1, process.exitValue(), output);
    assertEquals("venice set-latency-budget: store nope does not exist (404 STORE_NOT_FOUND)",
        output);
  }

  /** A checked call inside a condition. */
  private interface Checked<T> {
    T get() throws Exception;
  }

  private static <T> T call(Checked<T> body) {
    try {
      return body.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
