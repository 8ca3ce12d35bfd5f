package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venice show-store-sla} (issue 19, seed project 40) against a running cluster: a store
 * whose server-side reads take 20 ms more ranks first and red against a 10 ms SLA, a fast one is
 * green, with the router's own percentiles as read from its {@code /metrics}.
 */
class ShowStoreSlaTest {
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .serverConfig("plugins.test-slow-reads.enabled", "true")
        .controllerConfig("push.monitor.interval", "50ms").build();
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    for (String store : List.of("quick", "sluggish")) {
      admin.createStore(store, Schemas.KEY, Schemas.USER_V1, 1, 1);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), store,
          Files.write(dir.resolve(store + ".jsonl"), lines)).run();
      cluster.awaitRoutable(store, Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    SlowReadsPlugin.store = null;
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void ranksTheSlowStoreFirstAndRedAgainstTheThreshold() throws Exception {
    SlowReadsPlugin.store = "sluggish";
    SlowReadsPlugin.delayNanos = Duration.ofMillis(100).toNanos();
    // a slowness far above what a busy machine adds to a quick read, and 300 quick reads, so the
    // few cold or descheduled ones (the first connection, a GC pause) stay above its p99
    for (String store : List.of("quick", "sluggish")) {
      int reads = store.equals("quick") ? 300 : 30;
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), store).thin()) {
        for (int i = 0; i < reads; i++) {
          assertEquals(i % 10, client.get("k" + (i % 10)).join().get("age"));
        }
      }
    }
    JsonNode sla = new ObjectMapper().readTree(DistributionCli.venice(cluster.controllerUrl(),
        "show-store-sla", "--threshold-ms", "10", "--json"));
    assertEquals(1, sla.path("routers").size(), sla.toString());
    assertEquals(0, sla.path("unreachable").size(), sla.toString());
    JsonNode worst = sla.path("stores").get(0);
    assertEquals("sluggish", worst.path("store").asText(), sla.toString());
    assertEquals("OVER", worst.path("status").asText());
    assertTrue(worst.path("p99Ms").asDouble() >= 100, worst.toString());
    JsonNode quick = sla.path("stores").get(1);
    assertEquals("quick", quick.path("store").asText(), sla.toString());
    assertTrue(quick.path("p99Ms").asDouble() < worst.path("p99Ms").asDouble(), sla.toString());

    String text = DistributionCli.venice(cluster.controllerUrl(), "show-store-sla",
        "--threshold-ms", "10", "--top", "1");
    assertTrue(text.contains("sluggish") && !text.contains("quick"), text);
    assertTrue(text.contains("OVER"), text);
  }
}
