package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.runtime.server.VeniceServer;
import dev.venice.spi.client.ReplicaDispatchDecorator;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.ServiceUnavailableException;
import dev.venice.spi.client.StoreClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast client keeps serving while one of three servers is down, and uses it again after; a
 * decorator's non-retriable refusal is not retried on other replicas; giving up on a client's
 * future cancels the replica call in flight.
 */
class FastClientFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static LocalCluster cluster;

  @BeforeAll
  static void startClusterWithAStoreOnThreeServers(@TempDir Path files) throws Exception {
    cluster = LocalCluster.builder().servers(3).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build();
    ControllerClient admin = new ControllerClient(cluster.controllerUrl());
    admin.createStore("spread", Schemas.KEY, Schemas.USER_V1, 3, 2);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      lines.add("{\"key\": \"k" + i + "\", \"value\": {\"name\": \"n\", \"age\": " + i + "}}");
    }
    PushJob.create(cluster.controllerUrl(), "spread",
        Files.write(files.resolve("spread.jsonl"), lines)).run();
    cluster.awaitRoutable("spread", Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void keepsServingWithAServerDownAndPicksItUpAgain() throws Exception {
    Set<String> servedBy = ConcurrentHashMap.newKeySet();
    ReplicaDispatchDecorator observer = decorator(next -> request -> next.dispatch(request)
        .whenComplete((response, error) -> {
          if (response != null) {
            servedBy.add(response.servedBy().instanceId());
          }
        }));
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), "spread").metadataRefresh(Duration.ofMillis(200))
        .decorate(observer).fast()) {
      readAll(client);
      assertEquals(3, servedBy.size(), "round robin reaches every server: " + servedBy);

      VeniceServer down = cluster.servers().get(1);
      cluster.stopServer(down);
      for (int round = 0; round < 3; round++) {
        readAll(client);
      }
      servedBy.clear();
      readAll(client);
      assertFalse(servedBy.contains(down.instanceId()), "stopped server still served");

      VeniceServer back = cluster.restartServer(down);
      LocalCluster.waitFor("the restarted server serving reads again", WAIT, () -> {
        servedBy.clear();
        readAll(client);
        return servedBy.contains(back.instanceId());
      });
    }
  }

  @Test
  void aNonRetriableRefusalIsNotRetriedOnTheOtherReplicas() {
    AtomicInteger dispatched = new AtomicInteger();
    ServiceUnavailableException refusal = new ServiceUnavailableException("spread",
        "every replica's breaker is open", null) {
      @Override
      public boolean isRetriable() {
        return false;
      }
    };
    ReplicaDispatchDecorator refuser = decorator(next -> request -> {
      dispatched.incrementAndGet();
      return CompletableFuture.failedFuture(refusal);
    });
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), "spread").decorate(refuser).fast()) {
      CompletionException failed = assertThrows(CompletionException.class,
          () -> client.get("k1").join());
      assertInstanceOf(ServiceUnavailableException.class, failed.getCause());
      assertEquals(1, dispatched.get(), "sent once, not once per replica");
    }
  }

  @Test
  void cancellingTheCallersFutureCancelsTheReplicaCallInFlight() {
    List<CompletableFuture<ReplicaResponse>> inFlight = new CopyOnWriteArrayList<>();
    ReplicaDispatchDecorator holder = decorator(next -> request -> {
      CompletableFuture<ReplicaResponse> held = new CompletableFuture<>();
      inFlight.add(held);
      return held;
    });
    try (StoreClient<String, GenericRecord> client = VeniceClients
        .builder(cluster.routerUrl(), "spread").decorate(holder).fast()) {
      CompletableFuture<GenericRecord> get = client.get("k1");
      assertEquals(1, inFlight.size());
      get.cancel(true);
      assertTrue(inFlight.get(0).isCancelled(), "the single get's replica call");

      inFlight.clear();
      Set<String> keys = Set.of("k1", "k2", "k3", "k4", "k5", "k6");
      CompletableFuture<?> batch = client.batchGet(keys);
      assertTrue(inFlight.size() > 1, "one call per partition: " + inFlight.size());
      batch.cancel(true);
      assertTrue(inFlight.stream().allMatch(CompletableFuture::isCancelled),
          "every partition's replica call");
    }
  }

  private static ReplicaDispatchDecorator decorator(
      Function<ReplicaDispatcher, ReplicaDispatcher> wrap) {
    return new ReplicaDispatchDecorator() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
        return wrap.apply(next);
      }
    };
  }

  private static void readAll(StoreClient<String, GenericRecord> client) {
    for (int i = 0; i < 60; i++) {
      assertEquals(i, client.get("k" + i).join().get("age"), "k" + i);
    }
  }
}
