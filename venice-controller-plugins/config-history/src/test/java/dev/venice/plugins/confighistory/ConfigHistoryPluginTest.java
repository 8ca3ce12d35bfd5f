package dev.venice.plugins.confighistory;

import static dev.venice.plugins.confighistory.Mutations.mutation;
import static dev.venice.plugins.confighistory.Mutations.store;
import static dev.venice.plugins.confighistory.Mutations.success;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: the hook records store-config mutations in the controller's
 * state store, the endpoint serves them newest first with {@code limit}, and answers 404 naming a
 * store without history, 400 for a bad store or limit, 405 for another method; a failed append
 * is counted, not thrown.
 */
class ConfigHistoryPluginTest extends PluginContractTest<ConfigHistoryPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected ConfigHistoryPlugin newPlugin() {
    return new ConfigHistoryPlugin();
  }

  /** One update recorded, the history read, one append failing (a node of a newer format). */
  @Override
  protected void exercise(ConfigHistoryPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    update(extensions, "users", 1);
    get(extensions, Map.of("store", "users"));
    context.controller().orElseThrow().stateStore().create("stores/newer", new byte[] {9});
    update(extensions, "newer", 1);
  }

  private static void update(TestingExtensions extensions, String store, int versions) {
    extensions.adminMutationHooks().get(0).after(mutation(AdminOperation.UPDATE_STORE, store,
            store(store, versions, Map.of(), null), 1_000L * versions),
        success(store(store, versions + 1, Map.of(), null)));
  }

  private static PluginHttpResponse get(TestingExtensions extensions, Map<String, String> query)
      throws Exception {
    Map<String, List<String>> parameters = new java.util.HashMap<>();
    query.forEach((k, v) -> parameters.put(k, List.of(v)));
    return extensions.endpoint("history").handle(new PluginHttpRequest("GET", "history",
        parameters, Map.of(), new byte[0]));
  }

  private static JsonNode json(PluginHttpResponse response) throws Exception {
    return JSON.readTree(response.body());
  }

  @Test
  void theHistoryIsServedNewestFirstWithItsLimit() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("max-entries", "3").build()) {
      TestingExtensions added = context.start();
      for (int v = 1; v <= 4; v++) {
        update(added, "users", v);
      }
      JsonNode all = json(get(added, Map.of("store", "users")));
      assertEquals(3, all.path("entries").asInt());
      assertEquals(3, all.path("maxEntries").asInt());
      assertEquals(3, all.path("version").asInt());
      JsonNode newest = all.path("history").get(0);
      assertEquals(3, all.path("history").size());
      assertEquals(3, newest.path("seq").asInt());
      assertEquals("UPDATE_STORE", newest.path("operation").asText());
      assertEquals("alice", newest.path("principal").asText());
      assertEquals("1970-01-01T00:00:04Z", newest.path("time").asText());
      assertEquals(4_000L, newest.path("timeMs").asLong());
      JsonNode change = newest.path("changes").get(0);
      assertEquals("numVersionsToPreserve", change.path("field").asText());
      assertEquals("changed", change.path("change").asText());
      assertEquals(4, change.path("old").asInt());
      assertEquals(5, change.path("new").asInt());
      assertEquals(5, newest.path("config").path("numVersionsToPreserve").asInt());
      assertTrue(newest.path("config").path("versions").isMissingNode());

      JsonNode one = json(get(added, Map.of("store", "users", "limit", "1")));
      assertEquals(1, one.path("history").size());
      assertEquals(3, one.path("entries").asInt());
      assertEquals(1.0, context.meterRegistry().get("venice.controller.config.history.rotated")
          .tag("reason", "max-entries").counter().count());
    }
  }

  @Test
  void errorsNameTheStoreOrTheParameter() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      PluginHttpResponse none = get(added, Map.of("store", "nobody"));
      assertEquals(404, none.status());
      assertTrue(json(none).path("error").asText().contains("store nobody has no config history"),
          json(none).toString());
      assertEquals("NO_CONFIG_HISTORY", json(none).path("errorType").asText());

      PluginHttpResponse missing = get(added, Map.of());
      assertEquals(400, missing.status());
      assertEquals("store", json(missing).path("parameter").asText());
      PluginHttpResponse bad = get(added, Map.of("store", "a/b"));
      assertEquals(400, bad.status());
      assertTrue(json(bad).path("error").asText().contains("'a/b' is invalid"));
      for (String limit : new String[] {"0", "1001", "x"}) {
        PluginHttpResponse badLimit = get(added, Map.of("store", "users", "limit", limit));
        assertEquals(400, badLimit.status(), limit);
        assertEquals("limit", json(badLimit).path("parameter").asText());
      }
      PluginHttpResponse post = added.endpoint("history").handle(new PluginHttpRequest("POST",
          "history", Map.of(), Map.of(), new byte[0]));
      assertEquals(405, post.status());
    }
  }

  @Test
  void aFailedAppendIsCountedAndNeverThrownToTheAdminCall() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.controller().orElseThrow().stateStore().create("stores/newer", new byte[] {9});
      update(added, "newer", 1);
      assertEquals(1.0, context.meterRegistry().get("venice.controller.config.history.failed")
          .counter().count());
      assertEquals(500, get(added, Map.of("store", "newer")).status());
    }
  }
}
