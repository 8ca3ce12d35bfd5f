package dev.venice.it.plugins.circuitbreaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The circuit breaker, found on the class path and switched on by configuration only, on a local
 * cluster of two servers holding every partition twice, under load from four reader threads: one
 * server stopped opens its breaker while every read still succeeds from the other replica, and
 * once the server is back its breaker is probed and closes.
 */
class CircuitBreakerPluginTest {
  private static final String STORE = "guarded";
  private static final String PREFIX = "venice.client.circuit.breaker.";
  private static final int KEYS = 100;
  private static final int READERS = 4;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aStoppedServerOpensItsBreakerReadsKeepSucceedingAndItClosesWhenBack() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore(STORE, Schemas.KEY, Schemas.USER_V1, 2, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), STORE,
          Files.write(dir.resolve(STORE + ".jsonl"), lines)).run();
      cluster.awaitRoutable(STORE, WAIT);

      MeterRegistry registry = new SimpleMeterRegistry();
      VeniceServer down = cluster.servers().get(0);
      String instance = down.instanceId();
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), STORE).meterRegistry(registry)
          .metadataRefresh(Duration.ofSeconds(1))
          .pluginConfig(Map.of(
              "plugins.circuit-breaker.enabled", "true",
              "plugins.circuit-breaker.consecutive-failure-threshold", "2",
              "plugins.circuit-breaker.wait-duration-in-open-state", "500ms",
              "plugins.circuit-breaker.success-threshold", "2"))
          .fast()) {
        Readers readers = new Readers(client);
        try {
          LocalCluster.waitFor("reads served by " + instance, WAIT,
              () -> gauge(registry, instance) != null && readers.reads.get() > 200);
          assertEquals(0, gauge(registry, instance).value(), "closed while the server serves");

          cluster.stopServer(down);
          LocalCluster.waitFor(() -> "the breaker of " + instance + " opening; "
              + readers.failed, WAIT, () -> transitions(registry, instance, "OPEN") >= 1);
          long readsWhenOpen = readers.reads.get();
          LocalCluster.waitFor("more reads after the breaker opened", WAIT,
              () -> readers.reads.get() > readsWhenOpen + 200);
          assertTrue(rejections(registry, instance) >= 1, "the open instance was skipped, not"
              + " only failed over from");

          VeniceServer back = cluster.restartServer(down);
          assertEquals(instance, back.instanceId(), "the same instance rejoins");
          LocalCluster.waitFor(() -> "the breaker of " + instance + " closing, now "
              + gauge(registry, instance).value(), WAIT,
              () -> transitions(registry, instance, "CLOSED") >= 1
                  && gauge(registry, instance).value() == 0);
        } finally {
          readers.stop();
        }
        assertTrue(readers.failed.isEmpty(), () -> readers.failed.size() + " of "
            + readers.reads.get() + " reads failed, e.g. " + readers.failed.peek());
        assertTrue(transitions(registry, instance, "HALF_OPEN") >= 1, "probed before closing");
        String other = cluster.servers().stream().map(VeniceServer::instanceId)
            .filter(id -> !id.equals(instance)).findFirst().orElseThrow();
        assertEquals(0, transitions(registry, other, "OPEN"), "the serving replica stayed closed");
      }
    }
  }

  private static Gauge gauge(MeterRegistry registry, String instance) {
    return registry.find(PREFIX + "state").tags("store", STORE, "instance", instance).gauge();
  }

  private static double rejections(MeterRegistry registry, String instance) {
    Counter counter = registry.find(PREFIX + "rejections")
        .tags("store", STORE, "instance", instance).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double transitions(MeterRegistry registry, String instance, String state) {
    Counter counter = registry.find(PREFIX + "transitions")
        .tags("store", STORE, "instance", instance, "state", state).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Reader threads getting random keys and checking each value until stopped. */
  private static final class Readers {
    final AtomicLong reads = new AtomicLong();
    final Queue<String> failed = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService pool = Executors.newFixedThreadPool(READERS);
    private final List<Future<?>> loops = new ArrayList<>();

    Readers(StoreClient<String, GenericRecord> client) {
      for (int t = 0; t < READERS; t++) {
        loops.add(pool.submit(() -> {
          while (running.get()) {
            int i = ThreadLocalRandom.current().nextInt(KEYS);
            try {
              Object age = client.get("k" + i).get(10, TimeUnit.SECONDS).get("age");
              if (!Integer.valueOf(i).equals(age)) {
                failed.add("k" + i + ": wrong value " + age);
              }
            } catch (Exception e) {
              failed.add("k" + i + ": " + e);
            }
            reads.incrementAndGet();
          }
        }));
      }
    }

    void stop() throws Exception {
      running.set(false);
      for (Future<?> loop : loops) {
        loop.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
  }
}
