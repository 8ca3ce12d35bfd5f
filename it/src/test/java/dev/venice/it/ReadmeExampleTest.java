package dev.venice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.runtime.client.VeniceClients;
import dev.venice.runtime.common.controller.ControllerClient;
import dev.venice.runtime.localcluster.LocalCluster;
import dev.venice.runtime.push.PushJob;
import dev.venice.spi.client.ForwardingStoreClient;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StoreClientDecorator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's decorator example, compiled and run as written. */
class ReadmeExampleTest {
  @TempDir Path dir;

  /** The README's "yours": logs every get. */
  static final class LoggingDecorator implements StoreClientDecorator {
    static final Queue<String> LOG = new ConcurrentLinkedQueue<>();

    @Override
    public String name() {
      return "logging";
    }

    @Override
    public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
      return new ForwardingStoreClient<>(client) {
        @Override
        public CompletableFuture<V> get(K key, RequestContext context) {
          LOG.add("get " + key);
          return super.get(key, context);
        }
      };
    }
  }

  @Test
  void theReadmeSnippetWorks() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().servers(1).routers(1)
        .controllerConfig("push.monitor.interval", "50ms").build()) {
      new ControllerClient(cluster.controllerUrl())
          .createStore("users", Schemas.KEY, Schemas.USER_V1, 1, 1);
      PushJob.create(cluster.controllerUrl(), "users", Files.write(dir.resolve("u.jsonl"),
          List.of("{\"key\": \"ann\", \"value\": {\"name\": \"Ann\", \"age\": 31}}"))).run();
      cluster.awaitRoutable("users", Duration.ofSeconds(60));
      String routerUrl = cluster.routerUrl();
      MeterRegistry registry = new SimpleMeterRegistry();

      // --- README snippet ---
      StoreClient<String, GenericRecord> users = VeniceClients.builder(routerUrl, "users")
          .decorate(new LoggingDecorator())                  // yours, outermost
          .pluginConfig(Map.of(                              // plugins on the class path, switched on:
              "plugins.coalescing.enabled", "true",          //   one request per hot key in flight
              "plugins.rate-limiter.enabled", "true",        //   1000 keys/s, burst 1000 by default
              "plugins.batch-split.enabled", "true",         //   at most 150 keys per sub-batch
              "plugins.read-timeout.enabled", "true",        //   the store's read-timeout-ms, if set
              "plugins.circuit-breaker.enabled", "true",     //   skip replicas that keep failing
              "plugins.hedging.enabled", "true"))            //   a second replica after 2 ms
          .meterRegistry(registry)                           // where their metrics go
          .fast();
      GenericRecord ann = users.get("ann").join();           // null when absent
      // --- end of snippet ---

      assertEquals(31, ann.get("age"));
      assertTrue(LoggingDecorator.LOG.contains("get ann"));
      for (String plugin : List.of("coalescing", "rate.limiter", "batch.split", "read.timeout",
          "hedging")) {
        assertTrue(registry.getMeters().stream().anyMatch(
            meter -> meter.getId().getName().startsWith("venice.client." + plugin + ".")), plugin);
      }
      assertEquals(1, registry.get("venice.client.circuit.breaker.calls")
          .tag("outcome", "SUCCESS").counter().count(), "the breaker counted the get");
      users.close();
    }
  }
}
