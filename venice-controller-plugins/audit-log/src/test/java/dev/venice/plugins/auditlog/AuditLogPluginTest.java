package dev.venice.plugins.auditlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.testkit.Await;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract (with a recording sink instead of Kafka), and the wiring: the hook publishes
 * each mutation with the controller's id, the endpoint names the topic and the schemas, and a
 * host without Kafka refuses the plugin at start.
 */
class AuditLogPluginTest extends PluginContractTest<AuditLogPlugin> {
  private final AuditLogTest.RecordingSink sink =
      new AuditLogTest.RecordingSink(new CountDownLatch(0), false);

  @Override
  protected AuditLogPlugin newPlugin() {
    return new AuditLogPlugin((config, host) -> sink);
  }

  private static AdminMutation mutation(String store) {
    return new AdminMutation(AdminOperation.UPDATE_STORE, "c1", store,
        new Caller("alice", "10.1.2.3:4567"), Instant.ofEpochMilli(1_700_000_000_000L),
        Map.of("partitionCount", 4), Map.of("partitionCount", 8), false);
  }

  /** One mutation published, the endpoint read. */
  @Override
  protected void exercise(AuditLogPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    int before = sink.keys.size();
    extensions.adminMutationHooks().get(0).after(mutation("users"),
        new AdminOutcome(true, null, Map.of("partitionCount", 8)));
    Await.until(() -> sink.keys.size() > before, () -> "the event for users published");
    extensions.endpoint("").handle(new PluginHttpRequest("GET", "", Map.of(), Map.of(),
        new byte[0]));
  }

  @Test
  void eachMutationIsPublishedKeyedByItsStoreAndTheEndpointNamesTopicAndSchemas()
      throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("topic", "audit-topic").build()) {
      context.host().instanceId("controller_1");
      TestingExtensions added = context.start();
      added.adminMutationHooks().get(0).after(mutation("users"),
          new AdminOutcome(true, null, Map.of()));
      Await.until(() -> sink.keys.contains("users"), () -> "the event keyed users");
      assertEquals(1.0, context.meterRegistry().get("venice.controller.audit.log.published")
          .counter().count());

      PluginHttpResponse answer = added.endpoint("").handle(new PluginHttpRequest("GET", "",
          Map.of(), Map.of(), new byte[0]));
      String body = new String(answer.body(), StandardCharsets.UTF_8);
      assertEquals(200, answer.status());
      assertTrue(body.contains("\"topic\":\"audit-topic\"") && body.contains("AuditEvent"), body);
    }
  }

  @Test
  void aHostWithoutKafkaRefusesThePluginAtStart() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(new AuditLogPlugin())
        .build()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, context::start);
      assertTrue(refused.getMessage().contains("needs a host with Kafka"), refused.getMessage());
    }
  }
}
