package dev.venice.plugins.hotkeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: one object is the read and ingestion hook, the endpoint
 * serves its summaries, answers 400 and 404 naming the parameter, and the meters count.
 */
class HotKeysPluginTest extends PluginContractTest<HotKeysPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ReadOutcome FOUND = new ReadOutcome(true, 10, 1000, false);

  @Override
  protected HotKeysPlugin newPlugin() {
    return new HotKeysPlugin();
  }

  /** Reads of two partitions, the endpoint, and a replica closing. */
  @Override
  protected void exercise(HotKeysPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
    ReadHook hook = extensions.readHooks().get(0);
    hook.afterRead(read("users", 0, new byte[] {1}), FOUND);
    hook.afterRead(read("users", 1, new byte[] {2}), FOUND);
    extensions.endpoint("top").handle(get(Map.of("store", "users")));
    extensions.ingestionHooks().get(0).onPartitionClosed(
        new PartitionEvent("users", 1, 1, false, false));
  }

  private static ReadRequest read(String store, int partition, byte[] key) {
    return new ReadRequest(store, 1, partition, key, Map.of());
  }

  private static PluginHttpRequest get(Map<String, String> query) {
    return new PluginHttpRequest("GET", "top", query.entrySet().stream().collect(
        java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))),
        Map.of(), new byte[0]);
  }

  @Test
  void theEndpointListsEachPartitionsHotKeysWithCountsErrorsAndTotals() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("top-k", "3").build()) {
      TestingExtensions added = context.start();
      assertSame(added.readHooks().get(0), added.ingestionHooks().get(0),
          "closing a replica drops the summary the read hook fills");
      context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
      ReadHook hook = added.readHooks().get(0);
      for (int i = 0; i < 10; i++) {
        hook.afterRead(read("users", 0, new byte[] {7}), FOUND);
      }
      for (int i = 0; i < 5; i++) { // more distinct keys than counters: replacements
        hook.afterRead(read("users", 0, new byte[] {(byte) i}), FOUND);
      }
      hook.afterRead(read("users", 1, new byte[] {9}), new ReadOutcome(false, 0, 1, true));

      PluginHttpResponse answer = added.endpoint("top").handle(get(Map.of("store", "users",
          "top", "2")));
      assertEquals(200, answer.status());
      JsonNode body = JSON.readTree(answer.body());
      assertEquals(1, body.path("version").asInt());
      JsonNode p0 = body.path("partitions").get(0);
      assertEquals(0, p0.path("partition").asInt());
      assertEquals(15, p0.path("total").asLong());
      assertEquals(3, p0.path("capacity").asInt());
      assertTrue(p0.path("minCount").asLong() >= 1, p0.toString());
      assertEquals(2, p0.path("entries").size(), "top=2");
      JsonNode first = p0.path("entries").get(0);
      assertEquals(Base64.getEncoder().encodeToString(new byte[] {7}), first.path("key").asText());
      assertEquals(10, first.path("count").asLong());
      assertEquals(0, first.path("error").asLong());
      assertEquals(1, body.path("partitions").get(1).path("total").asLong(),
          "a lookup answered by another hook is counted too");

      JsonNode one = JSON.readTree(added.endpoint("top").handle(get(Map.of("store", "users",
          "partition", "1"))).body());
      assertEquals(1, one.path("partitions").size());

      assertEquals(16.0, context.meterRegistry().get("venice.server.hot.keys.updates")
          .functionCounter().count());
      assertEquals(2.0, context.meterRegistry().get("venice.server.hot.keys.tracked.partitions")
          .gauge().value());
      added.ingestionHooks().get(0).onPartitionClosed(
          new PartitionEvent("users", 1, 1, false, false));
      assertEquals(1.0, context.meterRegistry().get("venice.server.hot.keys.tracked.partitions")
          .gauge().value());
      assertEquals(16.0, context.meterRegistry().get("venice.server.hot.keys.updates")
          .functionCounter().count(), "the counter never goes back when a summary is dropped");
    }
  }

  @Test
  void badOrUnknownStoresAndParametersAreRefusedByName() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
      assertError(added, Map.of(), 400, "store");
      assertError(added, Map.of("store", "nope"), 404, "nope");
      assertError(added, Map.of("store", "users", "partition", "2"), 400, "partition 2");
      assertError(added, Map.of("store", "users", "partition", "x"), 400, "partition x");
      assertError(added, Map.of("store", "users", "top", "0"), 400, "top 0");
      JsonNode empty = JSON.readTree(added.endpoint("top").handle(
          get(Map.of("store", "users"))).body());
      assertEquals(0, empty.path("partitions").size(), "a known store with no reads yet");
    }
  }

  private static void assertError(TestingExtensions added, Map<String, String> query, int status,
      String named) throws Exception {
    PluginHttpResponse answer = added.endpoint("top").handle(get(query));
    String body = new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(status, answer.status(), body);
    assertTrue(body.contains(named), body);
  }

  @Test
  void topKIsReadPerStoreWhenItsFirstSummaryIsCreated() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.putStoreSettings("users", Map.of("top-k", "5"));
      added.readHooks().get(0).afterRead(read("users", 0, new byte[] {1}), FOUND);
      JsonNode body = JSON.readTree(added.endpoint("top").handle(
          get(Map.of("store", "users"))).body());
      assertEquals(5, body.path("partitions").get(0).path("capacity").asInt());
    }
  }
}
