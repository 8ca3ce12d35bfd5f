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
import dev.venice.spi.client.QuotaExceededException;
import dev.venice.spi.client.RequestTimeoutException;
import dev.venice.spi.client.StoreClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's composition: the five resilience decorators and hedging, all switched on by
 * configuration alone on one fast client (read through a {@link MultiStoreClient} too), stack in
 * the documented order: a coalesced call costs one token, a timed-out call is counted by the
 * breaker against its replica, and a rate-limited call never reaches the breaker or a replica.
 *
 * <p>One server holds the store (replication factor 1) and a fault decorator delays every call to
 * it by 300 ms, so calls stay in flight long enough to be joined or timed out.
 */
class ResilienceStackTest {
  private static final String STORE = "stacked";
  private static final String PREFIX = "venice.client.";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void theDecoratorsStackInTheDocumentedOrder() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      ControllerClient admin = new ControllerClient(cluster.controllerUrl());
      admin.createStore(STORE, Schemas.KEY, Schemas.USER_V1, 2, 1);
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
      }
      PushJob.create(cluster.controllerUrl(), STORE,
          Files.write(dir.resolve("stacked.jsonl"), lines)).run();
      cluster.awaitRoutable(STORE, Duration.ofSeconds(60));
      String server = cluster.servers().get(0).instanceId();

      Map<String, String> config = new HashMap<>();
      config.put("plugins.hedging.enabled", "true");
      config.put("plugins.circuit-breaker.enabled", "true");
      config.put("plugins.circuit-breaker.consecutive-failure-threshold", "1000");
      config.put("plugins.rate-limiter.enabled", "true");
      config.put("plugins.rate-limiter.rate", "0.01"); // no refill within the test
      config.put("plugins.rate-limiter.burst", "50");
      config.put("plugins.coalescing.enabled", "true");
      config.put("plugins.coalescing.window", "1s");
      config.put("plugins.batch-split.enabled", "true");
      config.put("plugins.batch-split.max-keys-per-sub-batch", "10");
      config.put("plugins.read-timeout.enabled", "true");
      config.put("plugins.fault-replica-latency.enabled", "true");
      config.put("plugins.fault-replica-latency.replica", server);
      config.put("plugins.fault-replica-latency.delay", "300ms");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ReplicaLatencyPlugin.DELAYED.set(0);
      try (StoreClient<String, GenericRecord> client = VeniceClients
          .builder(cluster.routerUrl(), STORE).meterRegistry(registry)
          .metadataRefresh(Duration.ofMillis(200)).pluginConfig(config).fast()) {

        // coalescing is outside the rate limit: 16 callers of one key spend one token
        List<CompletableFuture<GenericRecord>> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          callers.add(client.get("k7"));
        }
        for (CompletableFuture<GenericRecord> caller : callers) {
          assertEquals(7, caller.join().get("age"));
        }
        assertEquals(1, count(registry, "rate.limiter.admitted"), "one token for 16 callers");
        assertEquals(15, count(registry, "coalescing.coalesced"));
        assertEquals(1, ReplicaLatencyPlugin.DELAYED.get(), "one call reached the replica");
        assertEquals(1, breakerCalls(registry, server, "SUCCESS"));

        // a batch get through the multi-store client: split inside the rate limit (35 tokens)
        MultiStoreClient multi = new MultiStoreClient(Map.of(STORE, client));
        StoreHandle<String, GenericRecord> handle = multi.handle(client);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 35; i++) {
          keys.add("k" + i);
        }
        MultiGetResult result = multi.batchGet(MultiGetRequest.builder().add(handle, keys)
            .build(), Duration.ofSeconds(10)).join();
        assertEquals(35, result.get(handle).size());
        assertEquals(2, count(registry, "rate.limiter.admitted"));
        assertEquals(14, registry.get(PREFIX + "rate.limiter.fill.level").tag("store", STORE)
            .gauge().value(), 0.5, "50 - 1 - 35 tokens left");
        assertEquals(4, registry.get(PREFIX + "batch.split.sub.batches").tag("store", STORE)
            .summary().totalAmount());

        // the timeout is inside the breaker's reach: a timed-out attempt is a failure of its replica
        admin.updateStore(STORE, Map.of("pluginSettings",
            Map.of("plugins.read-timeout.read-timeout-ms", "100")));
        LocalCluster.waitFor("the client to see the store's 100 ms timeout", WAIT,
            () -> registry.get(PREFIX + "read.timeout.effective.ms").tag("store", STORE).gauge()
                .value() == 100);
        CompletionException timedOut = assertThrows(CompletionException.class,
            () -> client.get("k8").join());
        assertInstanceOf(RequestTimeoutException.class, timedOut.getCause());
        LocalCluster.waitFor("the breaker to count the timed-out attempt", WAIT,
            () -> breakerCalls(registry, server, "FAILURE") == 1);

        // spend what is left, then a refused call reaches neither the breaker nor the replica
        double admitted = count(registry, "rate.limiter.admitted");
        List<CompletableFuture<?>> spending = new ArrayList<>();
        while (count(registry, "rate.limiter.rejected") == 0) {
          spending.add(client.get("k" + (int) admitted++).exceptionally(error -> null));
        }
        // each admitted one times out and is counted by the breaker: wait for all of them first
        CompletableFuture.allOf(spending.toArray(CompletableFuture[]::new)).join();
        double attempts = breakerCalls(registry, server, "SUCCESS")
            + breakerCalls(registry, server, "FAILURE") + breakerCalls(registry, server, "IGNORED");
        int delayed = ReplicaLatencyPlugin.DELAYED.get();
        for (int i = 0; i < 5; i++) {
          CompletionException refused = assertThrows(CompletionException.class,
              () -> client.get("k1").join());
          assertInstanceOf(QuotaExceededException.class, refused.getCause());
          assertTrue(refused.getCause().getMessage().contains(STORE), refused.getMessage());
        }
        assertEquals(attempts, breakerCalls(registry, server, "SUCCESS")
            + breakerCalls(registry, server, "FAILURE") + breakerCalls(registry, server, "IGNORED"),
            "no refused call reached the breaker");
        assertEquals(delayed, ReplicaLatencyPlugin.DELAYED.get(), "nor the replica");
        assertTrue(registry.find(PREFIX + "hedging.requests").tag("store", STORE).counter()
            != null, "hedging is in the stack (with one replica it has nowhere to hedge to)");
      }
    }
  }

  private static double count(MeterRegistry registry, String meter) {
    Counter counter = registry.find(PREFIX + meter).tag("store", STORE).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double breakerCalls(MeterRegistry registry, String instance, String outcome) {
    Counter counter = registry.find(PREFIX + "circuit.breaker.calls")
        .tags("store", STORE, "instance", instance, "outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }
}
