package dev.venice.runtime.common.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.client.DecoratorStack;
import dev.venice.spi.client.ReplicaDispatcher;
import dev.venice.spi.client.ReplicaRequest;
import dev.venice.spi.client.ReplicaResponse;
import dev.venice.spi.client.RequestContext;
import dev.venice.spi.client.RequestKind;
import dev.venice.spi.client.StoreClient;
import dev.venice.spi.client.StreamingCallback;
import dev.venice.spi.controller.AdminMutation;
import dev.venice.spi.controller.AdminOperation;
import dev.venice.spi.controller.AdminOutcome;
import dev.venice.spi.controller.AdminVerdict;
import dev.venice.spi.controller.Caller;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionVerdict;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook kinds beyond reads, class-path discovery, per-store configuration and background tasks,
 * each through a real plugin jar compiled by the test.
 */
class PluginFeaturesTest {
  @TempDir Path work;

  private static final String PLUGIN = """
      package fixture.features;

      import dev.venice.spi.client.*;
      import dev.venice.spi.config.ConfigKey;
      import dev.venice.spi.controller.*;
      import dev.venice.spi.plugin.*;
      import dev.venice.spi.server.*;
      import java.time.Duration;
      import java.util.List;
      import java.util.concurrent.atomic.AtomicInteger;

      public final class FeaturesPlugin implements VenicePlugin {
        public static final ConfigKey<Integer> LIMIT =
            ConfigKey.integer("limit", 5, 0, 1000, "largest allowed partition count");
        public static final AtomicInteger TASK_RUNS = new AtomicInteger();

        public PluginDescriptor descriptor() {
          return new PluginDescriptor("features", "2.3.0", "1.0", "every hook kind");
        }

        public List<ConfigKey<?>> configKeys() {
          return List.of(LIMIT);
        }

        public void start(PluginContext context, Extensions extensions) {
          extensions.addAdminMutationHook(new AdminMutationHook() {
            public AdminVerdict before(AdminMutation m) {
              if (m.store() != null && m.store().startsWith("boom")) {
                throw new IllegalStateException("validator bug");
              }
              Object partitions = m.requested().get("partitionCount");
              int limit = context.configForStore(m.store()).get(LIMIT);
              return partitions instanceof Integer p && p > limit
                  ? AdminVerdict.veto("partitionCount " + p + " above " + limit)
                  : AdminVerdict.PROCEED;
            }
          });
          extensions.addIngestionHook(new IngestionRecordHook() {
            public IngestionVerdict beforeApply(IngestionRecord r) {
              if (r.value() != null && r.value().length == 0) {
                throw new IllegalStateException("hook bug");
              }
              return r.value() != null && r.value().length > 3
                  ? IngestionVerdict.reject("value of " + r.value().length + " bytes too big")
                  : IngestionVerdict.ACCEPT;
            }
          });
          extensions.addStoreDecorator(new StoreClientDecorator() {
            public String name() { return "features-store"; }
            public int order() { return DecoratorOrder.TIMEOUT; }
            public <K, V> StoreClient<K, V> decorate(StoreClient<K, V> client) {
              throw new IllegalStateException("decorator bug");
            }
          });
          extensions.addReplicaDecorator(new ReplicaDispatchDecorator() {
            public String name() { return "features-replica"; }
            public ReplicaDispatcher decorate(ReplicaDispatcher next, String store) {
              return request -> next.dispatch(request.withCandidates(
                  request.candidates().subList(1, request.candidates().size())));
            }
          });
          extensions.addBackgroundTask(new BackgroundTask() {
            public String name() { return "tick"; }
            public Duration interval() { return Duration.ofMillis(10); }
            public void run() {
              if (TASK_RUNS.incrementAndGet() == 1) {
                throw new IllegalStateException("first run fails");
              }
            }
          });
        }
      }
      """;

  private static AdminMutation create(String store, int partitions) {
    return new AdminMutation(AdminOperation.CREATE_STORE, "c", store,
        new Caller("alice", "127.0.0.1:5000"), Instant.now(), Map.of(),
        Map.of("partitionCount", partitions), false);
  }

  private static IngestionRecord record(byte[] value) {
    return new IngestionRecord("s", 1, 0, 42L, "s_v1", RecordType.PUT, new byte[] {1}, value, 1,
        0L, new StageTimings());
  }

