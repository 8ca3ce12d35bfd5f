package dev.venice.it.plugins.hedging;

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
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hedging decorator, found on the class path and switched on by configuration only, against a
 * replica made slow by a test decorator inside it: every answer is right, none waits for the slow
 * replica, the slow calls are cancelled, and hedges stay within the budget.
 */
class HedgingPluginTest {
  @TempDir Path dir;

  @Test
  void hedgingCutsTheSlowPathAndStaysWithinBudget() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore("hedged", Schemas.KEY, Schemas.USER_V1, 1, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), "hedged",
          Files.write(dir.resolve("hedged.jsonl"), lines)).run();

      cluster.awaitRoutable("hedged", Duration.ofSeconds(60));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      String slow = cluster.servers().get(0).instanceId();
      ReplicaLatencyPlugin.DELAYED.set(0);
      ReplicaLatencyPlugin.CANCELLED.set(0);
      long slowest;
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), "hedged").meterRegistry(registry)
          .extraLoadBudget(0.8).extraLoadReserveKeys(10)
          .pluginConfig(Map.of(
              "plugins.hedging.enabled", "true",
              "plugins.hedging.delay", "20ms",
              "plugins.fault-replica-latency.enabled", "true",
              "plugins.fault-replica-latency.replica", slow,
              "plugins.fault-replica-latency.delay", "3s"))
          .fast()) {
        slowest = 0;
        for (int round = 0; round < 2; round++) {
          for (int i = 0; i < 100; i++) {
            long start = System.nanoTime();
            assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
            slowest = Math.max(slowest, System.nanoTime() - start);
          }
        }
      }
      double requests = registry.get("venice.client.hedging.requests").counter().count();
      double sent = registry.get("venice.client.hedging.hedges.sent").counter().count();
      double won = registry.get("venice.client.hedging.hedges.won").counter().count();
      assertEquals(200, requests);
      assertTrue(ReplicaLatencyPlugin.DELAYED.get() > 50, "round robin sent calls to the slow"
          + " replica: " + ReplicaLatencyPlugin.DELAYED.get());
      assertTrue(won >= 50 && won <= sent, "hedges won " + won + " of " + sent);
      assertEquals(ReplicaLatencyPlugin.DELAYED.get(), ReplicaLatencyPlugin.CANCELLED.get(),
          "every call to the slow replica lost and was cancelled before reaching the server;"
              + " sent " + sent + ", won " + won + ", budget exhausted " + registry.get(
                  "venice.client.hedging.budget.exhausted").counter().count() + ", slowest "
              + slowest / 1_000_000 + " ms");
      double keysSent = registry.get("venice.client.extra.load.requested.keys")
          .functionCounter().count();
      double extraKeys = registry.get("venice.client.extra.load.granted.keys")
          .functionCounter().count();
      assertEquals(200, keysSent, "single gets: one key per first attempt");
      assertEquals(sent, extraKeys, "a single-get hedge costs one key");
      assertTrue(extraKeys <= 0.8 * keysSent + 10,
          "hedged keys " + extraKeys + " within the budget (80% + 10)");
      assertTrue(slowest < TimeUnit.SECONDS.toNanos(2), "no answer waited for the 3 s replica: "
          + slowest / 1_000_000 + " ms");
    }
  }
}
