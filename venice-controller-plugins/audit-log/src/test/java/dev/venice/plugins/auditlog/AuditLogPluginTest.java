package dev.venice.plugins.auditlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.spi.security.Resource;
import dev.venice.testkit.Await;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plugin contract (with a recording sink instead of Kafka, on a controller), and the wiring:
 * on every kind the denial listener publishes each denial with the recording process's id and
 * cluster; the hook publishes each mutation (on servers and routers the host reports only its
 * plugins' endpoint changes); on controllers only, the endpoint names the topic
 * and the schemas; a host whose Kafka settings lack {@code bootstrap.servers} refuses the plugin
 * at start.
 */
class AuditLogPluginTest extends PluginContractTest<AuditLogPlugin> {
  private final AuditLogTest.RecordingSink sink =
      new AuditLogTest.RecordingSink(new CountDownLatch(0), false);

  @Override
  protected AuditLogPlugin newPlugin() {
    return new AuditLogPlugin((config, host) -> sink);
  }

  @Override
  protected Set<ProcessKind> expectedProcessKinds() {
    return Set.of(ProcessKind.CONTROLLER, ProcessKind.SERVER, ProcessKind.ROUTER);
  }

  /** On a controller, where the plugin adds the most (listener, hook and endpoint). */
  @Override
  protected TestingPluginContext.Builder contextBuilder(AuditLogPlugin plugin) {
    return TestingPluginContext.builder(plugin).processKind(ProcessKind.CONTROLLER);
  }

  private static AdminMutation mutation(String store) {
    return new AdminMutation(AdminOperation.UPDATE_STORE, "c1", store,
        new Caller("alice", "10.1.2.3:4567"), Instant.ofEpochMilli(1_700_000_000_000L),
        Map.of("partitionCount", 4), Map.of("partitionCount", 8), false);
  }

  /** One denial published; on a controller also one mutation, and the endpoint read. */
  @Override
  protected void exercise(AuditLogPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    int before = sink.keys.size();
    extensions.accessDenialListeners().get(0).onDenied(
        AuditLogTest.denial(Resource.store("users"), "get"));
    Await.until(() -> sink.keys.size() > before, () -> "the denial for users published");
    if (context.processKind() == ProcessKind.CONTROLLER) {
      extensions.adminMutationHooks().get(0).after(mutation("users"),
          new AdminOutcome(true, null, Map.of("partitionCount", 8)));
      Await.until(() -> sink.keys.size() > before + 1, () -> "the event for users published");
      extensions.endpoint("").handle(new PluginHttpRequest("GET", "", Map.of(), Map.of(),
          new byte[0]));
    }
  }

  @Test
  void eachMutationIsPublishedKeyedByItsStoreAndTheEndpointNamesTopicAndSchemas()
      throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .processKind(ProcessKind.CONTROLLER).config("topic", "audit-topic").build()) {
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
      JsonNode schemas = new ObjectMapper().readTree(body).get("schemas");
      assertEquals(2, schemas.size(), "v1 and v2, oldest first: " + body);
      assertEquals(AuditEvents.SCHEMA_V1, new Schema.Parser().parse(schemas.get(0).toString()));
      assertEquals(AuditEvents.SCHEMA, new Schema.Parser().parse(schemas.get(1).toString()));
      assertEquals(1, added.accessDenialListeners().size());
    }
  }

  @ParameterizedTest
  @EnumSource(value = ProcessKind.class, names = {"SERVER", "ROUTER"})
  void onServersAndRoutersDenialsAndPluginEndpointChangesArePublished(
      ProcessKind kind) throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .processKind(kind).build()) {
      context.host().instanceId(kind.id() + "_7777").clusterName("venice-c1");
      TestingExtensions added = context.start();
      // the host reports only the changes made through its plugins' endpoints (a drain) there
      assertEquals(1, added.adminMutationHooks().size(), "the admin hook on a " + kind.id());
      assertTrue(added.httpEndpoints().isEmpty(), "no endpoint on a " + kind.id());
      assertEquals(1, added.accessDenialListeners().size());

      added.accessDenialListeners().get(0).onDenied(
          AuditLogTest.denial(Resource.store("users"), "batch-get"));
      Await.until(() -> sink.sent.size() == 1, () -> "the denial published");
      AuditLogTest.Sent sent = sink.sent.get(0);
      assertEquals("users", sent.key());
      assertEquals(Map.of("principal", "mallory", "operation", "batch-get", "decision", "DENIED",
          "resource", "store users"), sent.headers());
      GenericRecord event = sent.decoded();
      assertEquals("venice-c1", event.get("cluster").toString());
      assertEquals(kind.id() + "_7777", event.get("controller").toString());
      assertEquals("acl: mallory may not read users", event.get("reason").toString());
      assertEquals(false, event.get("success"));
      assertEquals(1.0, context.meterRegistry().get("venice." + kind.id()
          + ".audit.log.published").counter().count());
    }
  }

  @Test
  void aHostWithoutKafkaRefusesThePluginAtStart() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(new AuditLogPlugin())
        .processKind(ProcessKind.CONTROLLER).build()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, context::start);
      assertTrue(refused.getMessage().contains("needs a host with Kafka"), refused.getMessage());
      assertTrue(refused.getMessage().contains("bootstrap.servers"), refused.getMessage());
    }
  }

  @Test
  void aRouterWhoseKafkaSettingsLackBootstrapServersRefusesThePluginNamingIt()
      throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(new AuditLogPlugin())
        .processKind(ProcessKind.ROUTER).build()) {
      context.host().kafkaClientConfig(Map.of("security.protocol", "SSL"));
      IllegalStateException refused = assertThrows(IllegalStateException.class, context::start);
      assertTrue(refused.getMessage().contains("router's Kafka client settings have no"
          + " bootstrap.servers"), refused.getMessage());
      assertTrue(refused.getMessage().contains("kafka.bootstrap.servers"), refused.getMessage());
    }
  }
}
