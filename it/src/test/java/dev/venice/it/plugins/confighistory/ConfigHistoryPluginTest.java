package dev.venice.it.plugins.confighistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The config-history plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only, on a local cluster of two controllers: 10 threads each sending 20 {@code
 * store update} calls (each setting a distinct hybrid offset-lag threshold) leave exactly the last
 * 20 entries, consecutive, each a distinct update, none lost (the node's version counts every
 * write) or duplicated, the newest equal to the store's configuration, and the same history read
 * from both controllers; a store without history is a 404 naming it; {@code venice
 * show-config-history --json} prints the history.
 */
class ConfigHistoryPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String STORE = "configured";
  private static final int THREADS = 10;
  private static final int UPDATES = 20;
  private static final Set<String> NOT_CONFIG = Set.of("versions", "currentVersion",
      "largestUsedVersion");

  private static LocalCluster.Builder cluster(int controllers) {
    Path pluginDir = Path.of(System.getProperty("venice.root", ".."),
        "venice-controller-plugins", "config-history", "target", "plugin");
    assertTrue(Files.isDirectory(pluginDir.resolve("config-history")),
        pluginDir + " not built: mvn -pl venice-controller-plugins/config-history install");
    return LocalCluster.builder().controllers(controllers).servers(0).routers(0)
        .controllerConfig("plugin.dir", pluginDir.toString())
        .controllerConfig("plugins.config-history.enabled", "true");
  }

  private static void assertStarted(LocalCluster cluster) {
    for (VeniceController controller : cluster.controllers()) {
      PluginInfo plugin = controller.plugins().plugins().stream()
          .filter(p -> p.id().equals("config-history")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
    }
  }

  private static String historyPath(String store) {
    return "/plugins/config-history/history?store=" + store;
  }

  private static void create(ControllerClient admin) {
    admin.createStore(Map.of("name", STORE, "keySchema", Schemas.KEY, "valueSchema",
        Schemas.USER_V1, "partitionCount", 1, "replicationFactor", 1));
  }

  @Test
  void concurrentUpdatesLeaveExactlyTheLast20EntriesNoneLostOrDuplicated() throws Exception {
    try (LocalCluster cluster = cluster(2).build()) {
      assertStarted(cluster);
      cluster.leader(WAIT);
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      create(admin);

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit((Callable<Void>) () -> {
          ControllerClient client = new ControllerClient(cluster.controllers()
              .get(thread % 2).url());
          go.await();
          for (int i = 0; i < UPDATES; i++) {
            client.updateStore(STORE, Map.of("hybrid",
                Map.of("offsetLagThreshold", 1_000_000L * (thread + 1) + i)));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<Void> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();

      JsonNode history = admin.send("GET", historyPath(STORE), null);
      assertEquals(20, history.path("entries").asInt(), history.toString());
      assertEquals(THREADS * UPDATES, history.path("version").asInt(),
          "one write per create and update");
      JsonNode entries = history.path("history");
      assertEquals(20, entries.size());
      Set<Long> values = new HashSet<>();
      Map<Long, Long> lastPerThread = new TreeMap<>();
      for (int i = 0; i < entries.size(); i++) {
        JsonNode entry = entries.get(i);
        assertEquals(THREADS * UPDATES - i, entry.path("seq").asInt(), "consecutive, newest first");
        assertEquals("UPDATE_STORE", entry.path("operation").asText());
        JsonNode lag = null;
        for (JsonNode change : entry.path("changes")) {
          if (change.path("field").asText().equals("hybrid.offsetLagThreshold")) {
            lag = change.path("new");
          }
        }
        assertTrue(lag != null && lag.isNumber(), entry.toString());
        assertTrue(values.add(lag.asLong()), "duplicate update " + lag);
        long thread = lag.asLong() / 1_000_000L;
        long update = lag.asLong() % 1_000_000L;
        assertTrue(thread >= 1 && thread <= THREADS && update < UPDATES, "an update sent: " + lag);
        Long newer = lastPerThread.put(thread, update);
        assertTrue(newer == null || newer > update, "a thread's updates keep their order");
        if (i + 1 < entries.size()) {
          assertTrue(entry.path("afterZxid").asLong()
              > entries.get(i + 1).path("afterZxid").asLong(), "ordered by ZooKeeper");
        }
      }

      Map<String, Object> current = JSON.convertValue(admin.getStore(STORE),
          new TypeReference<Map<String, Object>>() {});
      current.keySet().removeAll(NOT_CONFIG);
      assertEquals(JSON.readTree(JSON.writeValueAsString(current)),
          entries.get(0).path("config"), "the newest entry is the store's configuration");

      for (VeniceController controller : cluster.controllers()) {
        JsonNode read = new ControllerClient(controller.url()).send("GET",
            historyPath(STORE) + "&limit=3", null);
        assertEquals(3, read.path("history").size());
        assertEquals(entries.get(0), read.path("history").get(0), controller.url());
      }

      ControllerException none = org.junit.jupiter.api.Assertions.assertThrows(
          ControllerException.class, () -> admin.send("GET", historyPath("never"), null));
      assertEquals(404, none.status());
      assertTrue(none.getMessage().contains("store never has no config history"),
          none.getMessage());
    }
  }

  @Test
  void showConfigHistoryPrintsTheHistory() throws Exception {
    try (LocalCluster cluster = cluster(1).build()) {
      assertStarted(cluster);
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      create(admin);
      admin.updateStore(STORE, Map.of("numVersionsToPreserve", 5));
      JsonNode shown = JSON.readTree(DistributionCli.venice(cluster.controllerUrl(),
          "show-config-history", "--store", STORE, "--json"));
      assertEquals(2, shown.path("history").size(), shown.toString());
      JsonNode newest = shown.path("history").get(0);
      assertEquals("UPDATE_STORE", newest.path("operation").asText());
      assertEquals("numVersionsToPreserve", newest.path("changes").get(0).path("field").asText());
      assertEquals(5, newest.path("changes").get(0).path("new").asInt());
      assertEquals("CREATE_STORE", shown.path("history").get(1).path("operation").asText());

      String text = DistributionCli.venice(cluster.controllerUrl(), "show-config-history",
          "--store", STORE, "--limit", "1");
      assertTrue(text.contains("UPDATE_STORE") && text.contains("numVersionsToPreserve: ")
          && text.contains("-> 5") && !text.contains("CREATE_STORE"), text);

      DistributionCli.Result missing = DistributionCli.run(cluster.controllerUrl(),
          "show-config-history", "--store", "nobody");
      assertEquals(1, missing.status(), missing.output());
      assertTrue(missing.output().contains("store nobody has no config history"),
          missing.output());
    }
  }
}
