package dev.venice.plugins.latencybudget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;
import dev.venice.testkit.CapturingLogger;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The plugin contract, and the wiring on a router context with a manual clock: the request hook
 * times budgeted single gets, the background task evaluates every {@code evaluation-interval} and
 * counts {@code latency_budget_exceeded} with the last-exceeded time and the p99, a budget raised
 * at run time stops the exceedances, the status endpoint serves it all and answers 404 naming an
 * unknown store, and bad store values are refused by name.
 */
class LatencyBudgetPluginTest extends PluginContractTest<LatencyBudgetPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");
  private static final String PREFIX = "venice.router.latency.budget.";

  @Override
  protected LatencyBudgetPlugin newPlugin() {
    return new LatencyBudgetPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.ROUTER);
  }

  /** A budgeted store's single gets, an evaluation and the endpoint. */
  @Override
  protected void exercise(LatencyBudgetPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.putStoreSettings("users", Map.of("latency-budget-ms", "1", "min-samples", "1"));
    calls(context, extensions.requestHooks().get(0), "users", 3, Duration.ofMillis(5));
    extensions.backgroundTasks().get(0).run();
    extensions.endpoint("status").handle(get(Map.of()));
  }

  private static InboundRequest single(String store) {
    return new InboundRequest("venice.read.v1.VeniceRead/Get", RequestKind.SINGLE_GET, store, 0,
        -1, 1, Map.of());
  }

  private static void calls(TestingPluginContext context, RequestHook hook, String store, int n,
      Duration each) {
    for (int i = 0; i < n; i++) {
      RequestScope scope = hook.onRequest(single(store));
      context.time().advance(each);
      scope.onEnd(OK);
    }
  }

  private static PluginHttpRequest get(Map<String, String> query) {
    return new PluginHttpRequest("GET", "status", query.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), Map.of(), new byte[0]);
  }

  private static JsonNode status(TestingExtensions added, Map<String, String> query)
      throws Exception {
    PluginHttpResponse answer = added.endpoint("status").handle(get(query));
    assertEquals(200, answer.status(), new String(answer.body(), StandardCharsets.UTF_8));
    return JSON.readTree(answer.body());
  }

  private static double meter(MeterRegistry registry, String name, String store) {
    return registry.find(PREFIX + name).tag("store", store).meters().stream().findFirst()
        .map(m -> m.measure().iterator().next().getValue()).orElse(Double.NaN);
  }

  @Test
  void exceedancesAreCountedTimedAndServedAndARaisedBudgetStopsThem() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("evaluation-interval", "10s").config("min-samples", "10").build()) {
      TestingExtensions added = context.start();
      BackgroundTask task = added.backgroundTasks().get(0);
      assertEquals(Duration.ofSeconds(10), task.interval());
      RequestHook hook = added.requestHooks().get(0);
      context.putStoreSettings("users", Map.of("latency-budget-ms", "10"));
      context.stores().put("quiet", Map.of());

      calls(context, hook, "users", 20, Duration.ofMillis(25));
      calls(context, hook, "quiet", 20, Duration.ofMillis(25)); // no budget: not timed
      task.run();
      Instant exceededAt = context.time().now();
      MeterRegistry registry = context.meterRegistry();
      assertEquals(1.0, meter(registry, "exceeded", "users"));
      assertEquals(exceededAt.toEpochMilli(), meter(registry, "exceeded.last.epoch.ms", "users"));
      assertEquals(25.0, meter(registry, "p99.ms", "users"), 0.25);
      assertEquals(10.0, meter(registry, "budget.ms", "users"));
      assertEquals(20.0, meter(registry, "window.samples", "users"));
      assertTrue(Double.isNaN(meter(registry, "exceeded", "quiet")), "no meter for quiet");

      JsonNode body = status(added, Map.of());
      assertEquals(10_000, body.path("evaluationIntervalMs").asLong());
      assertEquals(3, body.path("windowEvaluations").asInt());
      assertEquals(1, body.path("stores").size(), "only budgeted stores: " + body);
      JsonNode users = body.path("stores").get(0);
      assertEquals("users", users.path("store").asText());
      assertEquals(10, users.path("budgetMs").asLong());
      assertEquals(10, users.path("minSamples").asInt());
      assertEquals(20, users.path("samples").asLong());
      assertTrue(users.path("exceeded").asBoolean());
      assertEquals(1, users.path("exceededCount").asLong());
      assertEquals(exceededAt.toString(), users.path("lastExceeded").asText());
      assertEquals(exceededAt.toString(), users.path("lastEvaluation").asText());

      // the budget raised at run time: the same slow window no longer exceeds
      context.putStoreSettings("users", Map.of("latency-budget-ms", "100"));
      context.time().advance(Duration.ofSeconds(10));
      calls(context, hook, "users", 20, Duration.ofMillis(25));
      task.run();
      assertEquals(1.0, meter(registry, "exceeded", "users"), "no new exceedance");
      assertEquals(100.0, meter(registry, "budget.ms", "users"));
      JsonNode after = status(added, Map.of("store", "users")).path("stores").get(0);
      assertEquals(100, after.path("budgetMs").asLong());
      assertTrue(!after.path("exceeded").asBoolean(), after.toString());
      assertEquals(exceededAt.toString(), after.path("lastExceeded").asText());

      JsonNode quiet = status(added, Map.of("store", "quiet")).path("stores").get(0);
      assertEquals(0, quiet.path("budgetMs").asLong());
      assertTrue(quiet.path("p99Ms").isNull(), quiet.toString());
    }
  }

  @Test
  void aBudgetedStoreWithoutCallsIsListedAndUnknownStoresAreRefusedByName() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.putStoreSettings("idle", Map.of("latency-budget-ms", "5"));
      JsonNode idle = status(added, Map.of()).path("stores").get(0);
      assertEquals("idle", idle.path("store").asText());
      assertEquals(5, idle.path("budgetMs").asLong());
      assertTrue(idle.path("lastEvaluation").isNull() && idle.path("lastExceeded").isNull());
      assertEquals(0, idle.path("exceededCount").asLong());

      PluginHttpResponse missing = added.endpoint("status").handle(get(Map.of("store", "nope")));
      assertEquals(404, missing.status());
      assertTrue(new String(missing.body(), StandardCharsets.UTF_8)
          .contains("store nope does not exist"));
      PluginHttpResponse post = added.endpoint("status").handle(new PluginHttpRequest("POST",
          "status", Map.of(), Map.of(), new byte[0]));
      assertEquals(405, post.status());
    }
  }

  @Test
  void badStoreValuesAreRefusedNamingTheKeyAndTheStoreKeepsItsBudget() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.putStoreSettings("users", Map.of("latency-budget-ms", "10"));
      context.putStoreSettings("users", Map.of("latency-budget-ms", "-1"));
      String error = context.storeErrors().get("users");
      assertTrue(error != null && error.contains("latency-budget-ms") && error.contains("-1"),
          String.valueOf(error));
      assertEquals(10, status(added, Map.of("store", "users")).path("stores").get(0)
          .path("budgetMs").asLong(), "the last good budget is kept");
      context.putStoreSettings("users", Map.of("min-samples", "0"));
      assertTrue(context.storeErrors().get("users").contains("min-samples"),
          context.storeErrors().toString());
    }
  }

  @Test
  void eachExceededEvaluationLogsOneStructuredWarningOnThePluginsLogger() throws Exception {
    CapturingLogger logger = new CapturingLogger("venice.plugin.latency-budget");
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("evaluation-interval", "10s").config("min-samples", "10").logger(logger)
        .build()) {
      TestingExtensions added = context.start();
      BackgroundTask task = added.backgroundTasks().get(0);
      RequestHook hook = added.requestHooks().get(0);
      context.putStoreSettings("users", Map.of("latency-budget-ms", "10"));
      context.putStoreSettings("fine", Map.of("latency-budget-ms", "100"));
      calls(context, hook, "users", 20, Duration.ofMillis(25));
      calls(context, hook, "fine", 20, Duration.ofMillis(25));
      task.run();

      List<CapturingLogger.Event> warnings = logger.events().stream()
          .filter(e -> e.level() == Level.WARN).toList();
      assertEquals(1, warnings.size(), "one WARN, for the store over its budget: " + warnings);
      CapturingLogger.Event warning = warnings.get(0);
      // 25 ms read as the top of its HdrHistogram bucket: 25.007 ms (3 digits: within 0.1%)
      assertEquals("latency_budget_exceeded store=users p99Ms=25.007 budgetMs=10 samples=20"
          + " maxMs=25.007 window=30s: the store's p99 single-get latency on this router is over"
          + " its budget", warning.message());
      assertEquals(Map.of("event", "latency_budget_exceeded", "store", "users", "p99Ms",
          "25.007", "budgetMs", 10L, "samples", 20L), warning.keyValues());

      context.putStoreSettings("users", Map.of("latency-budget-ms", "100"));
      calls(context, hook, "users", 20, Duration.ofMillis(25));
      task.run();
      assertEquals(1, logger.events().stream().filter(e -> e.level() == Level.WARN).count(),
          "no WARN within the budget");
    }
  }

  @Test
  void aStoreWhoseBudgetIsRemovedOrThatIsSwitchedOffLosesItsMetersAndStatusRow()
      throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("min-samples", "1").build()) {
      TestingExtensions added = context.start();
      BackgroundTask task = added.backgroundTasks().get(0);
      RequestHook hook = added.requestHooks().get(0);
      for (String store : List.of("removed", "off", "kept")) {
        context.putStoreSettings(store, Map.of("latency-budget-ms", "10"));
        calls(context, hook, store, 3, Duration.ofMillis(25));
      }
      task.run();
      MeterRegistry registry = context.meterRegistry();
      for (String store : List.of("removed", "off", "kept")) {
        assertEquals(5, meters(registry, store), store);
      }

      // metadata unreadable for a while: nothing is dropped on that account
      context.stores().unavailable(true);
      calls(context, hook, "kept", 3, Duration.ofMillis(25));
      task.run();
      context.stores().unavailable(false);
      assertEquals(5, meters(registry, "kept"), "still there");
      assertEquals(List.of("kept", "off", "removed"), storesListed(added));

      context.putStoreSettings("removed", Map.of()); // set-latency-budget --unset
      context.putStoreSettings("off", Map.of("latency-budget-ms", "10", "enabled", "false"));
      task.run();
      for (String store : List.of("removed", "off")) {
        assertEquals(0, meters(registry, store), store + "'s meters are removed");
      }
      assertEquals(10.0, meter(registry, "budget.ms", "kept"));
      assertEquals(List.of("kept"), storesListed(added));

      // budgeted again: meters start afresh
      context.putStoreSettings("removed", Map.of("latency-budget-ms", "10"));
      calls(context, hook, "removed", 3, Duration.ofMillis(25));
      task.run();
      assertEquals(1.0, meter(registry, "exceeded", "removed"), "counts from zero again");
    }
  }

  private static long meters(MeterRegistry registry, String store) {
    return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith(PREFIX)
        && store.equals(m.getId().getTag("store"))).count();
  }

  private static List<String> storesListed(TestingExtensions added) throws Exception {
    List<String> stores = new ArrayList<>();
    status(added, Map.of()).path("stores").forEach(s -> stores.add(s.path("store").asText()));
    return stores;
  }

  @Test
  void theWarningNamesStoreP99BudgetAndSamples() {
    BudgetEvaluator.Evaluation e = new BudgetEvaluator.Evaluation("users", 10, 25.04, 31.5, 300,
        100, true, Instant.parse("2026-12-01T00:00:00Z"));
    assertEquals("latency_budget_exceeded store=users p99Ms=25.040 budgetMs=10 samples=300"
        + " maxMs=31.500 window=90s: the store's p99 single-get latency on this router is over"
        + " its budget", LatencyBudgetTask.message(e, Duration.ofSeconds(90)));
  }
}
