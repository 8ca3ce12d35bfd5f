package dev.venice.plugins.leadershiphistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.Await;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingControllerHost;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: leadership changes of the host become recorded events
 * (off the caller's thread) and metrics, served newest first by the endpoint, which names a bad
 * {@code limit}.
 */
class LeadershipHistoryPluginTest extends PluginContractTest<LeadershipHistoryPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected LeadershipHistoryPlugin newPlugin() {
    return new LeadershipHistoryPlugin();
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.CONTROLLER);
  }

  /** A gain, a loss and a read of the endpoint. */
  @Override
  protected void exercise(LeadershipHistoryPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    TestingControllerHost host = (TestingControllerHost) context.controller().orElseThrow();
    host.gainLeadership();
    host.loseLeadership();
    extensions.endpoint("events").handle(get(Map.of()));
  }

  @Test
  void gainsAndLossesAreRecordedCountedAndServedNewestFirst() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      TestingControllerHost host = (TestingControllerHost) context.controller().orElseThrow();
      host.gainLeadership();
      context.time().advance(Duration.ofSeconds(90));
      host.loseLeadership();
      host.gainLeadership();
      Await.until(() -> events(added, Map.of()).size() == 3, Duration.ofSeconds(10),
          () -> "three events recorded");
      JsonNode events = events(added, Map.of());
      assertEquals(List.of("ACQUIRED", "LOST", "ACQUIRED"), List.of(events.get(2).path("type")
          .asText(), events.get(1).path("type").asText(), events.get(0).path("type").asText()));
      assertEquals(90_000, events.get(1).path("durationMs").asLong());
      assertEquals(1, events(added, Map.of("limit", "1")).size());
      assertEquals(2.0, context.meterRegistry()
          .get("venice.controller.leadership.history.acquired").counter().count());
      assertEquals(90.0, context.meterRegistry()
          .get("venice.controller.leadership.history.duration").summary().totalAmount());

      PluginHttpResponse bad = added.endpoint("events").handle(get(Map.of("limit", "0")));
      assertEquals(400, bad.status());
      String error = new String(bad.body(), StandardCharsets.UTF_8);
      assertTrue(error.contains("limit '0'"), error);
    }
  }

  private static JsonNode events(TestingExtensions added, Map<String, String> query) {
    try {
      PluginHttpResponse answer = added.endpoint("events").handle(get(query));
      assertEquals(200, answer.status());
      return JSON.readTree(answer.body()).path("events");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PluginHttpRequest get(Map<String, String> query) {
    return new PluginHttpRequest("GET", "events", query.entrySet().stream().collect(
        java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
        Map.of(), new byte[0]);
  }
}
