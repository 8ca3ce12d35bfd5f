package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.common.data.VeniceWriter;
import dev.venice.runtime.common.meta.CompressionStrategy;
import dev.venice.runtime.localcluster.ExternalProcess;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster broken on purpose, with servers and routers in JVMs of their own so that
 * stalls (SIGSTOP) and crashes (SIGKILL) are real, and recovery checked with deadlines. The
 * scenarios on servers share one cluster (two servers in JVMs of their own, one router), each on a
 * store of its own and each leaving every server back in the external view; the router scenario
 * has a cluster of its own.
 */
class FaultScenariosTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static LocalCluster cluster;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().externalServers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Path jsonLines(Path dir, String name, int count) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n" + i + "\", \"age\": " + i
          + "}}");
    }
    return Files.write(dir.resolve(name), lines);
  }

  private static long recordsOn(ExternalProcess server) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.adminUrl() + "/partitions")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      long total = 0;
      for (var row : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body)) {
        total += Math.max(0, row.get("recordCount").asLong());
      }
      return total;
    } catch (Exception e) {
      return 0;
    }
  }

  @Test
  void aServerKilledDuringIngestionRejoinsAndThePushCompletes() throws Exception {
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore("crashy", Schemas.KEY, Schemas.USER_V1, 2, 2);
    admin.startPush("crashy");
    ExternalProcess victim = cluster.externalServers().get(0);
    try (VeniceWriter writer = new VeniceWriter(cluster.kafkaBootstrapServers(), "crashy_v1",
        2)) {
      writer.startOfPush(CompressionStrategy.NO_OP).join();
      for (int i = 0; i < 3000; i++) {
        writer.put(Data.key("k" + i), Data.user("n" + i, i), 1);
      }
      writer.flush();
      LocalCluster.waitFor("the victim to apply records", WAIT, () -> recordsOn(victim) > 0);
      cluster.faults().kill(victim);
      for (int i = 3000; i < 6000; i++) {
        writer.put(Data.key("k" + i), Data.user("n" + i, i), 1);
      }
      writer.endOfPush().join();
    }
    cluster.faults().restart(victim, WAIT);
    cluster.awaitVersionOnline("crashy", 1, WAIT);
    cluster.awaitInExternalView(victim.instanceId(), WAIT);
    cluster.awaitReadyReplicas("crashy_v1", 0, 2, WAIT);
    cluster.awaitReadyReplicas("crashy_v1", 1, 2, WAIT);
    cluster.awaitRoutable("crashy", WAIT);
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), "crashy").fast()) {
      for (int i = 0; i < 6000; i++) {
        GenericRecord value = client.get("k" + i).join();
        assertNotNull(value, "k" + i + " missing after the crash");
        assertEquals(i, value.get("age"));
      }
    }
  }

  @Test
  void aThinClientCarriesOnThroughAnotherRouterWhenOneIsKilled() throws Exception {
    try (LocalCluster routers = LocalCluster.builder().servers(2).externalRouters(2)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(routers.controllerUrl())
          .createStore("routed", Schemas.KEY, Schemas.USER_V1, 2, 2);
      PushJob.create(routers.controllerUrl(), "routed", jsonLines(dir, "routed.jsonl", 200))
          .run();
      routers.awaitRoutable("routed", WAIT);
      ExternalProcess first = routers.externalRouters().get(0);
      AtomicBoolean reading = new AtomicBoolean(true);
      AtomicLong reads = new AtomicLong();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(routers.routerUrls(), "routed").requestTimeout(Duration.ofSeconds(5)).thin()) {
        Thread reader = new Thread(() -> {
          int i = 0;
          while (reading.get()) {
            int n = i++ % 200;
            try {
              assertEquals(n, client.get("k" + n).join().get("age"));
              reads.incrementAndGet();
            } catch (RuntimeException | AssertionError e) {
              failures.add("k" + n + ": " + e);
            }
          }
        }, "reader");
        reader.start();
        try {
          LocalCluster.waitFor("reads through the first router", WAIT, () -> reads.get() > 100);
          routers.faults().kill(first);
          long atKill = reads.get();
          LocalCluster.waitFor("reads after the kill", WAIT, () -> reads.get() > atKill + 300);
        } finally {
          reading.set(false);
          reader.join();
        }
      }
      assertTrue(failures.isEmpty(), "reads failed when the router died: " + failures);
    }
  }

  @Test
  void hedgingKeepsLatencyBoundWhileAReplicaIsStalled() throws Exception {
    new ControllerClient(cluster.controllerUrl())
        .createStore("stalled", Schemas.KEY, Schemas.USER_V1, 1, 2);
    PushJob.create(cluster.controllerUrl(), "stalled", jsonLines(dir, "stalled.jsonl", 100))
        .run();
    cluster.awaitReadyReplicas("stalled_v1", 0, 2, WAIT);
    cluster.awaitRoutable("stalled", WAIT);
    Map<String, String> plugins = new HashMap<>(Map.of("plugins.hedging.enabled", "true",
        "plugins.hedging.delay", "20ms"));
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), "stalled").pluginConfig(plugins)
        .extraLoadBudget(0.8).extraLoadReserveKeys(50)
        .requestTimeout(Duration.ofSeconds(30)).fast()) {
      for (int i = 0; i < 100; i++) {
        client.get("k" + i).join(); // both replicas warm
      }
      ExternalProcess stalled = cluster.externalServers().get(0);
      cluster.faults().pause(stalled);
      long slowest = 0;
      try {
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < 100; i++) {
            long start = System.nanoTime();
            assertEquals(i, client.get("k" + i).join().get("age"));
            slowest = Math.max(slowest, System.nanoTime() - start);
          }
        }
      } finally {
        cluster.faults().resume(stalled); // the next scenario needs both servers
        cluster.awaitInExternalView(stalled.instanceId(), WAIT);
      }
      assertTrue(slowest < TimeUnit.SECONDS.toNanos(5), "a read waited "
          + slowest / 1_000_000 + " ms for the stalled replica");
    }
  }
}
