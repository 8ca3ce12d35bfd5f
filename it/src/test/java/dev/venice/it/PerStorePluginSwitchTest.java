package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any plugin switched on for one store and off for another at run time, then flipped, with no
 * restart: hedging in running fast clients, bloom-filter on a running server. Metrics prove which
 * store went through the plugin. Each fast client serves one store (as Venice's does), so the two
 * stores are read by two clients of one process, both built once.
 */
class PerStorePluginSwitchTest {
  private static final Duration SWITCH = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static ControllerClient controller;

  @BeforeAll
  static void start() throws Exception {
    Path pluginDir = Path.of(System.getProperty("server.plugin.dir"));
    cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms")
        // the controller checks store settings against every plugin it can see
        .controllerConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugin.dir", pluginDir.toString())
        .serverConfig("plugins.bloom-filter.enabled", "true")
        .serverConfig("plugins.bloom-filter.expected-keys", "1000").build();
    controller = new ControllerClient(cluster.controllerUrl());
    for (String store : List.of("alpha", "beta")) {
      controller.createStore(store, Schemas.KEY, Schemas.USER_V1, 1, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), store,
          Files.write(dir.resolve(store + ".jsonl"), lines)).run();
      cluster.awaitRoutable(store, Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void switchPlugin(String plugin, String store, boolean on) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("plugins." + plugin + ".enabled", String.valueOf(on));
    controller.updateStore(store, Map.of("pluginSettings", settings));
  }

  private static double count(MeterRegistry registry, String name, String store) {
    Counter counter = registry.find(name).tag("store", store).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Reads one key and says whether the read went through hedging. */
  private static boolean hedged(StoreClient<String, GenericRecord> client, MeterRegistry registry,
      String store) {
    double before = count(registry, "venice.client.hedging.requests", store);
    assertEquals(7, client.get("k7").join().get("age"));
    return count(registry, "venice.client.hedging.requests", store) > before;
  }

  @Test
  void hedgingFollowsEachStoresSwitchInRunningFastClients() throws Exception {
    switchPlugin("hedging", "alpha", false);
    switchPlugin("hedging", "beta", true);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<String, String> config = Map.of("plugins.hedging.enabled", "true",
        "plugins.hedging.delay", "50ms");
    try (StoreClient<String, GenericRecord> alpha = VeniceClients
            .builder(cluster.routerUrl(), "alpha").meterRegistry(registry).pluginConfig(config)
            .metadataRefresh(Duration.ofMillis(100)).fast();
        StoreClient<String, GenericRecord> beta = VeniceClients
            .builder(cluster.routerUrl(), "beta").meterRegistry(registry).pluginConfig(config)
            .metadataRefresh(Duration.ofMillis(100)).fast()) {
      for (int i = 0; i < 20; i++) {
        assertTrue(!hedged(alpha, registry, "alpha") & hedged(beta, registry, "beta"), "read " + i);
      }
      assertEquals(0, count(registry, "venice.client.hedging.requests", "alpha"));
      assertEquals(20, count(registry, "venice.client.hedging.requests", "beta"));

      switchPlugin("hedging", "alpha", true);
      switchPlugin("hedging", "beta", false);
      LocalCluster.waitFor("both clients see the flipped switches", SWITCH,
          () -> hedged(alpha, registry, "alpha") & !hedged(beta, registry, "beta"));
      double alphaBefore = count(registry, "venice.client.hedging.requests", "alpha");
      double betaBefore = count(registry, "venice.client.hedging.requests", "beta");
      for (int i = 0; i < 20; i++) {
        alpha.get("k" + i).join();
        beta.get("k" + i).join();
      }
      assertEquals(alphaBefore + 20, count(registry, "venice.client.hedging.requests", "alpha"));
      assertEquals(betaBefore, count(registry, "venice.client.hedging.requests", "beta"));
    }
  }

  /** Reads absent keys through every server and says whether a Bloom filter answered any. */
  private static boolean filtered(StoreClient<String, GenericRecord> client, String store) {
    double before = shortCircuits(store);
    for (int i = 0; i < 20; i++) {
      assertNull(client.get("absent-" + store + "-" + i).join());
    }
    return shortCircuits(store) > before;
  }

  /** Short circuits of the store on every server, read from their {@code /metrics}. */
  private static double shortCircuits(String store) {
    return cluster.servers().stream().mapToDouble(server -> Scrape.sum(Scrape.metrics(
        server.adminUrl()), "venice_server_bloom_filter_short_circuits_total", store)).sum();
  }

  @Test
  void bloomFilterFollowsEachStoresSwitchOnARunningServer() throws Exception {
    try (StoreClient<String, GenericRecord> alpha = VeniceClients
            .builder(cluster.routerUrl(), "alpha").fast();
        StoreClient<String, GenericRecord> beta = VeniceClients
            .builder(cluster.routerUrl(), "beta").fast()) {
      switchPlugin("bloom-filter", "alpha", true);
      switchPlugin("bloom-filter", "beta", false);
      LocalCluster.waitFor("alpha filtered, beta not", SWITCH,
          () -> filtered(alpha, "alpha") & !filtered(beta, "beta"));

      switchPlugin("bloom-filter", "alpha", false);
      switchPlugin("bloom-filter", "beta", true);
      LocalCluster.waitFor("the switches flipped on the servers", SWITCH,
          () -> !filtered(alpha, "alpha") & filtered(beta, "beta"));
      for (int i = 0; i < 100; i++) {
        assertEquals(i, beta.get("k" + i).join().get("age"), "a present key is always found");
      }
    }
  }
}
