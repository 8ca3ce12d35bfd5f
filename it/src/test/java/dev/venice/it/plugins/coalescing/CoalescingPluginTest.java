package dev.venice.it.plugins.coalescing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coalescing decorator, found on the class path and switched on by configuration only, with
 * many threads reading one hot key at once through a fast client: every reader sees the right
 * value, the plugin's meters show gets joining requests in flight, and the servers looked the key
 * up fewer times than the client was asked for it.
 */
class CoalescingPluginTest {
  private static final int READERS = 32;
  private static final int GETS_PER_READER = 300;

  @TempDir Path dir;

  @Test
  void manyReadersOfOneHotKeyShareRequestsAndAllSeeTheRightValue() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore("hot", Schemas.KEY, Schemas.USER_V1, 1, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n" + i + "\", \"age\": " + i
            + "}}");
      }
      PushJob.create(cluster.controllerUrl(), "hot", Files.write(dir.resolve("hot.jsonl"), lines))
          .run();
      cluster.awaitRoutable("hot", Duration.ofSeconds(60));

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      double lookupsBefore = serverLookups(cluster);
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), "hot").meterRegistry(registry)
          .pluginConfig(Map.of("plugins.coalescing.enabled", "true"))
          .fast()) {
        assertEquals(7, client.get("k7").join().get("age"), "a cold key, alone");
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
          CyclicBarrier together = new CyclicBarrier(READERS);
          List<Future<Integer>> wrong = new ArrayList<>();
          for (int r = 0; r < READERS; r++) {
            wrong.add(readers.submit(() -> {
              together.await(30, TimeUnit.SECONDS);
              int wrongValues = 0;
              for (int i = 0; i < GETS_PER_READER; i++) {
                GenericRecord value = client.get("k3").get(30, TimeUnit.SECONDS);
                if (value == null || !"n3".equals(value.get("name").toString())
                    || !Integer.valueOf(3).equals(value.get("age"))) {
                  wrongValues++;
                }
              }
              return wrongValues;
            }));
          }
          for (Future<Integer> w : wrong) {
            assertEquals(0, w.get(60, TimeUnit.SECONDS), "a reader saw a wrong value");
          }
        } finally {
          readers.shutdownNow();
        }
      }
      double gets = 1 + READERS * GETS_PER_READER;
      double requests = meter(registry, "requests");
      double coalesced = meter(registry, "coalesced");
      double lookups = serverLookups(cluster) - lookupsBefore;
      assertEquals(gets, requests, "every get went through the decorator");
      assertTrue(coalesced > 0, "gets joined requests in flight");
      assertTrue(lookups <= gets - coalesced, "the servers looked up " + lookups + " keys for "
          + gets + " gets, " + coalesced + " of them coalesced");
      assertTrue(lookups < gets, "fewer server lookups (" + lookups + ") than gets (" + gets
          + ")");
    }
  }

  private static double meter(SimpleMeterRegistry registry, String name) {
    return registry.get("venice.client.coalescing." + name).tag("store", "hot").counter().count();
  }

  /** Keys looked up by all servers, from their {@code /metrics}. */
  private static double serverLookups(LocalCluster cluster) {
    double total = 0;
    for (VeniceServer server : cluster.servers()) {
      total += Scrape.sum(Scrape.metrics(server.adminUrl()), "venice_server_read_keys_total", null);
    }
    return total;
  }
}
