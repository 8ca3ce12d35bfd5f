package dev.venice.it.plugins.ratelimiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.it.Schemas;
import dev.venice.it.Scrape;
import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rate limiter, found on the class path and switched on by configuration only, in fast clients
 * of a store on a local cluster: exactly the burst passes, the next request fails with {@code
 * QuotaExceededException} naming the store without reaching a server (the servers' key lookups do
 * not move), a batch get of K keys costs K tokens, and a store setting reaches a running client.
 * The rate is one key per 100 s, so no token comes back during the test unless a setting says so.
 */
class RateLimiterPluginTest {
  private static final String STORE = "limited";
  /** A store of its own for the settings change, so the other tests never see it. */
  private static final String LIVE = "limited-live";
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    for (String store : List.of(STORE, LIVE)) {
      new ControllerClient(cluster.controllerUrl())
          .createStore(store, Schemas.KEY, Schemas.USER_V1, 2, 1);
      PushJob.create(cluster.controllerUrl(), store,
          Files.write(dir.resolve(store + ".jsonl"), lines)).run();
      cluster.awaitRoutable(store, Duration.ofSeconds(60));
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A fast client of {@code store} with the rate limiter on: 0.01 keys/s, a burst of 5. */
  private static StoreClient<String, GenericRecord> limitedClient(String store,
      SimpleMeterRegistry registry) {
    return VeniceClients.builder(cluster.routerUrl(), store).meterRegistry(registry)
        .metadataRefresh(Duration.ofMillis(100))
        .pluginConfig(Map.of(
            "plugins.rate-limiter.enabled", "true",
            "plugins.rate-limiter.rate", "0.01",
            "plugins.rate-limiter.burst", "5"))
        .fast();
  }

  /** Keys the servers looked up, from their {@code /metrics}. */
  private static double serverKeyLookups() {
    return cluster.servers().stream().mapToDouble(server -> Scrape.sum(
        Scrape.metrics(server.adminUrl()), "venice_server_read_keys_total", null)).sum();
  }

  private static QuotaExceededException refusal(CompletableFuture<?> future) {
    assertTrue(future.isCompletedExceptionally(), "refused at once, without a network call");
    return assertInstanceOf(QuotaExceededException.class,
        assertThrows(CompletionException.class, future::join).getCause());
  }

  private static double meter(SimpleMeterRegistry registry, String name) {
    String full = "venice.client.rate.limiter." + name;
    return name.equals("fill.level")
        ? registry.get(full).tag("store", STORE).gauge().value()
        : registry.get(full).tag("store", STORE).counter().count();
  }

  @Test
  void exactlyTheBurstPassesAndTheNextGetFailsWithoutReachingAServer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, GenericRecord> client = limitedClient(STORE, registry)) {
      double before = serverKeyLookups();
      for (int i = 0; i < 5; i++) {
        assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
      }
      assertEquals(before + 5, serverKeyLookups(), "the burst reached the server");

      QuotaExceededException refused = refusal(client.get("k5"));
      assertEquals(STORE, refused.store());
      assertFalse(refused.isRetriable());
      String message = refused.getMessage();
      // a token per 100 s: a second of test adds 0.01
      assertTrue(message.matches("store limited: client-side rate limit exceeded: 1 key\\(s\\)"
          + " asked for, 0\\.0\\d token\\(s\\) available; rate 0\\.01 keys/s, burst 5 .*"),
          message);
      refusal(client.batchGet(Set.of("k6", "k7")));
      assertEquals(before + 5, serverKeyLookups(), "no refused key reached the server");
      assertEquals(5, meter(registry, "admitted"));
      assertEquals(2, meter(registry, "rejected"));
    }
  }

  @Test
  void aBatchGetOfKKeysCostsKTokens() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (StoreClient<String, GenericRecord> client = limitedClient(STORE, registry)) {
      double before = serverKeyLookups();
      Map<String, GenericRecord> three = client.batchGet(Set.of("k1", "k2", "k3")).join();
      assertEquals(3, three.size());
      assertEquals(2.0, meter(registry, "fill.level"), 0.01, "3 keys took 3 of 5 tokens");
      String message = refusal(client.batchGet(Set.of("k4", "k5", "k6"))).getMessage();
      assertTrue(message.contains("3 key(s) asked for, 2.0"), message);
      assertEquals(2, client.batchGet(Set.of("k4", "k5")).join().size(), "2 keys, 2 tokens");
      refusal(client.get("k6"));
      String tooBig = refusal(client.batchGet(Set.of("a", "b", "c", "d", "e", "f")))
          .getMessage();
      assertTrue(tooBig.contains("a batch of 6 keys can never pass"), tooBig);
      assertEquals(before + 5, serverKeyLookups(), "only the admitted keys were looked up");
    }
  }

  @Test
  void aStoreSettingChangesTheRateOfARunningClient() {
    try (StoreClient<String, GenericRecord> client =
        limitedClient(LIVE, new SimpleMeterRegistry())) {
      for (int i = 0; i < 5; i++) {
        client.get("k" + i).join();
      }
      refusal(client.get("k5"));
      new ControllerClient(cluster.controllerUrl()).updateStore(LIVE, Map.of("pluginSettings",
          Map.of("plugins.rate-limiter.rate", "1000")));
      // a refusal completes at once; an admitted get is still in flight when it returns
      LocalCluster.waitFor("the running client to take the store's rate of 1000 keys/s",
          Duration.ofSeconds(30), () -> !client.get("k5").isCompletedExceptionally());
      assertEquals(5, client.get("k5").join().get("age"));
    }
  }
}
