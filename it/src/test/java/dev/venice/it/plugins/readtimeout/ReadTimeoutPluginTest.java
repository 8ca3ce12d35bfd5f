package dev.venice.it.plugins.readtimeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.DistributionCli;
import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.localcluster.fault.ReplicaLatencyPlugin;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show: {@code venice set-read-timeout} changes a running client's timeout
 * without a restart. A fast client with the read-timeout decorator switched on by configuration
 * only reads a store whose one replica is slowed by a test decorator; the distribution's {@code
 * bin/venice} sets and then removes the store's timeout while the client keeps running.
 */
class ReadTimeoutPluginTest {
  /** How long every call to the replica waits before it is sent. */
  private static final Duration SLOW = Duration.ofMillis(1500);
  private static final Duration CHANGE_SEEN = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    new ControllerClient(cluster.controllerUrl())
        .createStore("timed", Schemas.KEY, Schemas.USER_V1, 1, 1);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    PushJob.create(cluster.controllerUrl(), "timed",
        Files.write(dir.resolve("timed.jsonl"), lines)).run();
    cluster.awaitRoutable("timed", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Runs the distribution's {@code bin/venice} against this cluster; returns what it printed. */
  private static String venice(String... args) throws Exception {
    return DistributionCli.venice(cluster.controllerUrl(), args);
  }

  /** Reads {@code k<i>}: {@code null} when it answered (rightly), else its timeout. */
  private static RequestTimeoutException timedOut(StoreClient<String, GenericRecord> client,
      int i) {
    try {
      assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
      return null;
    } catch (CompletionException e) {
      return assertInstanceOf(RequestTimeoutException.class, e.getCause(), "k" + i);
    }
  }

  /** Reads {@code k<i>} and checks that it answered after waiting for the slow replica. */
  private static void answersAfterTheSlowReplica(StoreClient<String, GenericRecord> client,
      int i) {
    long start = System.nanoTime();
    assertEquals(null, timedOut(client, i));
    long took = System.nanoTime() - start;
    assertTrue(took >= SLOW.toNanos(), "k" + i + " answered in " + took / 1_000_000 + " ms");
  }

  private static double effectiveMillis(MeterRegistry registry) {
    return registry.get("venice.client.read.timeout.effective.ms").tag("store", "timed").gauge()
        .value();
  }

  @Test
  void setReadTimeoutChangesARunningClientsTimeoutWithoutRestart() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ReplicaLatencyPlugin.DELAYED.set(0);
    ReplicaLatencyPlugin.CANCELLED.set(0);
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), "timed").meterRegistry(registry)
        .metadataRefresh(Duration.ofMillis(100))
        .pluginConfig(Map.of(
            "plugins.read-timeout.enabled", "true",
            "plugins.fault-replica-latency.enabled", "true",
            "plugins.fault-replica-latency.replica", cluster.servers().get(0).instanceId(),
            "plugins.fault-replica-latency.delay", SLOW.toMillis() + "ms"))
        .fast()) {
      answersAfterTheSlowReplica(client, 0); // no store timeout: the global 10 s applies
      assertEquals(0, effectiveMillis(registry));

      assertTrue(venice("set-read-timeout", "--store", "timed", "--timeout-ms", "200")
          .contains("store timed: read timeout 200 ms"));
      LocalCluster.waitFor("the running client to use the store's new 200 ms timeout",
          CHANGE_SEEN, () -> timedOut(client, 1) != null);
      int cancelled = ReplicaLatencyPlugin.CANCELLED.get();
      double counted = registry.get("venice.client.read.timeout.timeouts").counter().count();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        RequestTimeoutException timeout = timedOut(client, i);
        long took = System.nanoTime() - start;
        assertNotNull(timeout, "k" + i + " answered though the replica takes " + SLOW);
        assertEquals("store timed: no answer within 200 ms", timeout.getMessage());
        assertEquals("timed", timeout.store());
        assertTrue(took < SLOW.toNanos() / 2, "k" + i + " failed after " + took / 1_000_000
            + " ms, not after the 200 ms timeout");
      }
      assertEquals(cancelled + 5, ReplicaLatencyPlugin.CANCELLED.get(), "each timed-out call"
          + " was cancelled in flight, before it reached the server");
      assertEquals(counted + 5, registry.get("venice.client.read.timeout.timeouts").counter()
          .count());
      assertEquals(200, effectiveMillis(registry));

      assertTrue(venice("set-read-timeout", "--store", "timed", "--unset")
          .contains("store timed: read timeout removed"));
      LocalCluster.waitFor("the running client to drop the store's timeout", CHANGE_SEEN,
          () -> timedOut(client, 2) == null);
      answersAfterTheSlowReplica(client, 3);
      assertEquals(0, effectiveMillis(registry));
    }
  }
}
