package dev.venice.it.plugins.adaptiverouting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.localcluster.fault.ReplicaLatencyPlugin;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptive-routing decorator, found on the class path and switched on by configuration only,
 * against one of two replicas made 30 ms slower by a test decorator inside it: after warm-up the
 * slow replica gets far less than its round-robin half of the first-choice picks, and every read
 * returns the right value.
 */
class AdaptiveRoutingPluginTest {
  private static final String PICKS = "venice.client.adaptive.routing.picks";
  private static final int KEYS = 100;

  @TempDir Path dir;

  @Test
  void theSlowReplicaLosesMostOfItsTraffic() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore("adaptive", Schemas.KEY, Schemas.USER_V1, 1, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), "adaptive",
          Files.write(dir.resolve("adaptive.jsonl"), lines)).run();

      cluster.awaitRoutable("adaptive", Duration.ofSeconds(60));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      String slow = cluster.servers().get(0).instanceId();
      String fast = cluster.servers().get(1).instanceId();
      ReplicaLatencyPlugin.DELAYED.set(0);
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), "adaptive").meterRegistry(registry)
          .pluginConfig(Map.of(
              "plugins.adaptive-routing.enabled", "true",
              "plugins.fault-replica-latency.enabled", "true",
              "plugins.fault-replica-latency.replica", slow,
              "plugins.fault-replica-latency.delay", "30ms"))
          .fast()) {
        for (int i = 0; i < KEYS; i++) { // warm-up: both replicas get their min-samples
          assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
        }
        assertTrue(ReplicaLatencyPlugin.DELAYED.get() > 0, "the slow replica was measured");
        double slowBefore = picks(registry, slow);
        double fastBefore = picks(registry, fast);
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < KEYS; i++) {
            assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
          }
        }
        double slowPicks = picks(registry, slow) - slowBefore;
        double fastPicks = picks(registry, fast) - fastBefore;
        assertEquals(3 * KEYS, slowPicks + fastPicks, "one first choice per read");
        assertTrue(slowPicks / (slowPicks + fastPicks) < 0.2, "the slow replica's share "
            + slowPicks + " of " + (slowPicks + fastPicks) + " is far below round robin's half");
      }
    }
  }

  private static double picks(SimpleMeterRegistry registry, String instance) {
    return registry.get(PICKS).tags("store", "adaptive", "instance", instance).counter().count();
  }
}
