package dev.venice.plugins.storedependencies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.config.PluginConfig;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminMutationHook;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.ProcessKind;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingControllerHost;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: the guard refuses a store naming itself, a store that does
 * not exist or a cycle (naming it), lets other changes through, warns when an upstream store is
 * deleted, and sees this leader's own writes before the store metadata does (until leadership
 * changes); the key's format is refused naming it; the endpoints answer the dependencies both
 * ways and the graph, 404 naming a missing store and 400 naming a bad parameter.
 */
class StoreDependenciesPluginTest extends PluginContractTest<StoreDependenciesPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = StoreDependenciesConfig.FULL_KEY;

  @Override
  protected StoreDependenciesPlugin newPlugin() {
    return new StoreDependenciesPlugin();
  }

  /** A check refused and one passed, a deletion warned about, both endpoints read. */
  @Override
  protected void exercise(StoreDependenciesPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    put(context, "a", null);
    put(context, "b", "a");
    AdminMutationHook guard = extensions.adminMutationHooks().get(0);
    guard.before(update("a", "b"));
    guard.before(update("a", "x"));
    guard.before(update("a", "a"));
    guard.before(update("b", null));
    guard.before(mutation(AdminOperation.DELETE_STORE, "a", Map.of()));
    get(extensions, "dependencies", Map.of("store", "b"));
    get(extensions, "graph", Map.of());
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Sets a store in the store metadata with {@code upstream} as its raw setting (null: none). */
  private static void put(TestingPluginContext context, String store, String upstream) {
    Map<String, String> settings = upstream == null ? Map.of() : Map.of(KEY, upstream);
    context.stores().put(new StoreInfo(store, 1, 1, 1, "NO_OP", false, settings));
  }

  private static AdminMutation mutation(AdminOperation operation, String store,
      Map<String, Object> requested) {
    return new AdminMutation(operation, "c1", store, new Caller("alice", "10.1.2.3:4567"),
        Instant.ofEpochMilli(1_764_600_000_000L), Map.of(), requested, false);
  }

  /** A store update setting the raw {@code upstream-stores} value, {@code null} removing it. */
  private static AdminMutation update(String store, String upstream) {
    return mutation(AdminOperation.UPDATE_STORE, store, Map.of("pluginSettings",
        settings(upstream)));
  }

  private static Map<String, Object> settings(String upstream) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(KEY, upstream);
    return settings;
  }

  /** The successful outcome of a store change leaving {@code upstream} as its setting. */
  private static AdminOutcome after(String upstream) {
    Map<String, Object> settings = new TreeMap<>();
    if (upstream != null) {
      settings.put(KEY, upstream);
    }
    return new AdminOutcome(true, null, Map.of("name", "s", "pluginSettings", settings));
  }

  private static PluginHttpResponse get(TestingExtensions extensions, String path,
      Map<String, String> query) throws Exception {
    Map<String, List<String>> parameters = new HashMap<>();
    query.forEach((k, v) -> parameters.put(k, List.of(v)));
    return extensions.endpoint("").handle(new PluginHttpRequest("GET", path, parameters,
        Map.of(), new byte[0]));
  }

  private static JsonNode json(PluginHttpResponse response) throws Exception {
    return JSON.readTree(response.body());
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new java.util.ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private TestingPluginContext context() throws Exception {
    return TestingPluginContext.builder(newPlugin()).processKind(ProcessKind.CONTROLLER).build();
  }

  // ---- the guard ----------------------------------------------------------------------------

  @Test
  void aCycleASelfReferenceAndAMissingStoreAreVetoedNamingThem() throws Exception {
    try (TestingPluginContext context = context()) {
      AdminMutationHook guard = context.start().adminMutationHooks().get(0);
      put(context, "a", null);
      put(context, "b", "a");
      put(context, "c", "b");

      AdminVerdict cycle = guard.before(update("a", "c"));
      assertTrue(cycle.vetoed());
      assertEquals("store a cannot read from c: that would make a dependency cycle"
          + " a -> c -> b -> a (each store reads the next)", cycle.reason());

      AdminVerdict self = guard.before(update("b", "a, b"));
      assertTrue(self.vetoed());
      assertTrue(self.reason().startsWith("store b cannot be upstream of itself"), self.reason());

      AdminVerdict missing = guard.before(update("c", "b,nope,gone"));
      assertTrue(missing.vetoed());
      assertEquals("store c cannot read from stores nope, gone: they do not exist",
          missing.reason());

      AdminVerdict created = guard.before(mutation(AdminOperation.CREATE_STORE, "d",
          Map.of("name", "d", "pluginSettings", settings("c,a"))));
      assertFalse(created.vetoed(), created.reason());
      assertFalse(guard.before(update("a", null)).vetoed(), "removing the key is always fine");
      assertFalse(guard.before(mutation(AdminOperation.UPDATE_STORE, "a",
          Map.of("numVersionsToPreserve", 3))).vetoed(), "other changes are not checked");
      assertEquals(1.0, context.meterRegistry().get(context.metricPrefix() + "vetoed")
          .tag("reason", "cycle").counter().count());
    }
  }

  @Test
  void deletingAnUpstreamStoreProceedsWithAWarningNamingItsReaders() throws Exception {
    try (TestingPluginContext context = context()) {
      AdminMutationHook guard = context.start().adminMutationHooks().get(0);
      put(context, "a", null);
      put(context, "b", "a");
      put(context, "c", "a");
      put(context, "d", "b");
      AdminVerdict verdict = guard.before(mutation(AdminOperation.DELETE_STORE, "a", Map.of()));
      assertFalse(verdict.vetoed());
      assertEquals("store a is upstream of b, c (and, through them, of d): deleting it leaves"
          + " those stores reading a missing store", verdict.warning());
      AdminVerdict leaf = guard.before(mutation(AdminOperation.DELETE_STORE, "d", Map.of()));
      assertNull(leaf.warning());
      assertFalse(leaf.vetoed());
    }
  }

  @Test
  void thisLeadersWritesCountBeforeTheStoreMetadataSeesThemUntilLeadershipChanges()
      throws Exception {
    TestingControllerHost host = new TestingControllerHost("c1_5555",
        new dev.venice.testkit.ManualTimeSource());
    host.gainLeadership();
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .controllerHost(host).build()) {
      AdminMutationHook guard = context.start().adminMutationHooks().get(0);
      put(context, "a", null);
      put(context, "b", "a");
      put(context, "c", null); // the metadata cache has not seen c's update yet
      guard.after(update("c", "b"), after("b"));
      assertTrue(guard.before(update("a", "c")).vetoed(), "c's write is known");

      host.loseLeadership(); // another leader may have changed c since
      assertFalse(guard.before(update("a", "c")).vetoed(), "the store metadata counts again");

      guard.after(mutation(AdminOperation.DELETE_STORE, "b", Map.of()),
          new AdminOutcome(true, null, Map.of()));
      AdminVerdict readsDeleted = guard.before(update("c", "b"));
      assertEquals("store c cannot read from store b: it does not exist", readsDeleted.reason());
    }
  }

  @Test
  void theKeysFormatIsRefusedNamingTheKey() throws Exception {
    StoreDependenciesPlugin plugin = newPlugin();
    for (String bad : new String[] {"a,,b", "a,a", "a/b", ","}) {
      ConfigException e = assertThrows(ConfigException.class, () -> plugin.validate(
          PluginConfig.of("store-dependencies", plugin.configKeys(),
              Map.of("upstream-stores", bad))), bad);
      assertEquals(KEY, e.key());
      assertTrue(e.getMessage().contains(KEY), e.getMessage());
    }
    plugin.validate(PluginConfig.of("store-dependencies", plugin.configKeys(),
        Map.of("upstream-stores", " a, b_2 ,C-3")));
    assertEquals(List.of("a", "b_2", "C-3"), StoreDependenciesConfig.parse(" a, b_2 ,C-3"));
    assertEquals(List.of(), StoreDependenciesConfig.parse(""));
    try (TestingPluginContext context = context()) {
      context.start();
      dev.venice.spi.plugin.StoreSettings<PluginConfig> settings = context.storeSettings(c -> c);
      context.putStoreSettings("s", Map.of("upstream-stores", "x,,y"));
      assertEquals(settings.processWide(), settings.get("s"), "the bad value is not taken");
      assertTrue(context.storeErrors().get("s").contains(KEY), context.storeErrors().toString());
    }
  }

  // ---- the endpoints ------------------------------------------------------------------------

  @Test
  void dependenciesAreServedBothWaysDirectlyOrTransitively() throws Exception {
    try (TestingPluginContext context = context()) {
      TestingExtensions added = context.start();
      put(context, "a", null);
      put(context, "b", "a");
      put(context, "c", "b,gone");
      JsonNode up = json(get(added, "dependencies", Map.of("store", "c", "transitive", "true")));
      assertEquals("c", up.path("store").asText());
      assertEquals("upstream", up.path("direction").asText());
      assertEquals(List.of("b", "a"), texts(up.path("stores")));
      assertEquals(List.of("gone"), texts(up.path("missing")));
      JsonNode direct = json(get(added, "dependencies", Map.of("store", "c")));
      assertEquals(List.of("b"), texts(direct.path("stores")));
      JsonNode down = json(get(added, "dependencies", Map.of("store", "a", "direction",
          "downstream", "transitive", "true")));
      assertEquals(List.of("b", "c"), texts(down.path("stores")));

      PluginHttpResponse none = get(added, "dependencies", Map.of("store", "nobody"));
      assertEquals(404, none.status());
      assertEquals("store nobody does not exist", json(none).path("error").asText());
      assertEquals("NO_SUCH_STORE", json(none).path("errorType").asText());
      for (Map<String, String> bad : List.of(Map.of("store", "a/b"), Map.<String, String>of(),
          Map.of("store", "a", "direction", "sideways"),
          Map.of("store", "a", "transitive", "yes"))) {
        PluginHttpResponse answer = get(added, "dependencies", bad);
        assertEquals(400, answer.status(), bad.toString());
        String parameter = json(answer).path("parameter").asText();
        assertTrue(bad.isEmpty() ? parameter.equals("store") : bad.containsKey(parameter)
            && json(answer).path("error").asText().contains(bad.get(parameter)),
            json(answer).toString());
      }
      PluginHttpResponse post = added.endpoint("").handle(new PluginHttpRequest("POST",
          "graph", Map.of(), Map.of(), new byte[0]));
      assertEquals(405, post.status());
      assertEquals(404, get(added, "nothing", Map.of()).status());
    }
  }

  @Test
  void theGraphListsLayersCyclesAndMissingStoresWholeOrAroundAStore() throws Exception {
    try (TestingPluginContext context = context()) {
      TestingExtensions added = context.start();
      put(context, "a", null);
      put(context, "b", "a,gone");
      put(context, "x", "y"); // a cycle written before the guard, or by a race
      put(context, "y", "x");
      JsonNode graph = json(get(added, "graph", Map.of()));
      assertEquals(4, graph.path("stores").size());
      JsonNode b = graph.path("stores").get(1);
      assertEquals("b", b.path("store").asText());
      assertEquals(List.of("a", "gone"), texts(b.path("upstream")));
      assertEquals(1, b.path("layer").asInt());
      assertTrue(graph.path("stores").get(2).path("layer").isNull());
      assertEquals("[[\"x\",\"y\",\"x\"]]", graph.path("cycles").toString());
      JsonNode missing = graph.path("missing");
      assertEquals(1, missing.size());
      assertEquals("gone", missing.get(0).path("store").asText());
      assertEquals(List.of("b"), texts(missing.get(0).path("namedBy")));
      assertTrue(graph.path("text").asText().contains("  b <- a, gone (missing)"),
          graph.path("text").asText());

      JsonNode part = json(get(added, "graph", Map.of("store", "a")));
      assertEquals(List.of("a", "b"), part.path("stores").findValues("store").stream()
          .map(JsonNode::asText).toList());
      assertEquals(0, part.path("cycles").size());
      assertEquals(404, get(added, "graph", Map.of("store", "nobody")).status());
    }
  }
}
