package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.MultiGetRequest;
import dev.venice.runtime.client.MultiGetResult;
import dev.venice.runtime.client.MultiStoreClient;
import dev.venice.runtime.client.StoreHandle;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.localcluster.fault.ReplicaLatencyPlugin;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@link MultiStoreClient} on a local cluster over two fast clients of stores with different key
 * and value schemas ({@code users}: string to User record; {@code scores}: long to double): one
 * typed call reads both; a store whose replica stalls times out alone at the call's deadline (its
 * request cancelled) while the other answers; a key of the wrong type fails only its store; an
 * unknown store is refused by name.
 */
class MultiStoreClientTest {
  private static final String SCORES_VALUE = "\"double\"";

  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void pushTwoStores() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    ControllerClient controller = new ControllerClient(cluster.controllerUrl());
    controller.createStore("users", Schemas.KEY, Schemas.USER_V1, 2, 1);
    controller.createStore("scores", "\"long\"", SCORES_VALUE, 2, 1);
    List<String> users = new ArrayList<>();
    List<String> scores = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      users.add("{\"key\": \"u" + i + "\", \"value\": {\"name\": \"user" + i + "\", \"age\": " + i
          + "}}");
      scores.add("{\"key\": " + (1000 + i) + ", \"value\": " + (i + 0.5) + "}");
    }
    PushJob.create(cluster.controllerUrl(), "users",
        Files.write(dir.resolve("users.jsonl"), users)).run();
    PushJob.create(cluster.controllerUrl(), "scores",
        Files.write(dir.resolve("scores.jsonl"), scores)).run();
    cluster.awaitRoutable("users", Duration.ofSeconds(60));
    cluster.awaitRoutable("scores", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static <K, V> StoreClient<K, V> fast(String store, Map<String, String> plugins) {
    return VeniceClients.builder(cluster.routerUrl(), store).pluginConfig(plugins).fast();
  }

  @Test
  void oneTypedCallReadsTwoStoresOfDifferentSchemas() {
    try (StoreClient<String, GenericRecord> users = fast("users", Map.of());
        StoreClient<Long, Double> scores = fast("scores", Map.of())) {
      MultiStoreClient multi = new MultiStoreClient(Map.of("users", users, "scores", scores));
      StoreHandle<String, GenericRecord> usersHandle = multi.handle(users);
      StoreHandle<Long, Double> scoresHandle = multi.handle(scores);

      MultiGetResult result = multi.batchGet(MultiGetRequest.builder()
          .add(usersHandle, Set.of("u1", "u7", "nobody"))
          .add(scoresHandle, Set.of(1003L, 1019L, 5L))
          .build(), Duration.ofSeconds(5)).join();

      Map<String, Integer> ages = new TreeMap<>();
      result.get(usersHandle).forEach((key, user) -> ages.put(key, (Integer) user.get("age")));
      assertEquals(Map.of("u1", 1, "u7", 7), ages, "found users only");
      Map<Long, Double> scoresRead = result.get(scoresHandle);
      assertEquals(Map.of(1003L, 3.5, 1019L, 19.5), scoresRead, "found scores only");
      assertEquals(Map.of(), result.failures());
    }
  }

  @Test
  void aStalledStoreTimesOutAtTheDeadlineAndTheOtherAnswers() {
    ReplicaLatencyPlugin.DELAYED.set(0);
    ReplicaLatencyPlugin.CANCELLED.set(0);
    try (StoreClient<String, GenericRecord> users = fast("users", Map.of());
        StoreClient<Long, Double> scores = fast("scores", Map.of(
            "plugins.fault-replica-latency.enabled", "true",
            "plugins.fault-replica-latency.replica", cluster.servers().get(0).instanceId(),
            "plugins.fault-replica-latency.delay", "30s"))) {
      MultiStoreClient multi = new MultiStoreClient(Map.of("users", users, "scores", scores));
      users.get("u1").join(); // a warm client: its first call sets up channels and classes
      long start = System.nanoTime();
      MultiGetResult result = multi.batchGet(
          Map.of("users", Set.of("u2"), "scores", Set.of(1000L, 1001L, 1002L, 1003L)),
          Duration.ofSeconds(2)).join();
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      GenericRecord user2 = (GenericRecord) result.get("users").get("u2");
      assertEquals("user2", user2.get("name").toString(), "users answered");
      RequestTimeoutException timeout = assertInstanceOf(RequestTimeoutException.class,
          result.failure("scores").orElseThrow());
      assertEquals("scores", timeout.store());
      assertTrue(tookMillis < 10_000, "returned at the deadline, not after the stall: "
          + tookMillis + " ms");
      assertTrue(ReplicaLatencyPlugin.DELAYED.get() > 0, "the scores calls were stalled");
      assertEquals(ReplicaLatencyPlugin.DELAYED.get(), ReplicaLatencyPlugin.CANCELLED.get(),
          "every stalled call was cancelled before it reached the server");
    }
  }

  @Test
  void aKeyOfTheWrongTypeFailsOnlyItsStoreAndAnUnknownStoreIsRefused() {
    try (StoreClient<String, GenericRecord> users = fast("users", Map.of());
        StoreClient<Long, Double> scores = fast("scores", Map.of())) {
      MultiStoreClient multi = new MultiStoreClient(Map.of("users", users, "scores", scores));
      MultiGetResult result = multi.batchGet(
          Map.of("users", Set.of("u3"), "scores", Set.of("not-a-long")),
          Duration.ofSeconds(5)).join();
      assertTrue(result.failed("scores"), "the scores client refused a string key: " + result);
      assertEquals(Set.of("u3"), result.get("users").keySet());

      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> multi.batchGet(Map.of("no-such-store", Set.of("k")), Duration.ofSeconds(1)));
      assertTrue(refused.getMessage().contains("unknown store no-such-store"),
          refused.getMessage());
    }
  }
}