  @Test
  void classPathPluginContributesEveryHookKind() throws Exception {
    Path jar = work.resolve("features.jar");
    PluginJars.compiledPlugin(jar, Map.of("fixture.features.FeaturesPlugin", PLUGIN), List.of(),
        "fixture.features.FeaturesPlugin");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TestStores stores = new TestStores().put("big", Map.of("plugins.features.limit", "100"))
        .put("bad-settings", Map.of("plugins.features.limt", "1"));
    BasicHostServices host = new BasicHostServices("controller", "c1", "c", stores, null, null,
        null, Map.of());
    try (URLClassLoader app = new URLClassLoader(new URL[] {jar.toUri().toURL()},
            getClass().getClassLoader());
        PluginManager manager = PluginManager.builder(host).classPath(app).meterRegistry(registry)
            .config(Map.of("plugins.features.enabled", "true")).build().start()) {
      PluginInfo info = manager.plugins().get(0);
      assertEquals(PluginState.STARTED, info.state(), info.message());
      assertEquals("class path: " + jar, info.source());

      // Admin hooks: veto prefixed with the plugin id; per-store override; a throwing hook proceeds.
      assertEquals("features: partitionCount 8 above 5",
          manager.adminMutationHooks().before(create("small", 8)).vetoReason());
      assertFalse(manager.adminMutationHooks().before(create("big", 8)).vetoed());
      assertEquals(AdminMutationHooks.Before.PROCEED,
          manager.adminMutationHooks().before(create("boom", 8)));
      assertEquals(AdminMutationHooks.Before.PROCEED,
          manager.adminMutationHooks().before(create("bad-settings", 8)));
      manager.adminMutationHooks().after(create("small", 1), new AdminOutcome(true, null, Map.of()));
      assertEquals(2.0, registry.get("venice.plugins.hook.errors").tag("hook", "admin.before")
          .counter().count(), "the throwing validator and the bad store settings");

      // Ingestion hooks: rejection prefixed with the plugin id; a throwing hook accepts.
      assertEquals("features: value of 4 bytes too big",
          manager.ingestionHooks().beforeApply(record(new byte[4])).reason());
      assertEquals(IngestionVerdict.ACCEPT, manager.ingestionHooks().beforeApply(record(new byte[2])));
      assertEquals(IngestionVerdict.ACCEPT, manager.ingestionHooks().beforeApply(record(new byte[0])));

      // Decorators: the throwing store decorator is skipped; the replica one is in the stack.
      DecoratorStack stack = manager.decorators();
      assertEquals("store [features-store], replica [features-replica]", stack.toString());
      NullClient client = new NullClient();
      assertEquals(Map.of(), stack.decorateClient(client).batchGet(Set.of("k")).join(),
          "calls reach the undecorated client");
      assertEquals(1.0, registry.get("venice.plugins.hook.errors")
          .tag("hook", "decorator.store").counter().count());
      // The replica decorator throws synchronously for a request without candidates (subList):
      // the host turns the throw into a failed future, as ReplicaDispatcher promises.
      ReplicaDispatcher dispatcher = stack.decorateDispatcher(
          request -> CompletableFuture.completedFuture(null), "s");
      CompletableFuture<ReplicaResponse> failed = dispatcher.dispatch(new ReplicaRequest("s", 1,
          0, RequestKind.SINGLE_GET, List.of(new byte[] {1}), RequestContext.of("s"), List.of()));
      assertTrue(failed.isCompletedExceptionally(), "a failed future, not a throw");

      // Background task: a throwing run is contained and the schedule goes on.
      Class<?> plugin = app.loadClass("fixture.features.FeaturesPlugin");
      var runs = (AtomicInteger) plugin.getField("TASK_RUNS").get(null);
      Await.until(() -> runs.get() >= 3, Duration.ofSeconds(10),
          () -> "background task ran only " + runs.get() + " times");
      assertEquals(1.0, registry.get("venice.plugins.hook.errors").tag("hook", "task.tick")
          .counter().count());
    }
  }

  /** A store client of our own interface that answers nothing, to see decorators leave it be. */
  static final class NullClient implements StoreClient<String, String> {
    @Override
    public String storeName() {
      return "s";
    }

    @Override
    public CompletableFuture<String> get(String key, RequestContext context) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Map<String, String>> batchGet(Set<String> keys, RequestContext c) {
      return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public CompletableFuture<Void> streamingBatchGet(
        Set<String> keys, RequestContext context, StreamingCallback<String, String> callback) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }
}
