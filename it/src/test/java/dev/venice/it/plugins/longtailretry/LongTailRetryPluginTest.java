package dev.venice.it.plugins.longtailretry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.localcluster.fault.ReplicaLatencyPlugin;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long-tail retry, found on the class path and switched on by configuration only, against one of
 * two replicas made 3 s slow by the fault decorator inside it. Thresholds are 20 ms rather than
 * Venice's 1 ms (single get) and 8 ms (small batches): a loopback call on a busy 2-core CI machine
 * often takes longer than those, and every such retry would spend budget this test needs for the
 * slow replica. With them:
 * single and batch gets all answer right without waiting for the slow replica, every slow call is
 * cancelled before it is sent, and the retried keys stay within the client's extra-load budget.
 */
class LongTailRetryPluginTest {
  private static final String STORE = "retried";

  @TempDir Path dir;

  private static double counted(MeterRegistry registry, String name) {
    return registry.get(name).tag("store", STORE).meter().measure().iterator().next().getValue();
  }

  @Test
  void slowCallsAreRetriedOnTheOtherReplicaWithinTheBudget() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(2).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore(STORE, Schemas.KEY, Schemas.USER_V1, 2, 2);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), STORE,
          Files.write(dir.resolve("retried.jsonl"), lines)).run();
      cluster.awaitRoutable(STORE, Duration.ofSeconds(60));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ReplicaLatencyPlugin.DELAYED.set(0);
      ReplicaLatencyPlugin.CANCELLED.set(0);
      long slowest = 0;
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), STORE).meterRegistry(registry)
          .extraLoadBudget(0.8).extraLoadReserveKeys(10)
          .pluginConfig(Map.of(
              "plugins.long-tail-retry.enabled", "true",
              "plugins.long-tail-retry.threshold-for-single-get", "20ms",
              "plugins.long-tail-retry.range-based-threshold-for-batch-get", "1-:20",
              "plugins.fault-replica-latency.enabled", "true",
              "plugins.fault-replica-latency.replica", cluster.servers().get(0).instanceId(),
              "plugins.fault-replica-latency.delay", "3s"))
          .fast()) {
        for (int i = 0; i < 100; i++) {
          long start = System.nanoTime();
          assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
          slowest = Math.max(slowest, System.nanoTime() - start);
        }
        for (int b = 0; b < 10; b++) {
          // one single get between batches moves the round robin by one, so the batches'
          // partition requests do not all start at the same replica (the fast one, or the slow)
          assertEquals(0, client.get("k0").join().get("age"));
          Set<String> keys = new LinkedHashSet<>();
          for (int i = b * 10; i < b * 10 + 10; i++) {
            keys.add("k" + i);
          }
          long start = System.nanoTime();
          Map<String, GenericRecord> values = client.batchGet(keys).join();
          slowest = Math.max(slowest, System.nanoTime() - start);
          assertEquals(keys, values.keySet());
          values.forEach((key, value) -> assertEquals(Integer.parseInt(key.substring(1)),
              value.get("age"), key));
        }
      }
      String prefix = "venice.client.long.tail.retry.";
      double retries = counted(registry, prefix + "retries.sent");
      double won = counted(registry, prefix + "retries.won");
      double keysSent = counted(registry, "venice.client.extra.load.requested.keys");
      double extraKeys = counted(registry, "venice.client.extra.load.granted.keys");
      assertTrue(ReplicaLatencyPlugin.DELAYED.get() > 30, "round robin sent calls to the slow"
          + " replica: " + ReplicaLatencyPlugin.DELAYED.get());
      assertEquals(ReplicaLatencyPlugin.DELAYED.get(), ReplicaLatencyPlugin.CANCELLED.get(),
          "every call to the slow replica lost and was cancelled before reaching the server;"
              + " retries " + retries + ", won " + won);
      assertTrue(won > 0 && won <= retries, "retries won " + won + " of " + retries);
      assertEquals(210, keysSent, "110 single gets and 10 batches of 10 keys, first attempts");
      assertTrue(extraKeys > retries, "a retried batch partition request costs its keys, not 1:"
          + " " + extraKeys + " keys for " + retries + " retries");
      assertTrue(extraKeys <= 0.8 * keysSent + 10,
          "retried keys " + extraKeys + " within the budget (80% + 10)");
      assertTrue(slowest < TimeUnit.SECONDS.toNanos(2), "no answer waited for the 3 s replica: "
          + slowest / 1_000_000 + " ms");
    }
  }
}
