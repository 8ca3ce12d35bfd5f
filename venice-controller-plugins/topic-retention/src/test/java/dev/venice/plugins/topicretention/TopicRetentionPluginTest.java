package dev.venice.plugins.topicretention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.StoreVersion;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.testkit.Await;
import dev.venice.testkit.CapturingLogger;
import dev.venice.testkit.ManualTimeSource;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingAdminActions;
import dev.venice.testkit.TestingControllerHost;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The plugin contract (with a fake Kafka), and the wiring: the task acts on the leader only (a
 * standby lists nothing and says so), a gain of leadership runs it at once, a stale topic is
 * warned about once, a failed run is counted and reported; the metrics; the endpoint's answers;
 * a host without Kafka refuses the plugin at start.
 */
class TopicRetentionPluginTest extends PluginContractTest<TopicRetentionPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TestingControllerHost controller = new TestingControllerHost("c_1",
      new ManualTimeSource());
  private final FakeKafka kafka = new FakeKafka(controller.adminActions());

  @Override
  protected TopicRetentionPlugin newPlugin() {
    return new TopicRetentionPlugin(host -> kafka);
  }

  /** A leader's run over a stale topic and a mismatch, then the report read. */
  @Override
  protected void exercise(TopicRetentionPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.controller().map(TestingControllerHost.class::cast).orElseThrow().gainLeadership();
    context.stores().put("users", Map.of());
    kafka.topic("users_v1", Duration.ofDays(7)).topic("ghost_v1", Duration.ofDays(1));
    extensions.backgroundTasks().get(0).run();
    report(extensions, "report");
  }

  private static PluginHttpResponse report(TestingExtensions extensions, String path)
      throws Exception {
    return extensions.endpoint("").handle(new PluginHttpRequest("GET", path, Map.of(), Map.of(),
        new byte[0]));
  }

  private static JsonNode json(PluginHttpResponse answer) throws Exception {
    return JSON.readTree(new String(answer.body(), StandardCharsets.UTF_8));
  }

  private TestingPluginContext context(CapturingLogger log) throws Exception {
    return TestingPluginContext.builder(newPlugin()).controllerHost(controller)
        .config("stale-grace-period", "0s").logger(log).build();
  }

  @Test
  void aStandbyDoesNothingAndSaysSo() throws Exception {
    try (TestingPluginContext context = context(new CapturingLogger("t"))) {
      TestingExtensions added = context.start();
      kafka.topic("ghost_v1", Duration.ofDays(1));
      BackgroundTask task = added.backgroundTasks().get(0);
      assertEquals("enforce", task.name());
      assertEquals(Duration.ofHours(1), task.interval());
      task.run();
      JsonNode body = json(report(added, "report"));
      assertFalse(body.path("leader").asBoolean(), body.toString());
      assertFalse(body.path("lastRun").path("leader").asBoolean(), body.toString());
      assertEquals(0, body.path("lastRun").path("topicsSeen").asInt(), body.toString());
      assertEquals(0, kafka.describeCalls());
      assertEquals(0.0, context.meterRegistry().get("venice.controller.topic.retention.stale"
          + ".topics").gauge().value());
    }
  }

  @Test
  void theLeaderRunsAtOnceOnAGainWarnsOnceAndCountsInMetrics() throws Exception {
    CapturingLogger log = new CapturingLogger("t");
    try (TestingPluginContext context = context(log)) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("users", 1, 1, 1, "NO_OP", false, Map.of()));
      controller.setVersions("users", List.of(new StoreVersion(1, StoreVersion.Status.ONLINE,
          1, 1)));
      kafka.topic("users_v1", Duration.ofDays(7)).topic("ghost_v3", Duration.ofDays(1));
      controller.gainLeadership(); // runs on the plugin's scheduler at once
      Await.until(() -> controller.adminActions().calls().size() == 1,
          () -> "the fix of users_v1 on the gain of leadership");
      Await.until(() -> log.messagesAt(Level.WARN).stream()
          .anyMatch(m -> m.contains("stale topic ghost_v3")), () -> "the warning of ghost_v3");
      added.backgroundTasks().get(0).run();

      JsonNode run = lastRun(added);
      assertTrue(run.path("leader").asBoolean(), run.toString());
      assertEquals("ghost_v3", run.path("stale").get(0).path("topic").asText(), run.toString());
      assertEquals("store-unknown", run.path("stale").get(0).path("reason").asText());
      assertEquals(1, log.messagesAt(Level.WARN).stream()
          .filter(m -> m.contains("stale topic ghost_v3")).count(), log.messagesAt(Level.WARN)
          .toString());
      assertEquals(List.of(new TestingAdminActions.Call("updateTopicConfigs", "users", 0, null,
          Map.of("users_v1", Map.of("retention.ms", "432000000")), false)),
          controller.adminActions().calls());
      String prefix = "venice.controller.topic.retention.";
      assertEquals(1.0, context.meterRegistry().get(prefix + "retention.fixes").counter()
          .count());
      assertEquals(1.0, context.meterRegistry().get(prefix + "stale.topics").gauge().value());
      assertEquals(0.0, context.meterRegistry().get(prefix + "retention.mismatches").gauge()
          .value(), "fixed by the first run");
      assertEquals(2.0, context.meterRegistry().get(prefix + "runs").counter().count());
    }
  }

  @Test
  void aFailedRunIsCountedLoggedAndReported() throws Exception {
    CapturingLogger log = new CapturingLogger("t");
    try (TestingPluginContext context = context(log)) {
      TestingExtensions added = context.start();
      controller.gainLeadership();
      Await.until(() -> lastRun(added) != null, () -> "the run on the gain");
      kafka.failing(true);
      added.backgroundTasks().get(0).run();
      assertTrue(lastRun(added).path("error").asText().contains("did not answer"),
          lastRun(added).toString());
      assertEquals(1.0, context.meterRegistry().get("venice.controller.topic.retention.run"
          + ".failures").counter().count());
      assertTrue(log.messagesAt(Level.WARN).stream().anyMatch(m -> m.contains("run failed")));
      kafka.failing(false);
    }
  }

  @Test
  void theEndpointAnswersGetOnTheReportOnly() throws Exception {
    try (TestingPluginContext context = context(new CapturingLogger("t"))) {
      TestingExtensions added = context.start();
      JsonNode before = json(report(added, "report/"));
      assertTrue(before.path("lastRun").isNull(), before.toString());
      assertEquals("1h", before.path("interval").asText());
      assertEquals(404, report(added, "other").status());
      assertEquals(405, added.endpoint("").handle(new PluginHttpRequest("POST", "report",
          Map.of(), Map.of(), new byte[0])).status());
    }
  }

  @Test
  void aHostWithoutKafkaRefusesThePluginAtStart() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(new TopicRetentionPlugin())
        .build()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, context::start);
      assertTrue(refused.getMessage().contains("Kafka"), refused.getMessage());
    }
  }

  private static JsonNode lastRun(TestingExtensions added) {
    try {
      JsonNode run = json(report(added, "report")).path("lastRun");
      return run.isNull() ? null : run;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
