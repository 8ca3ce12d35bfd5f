package dev.venice.it.plugins.storedependencies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.controller.ControllerException;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.controller.VeniceController;
import dev.venice.runtime.localcluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The store-dependencies plugin, loaded from the plugin directory its module builds and switched on
 * by configuration only, on a local cluster of one controller: stores a, b, c with b reading a and
 * c reading b, declared through {@code store update}; a reading c is refused (403 naming the cycle
 * {@code a -> c -> b -> a}) and a's config stays as it was; a malformed list is a 400 naming the
 * key; the dependencies are served both ways, direct and transitive; deleting a answers 200 with a
 * warning naming b (a dry run first gives the same warning and deletes nothing); and the CLI
 * commands show the same ({@code show-dependencies --json}, {@code show-dependency-graph},
 * {@code set-dependencies} refused with exit 1 naming the cycle).
 */
class StoreDependenciesPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String KEY = "plugins.store-dependencies.upstream-stores";

  @Test
  void cyclesAreRefusedDependenciesServedAndDeletingAnUpstreamStoreWarns() throws Exception {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."),
        "venice-controller-plugins", "store-dependencies", "target", "plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("store-dependencies")),
        pluginDir + " not built: mvn -pl venice-controller-plugins/store-dependencies install");
    try (LocalCluster cluster = LocalCluster.builder().controllers(1).servers(0).routers(0)
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.store-dependencies.enabled", "true").build()) {
      VeniceController controller = cluster.leader(WAIT);
      PluginInfo plugin = controller.plugins().plugins().stream()
          .filter(p -> p.id().equals("store-dependencies")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
      ControllerClient admin = new ControllerClient(controller.url());
      for (String store : List.of("a", "b", "c")) {
        admin.createStore(Map.of("name", store, "keySchema", Schemas.KEY, "valueSchema",
            Schemas.USER_V1, "partitionCount", 1, "replicationFactor", 1));
      }
      admin.updateStore("b", Map.of("pluginSettings", Map.of(KEY, "a")));
      admin.updateStore("c", Map.of("pluginSettings", Map.of(KEY, "b")));

      // a <- c closes the cycle: refused at once (no wait for the metadata cache), a unchanged
      ControllerException cycle = assertThrows(ControllerException.class,
          () -> admin.updateStore("a", Map.of("pluginSettings", Map.of(KEY, "c"))));
      assertEquals(403, cycle.status(), cycle.getMessage());
      assertEquals("VETOED", cycle.errorType());
      assertTrue(cycle.getMessage().contains("UPDATE_STORE of store a vetoed by plugin"
          + " store-dependencies: store a cannot read from c: that would make a dependency cycle"
          + " a -> c -> b -> a (each store reads the next)"), cycle.getMessage());
      assertEquals(null, admin.getStore("a").pluginSettings().get(KEY));

      ControllerException malformed = assertThrows(ControllerException.class,
          () -> admin.updateStore("a", Map.of("pluginSettings", Map.of(KEY, "b,,c"))));
      assertEquals(400, malformed.status(), malformed.getMessage());
      assertTrue(malformed.getMessage().contains(KEY), malformed.getMessage());
      ControllerException missing = assertThrows(ControllerException.class,
          () -> admin.updateStore("a", Map.of("pluginSettings", Map.of(KEY, "nope"))));
      assertTrue(missing.getMessage().contains("store a cannot read from store nope: it does not"
          + " exist"), missing.getMessage());

      assertEquals(List.of("b", "a"), stores(admin, "c", "upstream", true));
      assertEquals(List.of("b"), stores(admin, "c", "upstream", false));
      assertEquals(List.of("b", "c"), stores(admin, "a", "downstream", true));
      assertEquals(List.of("b"), stores(admin, "a", "downstream", false));
      ControllerException none = assertThrows(ControllerException.class, () -> admin.send("GET",
          "/plugins/store-dependencies/dependencies?store=nobody", null));
      assertEquals(404, none.status());
      assertTrue(none.getMessage().contains("store nobody does not exist"), none.getMessage());

      // the CLI, through the distribution
      JsonNode shown = JSON.readTree(DistributionCli.venice(controller.url(),
          "show-dependencies", "--store", "c", "--transitive", "--json"));
      assertEquals("[\"b\",\"a\"]", shown.path("stores").toString(), shown.toString());
      String graph = DistributionCli.venice(controller.url(), "show-dependency-graph");
      for (String line : List.of("  a", "  b <- a", "  c <- b")) {
        assertTrue(graph.lines().anyMatch(line::equals), graph);
      }
      DistributionCli.Result refused = DistributionCli.run(controller.url(), "set-dependencies",
          "--store", "a", "--upstream", "c");
      assertEquals(1, refused.status(), refused.output());
      assertTrue(refused.output().contains("a -> c -> b -> a"), refused.output());
      assertTrue(refused.output().contains("venice set-dependencies: UPDATE_STORE of store a"
          + " vetoed by plugin store-dependencies"), refused.output());
      assertTrue(DistributionCli.venice(controller.url(), "show-dependency-graph", "--help")
          .contains("Examples:"));
      DistributionCli.Result noConfirmation = DistributionCli.run(controller.url(), "store",
          "delete", "--store", "a");
      assertEquals(1, noConfirmation.status(), noConfirmation.output());
      assertTrue(noConfirmation.output().contains("--force"), noConfirmation.output());
      assertEquals("a", admin.getStore("a").name(), "not deleted without a confirmation");

      // deleting a: a dry run warns and deletes nothing, then the deletion warns too
      List<String> dryRun = ControllerClient.warnings(admin.send("DELETE",
          "/stores/a?dryRun=true", null));
      assertEquals(List.of("store-dependencies: store a is upstream of b (and, through it, of"
          + " c): deleting it leaves that store reading a missing store"), dryRun);
      assertEquals("a", admin.getStore("a").name());
      List<String> warnings = admin.deleteStore("a");
      assertEquals(dryRun, warnings);
      JsonNode after = admin.send("GET", "/plugins/store-dependencies/graph", null);
      assertEquals("a", after.path("missing").get(0).path("store").asText(), after.toString());
      assertEquals("[\"b\"]", after.path("missing").get(0).path("namedBy").toString());
    }
  }

  private static List<String> stores(ControllerClient admin, String store, String direction,
      boolean transitive) {
    JsonNode answer = admin.send("GET", "/plugins/store-dependencies/dependencies?store=" + store
        + "&direction=" + direction + "&transitive=" + transitive, null);
    assertEquals(store, answer.path("store").asText());
    assertEquals(direction, answer.path("direction").asText());
    List<String> stores = new ArrayList<>();
    answer.path("stores").forEach(s -> stores.add(s.asText()));
    return stores;
  }
}
