package dev.venice.plugins.gracefuldrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.http.PluginHttpEndpoint;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.plugin.ServingState;
import dev.venice.spi.server.InboundRequest;
import dev.venice.spi.server.RequestEnd;
import dev.venice.spi.server.RequestHook;
import dev.venice.spi.server.RequestScope;
import dev.venice.testkit.Await;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring as a host drives it: the serving lifecycle's DRAINING begins
 * the drain, {@code onDrain} waits for the calls in flight, the endpoints start a drain (once) and
 * report it, bad input is a 400 naming the parameter, and the meters follow.
 */
class GracefulDrainPluginTest extends PluginContractTest<GracefulDrainPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InboundRequest GET = new InboundRequest("venice.read.v1.VeniceRead/Get",
      RequestKind.SINGLE_GET, "users", 1, 0, 1, Map.of());
  private static final RequestEnd OK = new RequestEnd(0, "OK", "");

  @Override
  protected GracefulDrainPlugin newPlugin() {
    return new GracefulDrainPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.SERVER, ProcessKind.ROUTER);
  }

  /** One call counted, the status read, a bad drain request refused. */
  @Override
  protected void exercise(GracefulDrainPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    extensions.requestHooks().get(0).onRequest(GET).onEnd(OK);
    extensions.endpoint("").handle(request("GET", "", Map.of()));
    extensions.endpoint("").handle(request("POST", "drain", Map.of("timeout", "soon")));
  }

  private static PluginHttpRequest request(String method, String path, Map<String, String> query) {
    Map<String, List<String>> q = new java.util.HashMap<>();
    query.forEach((k, v) -> q.put(k, List.of(v)));
    return new PluginHttpRequest(method, path, q, Map.of(), new byte[0]);
  }

  private static JsonNode json(PluginHttpResponse response) throws Exception {
    assertEquals("application/json", response.contentType());
    return JSON.readTree(new String(response.body(), StandardCharsets.UTF_8));
  }

  private static double gauge(TestingPluginContext context, String name) {
    return context.meterRegistry().get(context.metricPrefix() + name).gauge().value();
  }

  @Test
  void serversAndRoutersGetTheHookTheDrainAndTheEndpoint() throws Exception {
    for (ProcessKind kind : List.of(ProcessKind.SERVER, ProcessKind.ROUTER)) {
      try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
          .processKind(kind).build()) {
        TestingExtensions added = context.start();
        assertEquals(1, added.requestHooks().size(), kind.id());
        assertEquals(1, added.lifecycleHooks().size(), kind.id());
        assertEquals(List.of(""), added.httpEndpoints().stream().map(PluginHttpEndpoint::path)
            .toList(), kind.id());
      }
    }
  }

  @Test
  void aQuietPeriodNotShorterThanTheTimeoutIsRefusedNamingBothKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> TestingPluginContext
        .builder(newPlugin()).config("drain.timeout.seconds", "2").config("quiet-period", "2s")
        .build());
    assertTrue(e.getMessage().contains("plugins.graceful-drain.quiet-period=2s")
        && e.getMessage().contains("plugins.graceful-drain.drain.timeout.seconds=2"),
        e.getMessage());
  }

  /**
   * The host's stop sequence: DRAINING begins the drain (calls from then on are timed), {@code
   * onDrain} waits while a call is in flight and returns once it ended and the quiet period passed.
   */
  @Test
  void onDrainWaitsForTheCallInFlightAndTheQuietPeriod() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      RequestHook hook = added.requestHooks().get(0);
      context.host().servingLifecycle().moveTo(ServingState.READY, "");
      RequestScope early = hook.onRequest(GET);
      context.host().servingLifecycle().moveTo(ServingState.DRAINING, "draining");
      assertEquals("DRAINING", json(added.endpoint("").handle(request("GET", "", Map.of())))
          .get("state").asText());

      CompletableFuture<Void> onDrain = CompletableFuture.runAsync(
          () -> added.lifecycleHooks().get(0).onDrain());
      context.time().advance(Duration.ofMillis(300));
      RequestScope late = hook.onRequest(GET); // a router still routing here
      late.onEnd(OK);
      context.time().advance(Duration.ofMillis(2000));
      assertEquals(1.0, gauge(context, "requests.in.flight"));
      assertFalse(onDrain.isDone(), "a call is in flight");
      early.onEnd(OK); // the last end wakes onDrain: quiet since 0.3 s, now 2.3 s
      Await.until(onDrain::isDone, () -> "onDrain to return");

      JsonNode status = json(added.endpoint("").handle(request("GET", "", Map.of())));
      assertEquals("DRAINED", status.get("state").asText());
      assertEquals("DRAINING", status.get("servingState").asText());
      assertEquals(0, status.get("inFlight").asLong());
      assertEquals("2026-01-01T00:00:00Z", status.get("drainStartedAt").asText());
      assertEquals("2026-01-01T00:00:00.300Z", status.get("lastRequestAt").asText());
      assertEquals(2.3, status.get("drainSeconds").asDouble(), 1e-9);
      assertEquals(0.3, gauge(context, "last.request.after.start"), 1e-9);
      assertEquals(2.3, gauge(context, "duration"), 1e-9);
      assertEquals(0.0, context.meterRegistry().get(context.metricPrefix()
          + "refused.after.deadline").functionCounter().count());
    }
  }

  @Test
  void postDrainBeginsOnceAsksTheHostToStopAndAnswersTheStateEachTime() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("drain.timeout.seconds", "20").build()) {
      TestingExtensions added = context.start();
      context.host().servingLifecycle().moveTo(ServingState.READY, "");
      RequestScope inFlight = added.requestHooks().get(0).onRequest(GET);
      PluginHttpResponse first = added.endpoint("").handle(
          request("POST", "drain", Map.of("timeout", "5s")));
      assertEquals(202, first.status());
      JsonNode body = json(first);
      assertEquals("DRAINING", body.get("state").asText());
      assertEquals(1, body.get("inFlight").asLong());
      assertEquals(5.0, body.get("timeoutSeconds").asDouble());
      assertTrue(context.host().servingLifecycle().stopRequested(), "requestStop was called");

      context.time().advance(Duration.ofSeconds(1));
      JsonNode second = json(added.endpoint("").handle(
          request("POST", "drain", Map.of("timeout", "60"))));
      assertEquals("DRAINING", second.get("state").asText());
      assertEquals(5.0, second.get("timeoutSeconds").asDouble(), "the first deadline stands");
      assertEquals("2026-01-01T00:00:00Z", second.get("drainStartedAt").asText());

      // the host drains: the call never ends, the deadline passes, new calls are refused
      context.host().servingLifecycle().moveTo(ServingState.DRAINING, "draining");
      context.time().advance(Duration.ofSeconds(4));
      added.lifecycleHooks().get(0).onDrain(); // past the deadline: returns at once
      RequestScope refused = added.requestHooks().get(0).onRequest(GET);
      assertEquals(Optional.of("server localhost_7000 is stopping: drain deadline passed"),
          refused.refusal());
      refused.onEnd(new RequestEnd(14, "UNAVAILABLE", ""));
      JsonNode after = json(added.endpoint("").handle(request("GET", "", Map.of())));
      assertEquals("DEADLINE_PASSED", after.get("state").asText());
      assertEquals(1, after.get("refusedAfterDeadline").asLong());
      assertEquals(1, after.get("inFlight").asLong());
      assertEquals(1.0, context.meterRegistry().get(context.metricPrefix()
          + "refused.after.deadline").functionCounter().count());
      inFlight.onEnd(OK);
    }
  }

  @Test
  void badRequestsNameWhatIsWrong() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      PluginHttpEndpoint endpoint = context.start().endpoint("");
      for (String bad : List.of("soon", "0", "-5", "500ms", "1s", "2h", "PT2H", "30 sec", "")) {
        PluginHttpResponse answer = endpoint.handle(request("POST", "drain",
            Map.of("timeout", bad)));
        JsonNode body = json(answer);
        assertEquals(400, answer.status(), bad);
        assertEquals("timeout", body.get("parameter").asText(), bad);
        assertTrue(body.get("error").asText().startsWith("timeout=" + bad + " is not allowed"),
            body.toString());
      }
      PluginHttpResponse unknown = endpoint.handle(request("POST", "drain",
          Map.of("deadline", "5s")));
      assertEquals(400, unknown.status());
      assertEquals("deadline", json(unknown).get("parameter").asText());
      assertEquals(405, endpoint.handle(request("GET", "drain", Map.of())).status());
      assertEquals(405, endpoint.handle(request("POST", "", Map.of())).status());
      assertEquals(404, endpoint.handle(request("GET", "nope", Map.of())).status());
      assertFalse(context.host().servingLifecycle().stopRequested(), "no bad request stops");
      assertEquals("SERVING", json(endpoint.handle(request("GET", "", Map.of())))
          .get("state").asText());

      for (String good : List.of("1500ms", "PT10S", "90", "2m", "1h")) {
        try (TestingPluginContext fresh = TestingPluginContext.builder(newPlugin()).build()) {
          PluginHttpResponse answer = fresh.start().endpoint("").handle(
              request("POST", "drain", Map.of("timeout", good)));
          assertEquals(202, answer.status(), good);
        }
      }
    }
  }
}
