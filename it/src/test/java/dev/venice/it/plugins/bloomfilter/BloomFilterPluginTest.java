package dev.venice.it.plugins.bloomfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.plugin.PluginInfo;
import dev.venice.runtime.common.plugin.PluginState;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bloom-filter plugin, loaded from the plugin directory its module builds and switched on by
 * configuration only: absent keys skip RocksDB, present keys are always found.
 */
class BloomFilterPluginTest {
  @TempDir Path dir;

  @Test
  void absentKeysSkipRocksDbAndPresentKeysAreAlwaysFound() throws Exception {
    Path pluginDir = Path.of(System.getProperty("server.plugin.dir"));
    assertTrue(Files.isDirectory(pluginDir.resolve("bloom-filter")), pluginDir + " not built");
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.bloom-filter.enabled", "true")
        .serverConfig("plugins.bloom-filter.expected-keys", "2000").build()) {
      VeniceServer server = cluster.servers().get(0);
      PluginInfo plugin = server.plugins().plugins().stream()
          .filter(p -> p.id().equals("bloom-filter")).findFirst().orElseThrow();
      assertEquals(PluginState.STARTED, plugin.state(), plugin.message());
      assertEquals(pluginDir.resolve("bloom-filter").toString(), plugin.source());

      new ControllerClient(cluster.controllerUrl())
          .createStore("sparse", Schemas.KEY, Schemas.USER_V1, 2, 1);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), "sparse",
          Files.write(dir.resolve("sparse.jsonl"), lines)).run();
      cluster.awaitRoutable("sparse", Duration.ofSeconds(60));

      try (StoreClient<String, Object> client = VeniceClients
          .builder(cluster.routerUrl(), "sparse").fast()) {
        for (int i = 0; i < 2000; i++) {
          assertNotNull(client.get("k" + i).join(), "present key k" + i + " reported absent");
        }
        for (int i = 0; i < 2000; i++) {
          assertNull(client.get("missing-" + i).join());
        }
      }
      String metrics = Scrape.metrics(server.adminUrl());
      double shortCircuits = Scrape.sum(metrics,
          "venice_server_bloom_filter_short_circuits_total", "sparse");
      double falsePositives = Scrape.sum(metrics,
          "venice_server_bloom_filter_false_positives_total", "sparse");
      assertEquals(2000, shortCircuits + falsePositives, "every absent lookup is one or the other");
      assertTrue(shortCircuits > 1900, "at 1% most absent lookups skip RocksDB: " + shortCircuits);
    }
  }
}
