package dev.venice.it.plugins.batchsplit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.venice.it.Schemas;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch-split decorator, found on the class path and switched on by configuration only, on a
 * local cluster holding 1000 users: a batch get of 350 keys (50 of them missing) through a fast
 * and a thin client returns exactly the right map, in 4 sub-batches of at most 100 keys.
 */
class BatchSplitPluginTest {
  private static final String STORE = "split";
  private static final Map<String, String> SPLIT_AT_100 = Map.of(
      "plugins.batch-split.enabled", "true",
      "plugins.batch-split.max-keys-per-sub-batch", "100");

  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void pushOneThousandUsers() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    new ControllerClient(cluster.controllerUrl())
        .createStore(STORE, Schemas.KEY, Schemas.USER_V1, 4, 1);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n" + i + "\", \"age\": " + i
          + "}}");
    }
    PushJob.create(cluster.controllerUrl(), STORE,
        Files.write(dir.resolve("users.jsonl"), lines)).run();
    cluster.awaitRoutable(STORE, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** 300 stored keys (every third of k0..k899) and 50 that were never written. */
  private static Set<String> requestedKeys() {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 900; i += 3) {
      keys.add("k" + i);
    }
    for (int i = 0; i < 50; i++) {
      keys.add("missing" + i);
    }
    return keys;
  }

  @Test
  void aFastClientSplits350KeysIntoFourSubBatchesAndMergesExactlyTheFoundKeys() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), STORE).meterRegistry(registry).pluginConfig(SPLIT_AT_100)
        .fast()) {
      checkOneSplitBatchGet(client, registry);
    }
  }

  @Test
  void aThinClientSplitsTheSameWay() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), STORE).meterRegistry(registry).pluginConfig(SPLIT_AT_100)
        .thin()) {
      checkOneSplitBatchGet(client, registry);
    }
  }

  private static void checkOneSplitBatchGet(StoreClient<String, GenericRecord> client,
      SimpleMeterRegistry registry) {
    Set<String> keys = requestedKeys();
    assertEquals(350, keys.size());
    Map<String, GenericRecord> values = client.batchGet(keys).join();

    Map<String, Integer> ages = new TreeMap<>();
    values.forEach((key, user) -> ages.put(key, (Integer) user.get("age")));
    Map<String, Integer> expected = new TreeMap<>();
    for (int i = 0; i < 900; i += 3) {
      expected.put("k" + i, i);
    }
    assertEquals(expected, ages, "every stored key with its own value, no missing key");

    assertEquals(1, registry.get("venice.client.batch.split.calls").counter().count());
    assertEquals(1, registry.get("venice.client.batch.split.calls.split").counter().count());
    DistributionSummary subBatches =
        registry.get("venice.client.batch.split.sub.batches").tag("store", STORE).summary();
    assertEquals(1, subBatches.count());
    assertEquals(4, subBatches.totalAmount(), "ceil(350 / 100) sub-batches");

    assertEquals(Map.of(), client.batchGet(Set.of("missing0")).join(), "under: straight through");
    assertEquals(1, registry.get("venice.client.batch.split.calls.split").counter().count());
  }
}
