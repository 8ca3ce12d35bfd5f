package dev.venice.plugins.rocksdbmetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: the task samples the host's engine statistics into meters
 * named as the README says (per store, per partition on opt-in), ticker meters are absent with
 * statistics off, a store's meters go when its replicas do, and the endpoint serves the sample.
 */
class RocksDbMetricsPluginTest extends PluginContractTest<RocksDbMetricsPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String P = "venice.server.rocksdb.metrics.";
  private final FakeEngineStats engine = new FakeEngineStats()
      .put("users", 1, 0, FakeEngineStats.busy(1, true))
      .put("users", 1, 1, FakeEngineStats.busy(2, true));

  @Override
  protected RocksDbMetricsPlugin newPlugin() {
    return new RocksDbMetricsPlugin(host -> Optional.of(engine));
  }

  @Override
  protected TestingPluginContext.Builder contextBuilder(RocksDbMetricsPlugin plugin) {
    return super.contextBuilder(plugin).config("per-partition-metrics", "true");
  }

  /** Two samples (per-partition on), the endpoint, then a replica gone. */
  @Override
  protected void exercise(RocksDbMetricsPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    BackgroundTask task = extensions.backgroundTasks().get(0);
    task.run();
    task.run();
    extensions.endpoint("stats").handle(get(Map.of()));
    engine.remove("users", 1, 1);
    task.run();
  }

  @Test
  void everyMeterOfAStoreIsRegisteredWithItsSummedValue() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("sample-interval", "5s").build()) {
      TestingExtensions added = context.start();
      BackgroundTask task = added.backgroundTasks().get(0);
      assertEquals(Duration.ofSeconds(5), task.interval());
      task.run();
      MeterRegistry r = context.meterRegistry();
      assertEquals(Set.of("block.cache.hit.ratio", "block.cache.hits", "block.cache.misses",
          "compaction.pending.bytes", "compaction.read.bytes", "compaction.write.bytes",
          "compactions", "compactions.pending", "compactions.running", "flush.bytes", "flushes",
          "level.bytes", "level.files", "memtable.bytes", "replicas"), names(r, P));
      assertEquals(7000 * 3, counter(r, "compaction.read.bytes", "users"));
      assertEquals(6000 * 3, counter(r, "compaction.write.bytes", "users"));
      assertEquals(3000 * 3, counter(r, "flush.bytes", "users"));
      assertEquals(3 * 3, counter(r, "flushes", "users"));
      assertEquals(90 * 3, counter(r, "block.cache.hits", "users"));
      assertEquals(10 * 3, counter(r, "block.cache.misses", "users"));
      assertEquals(2, gauge(r, "compactions.running", "users"));
      assertEquals(2, gauge(r, "compactions.pending", "users"));
      assertEquals(0.9, gauge(r, "block.cache.hit.ratio", "users"), 1e-9);
      assertEquals(4, r.get(P + "level.files").tags("store", "users", "level", "0").gauge()
          .value());
      assertEquals(5000 * 3, r.get(P + "level.bytes").tags("store", "users", "level", "1")
          .gauge().value());
      assertTrue(r.find(P + "partition.flushes").meters().isEmpty(),
          "no per-partition series unless opted in");
    }
  }

  @Test
  void perPartitionSeriesAreOptInPerStore() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
      context.putStoreSettings("users", Map.of("per-partition-metrics", "true"));
      added.backgroundTasks().get(0).run();
      MeterRegistry r = context.meterRegistry();
      assertEquals(3000 * 2, r.get(P + "partition.flush.bytes")
          .tags("store", "users", "partition", "1").functionCounter().count());
      assertEquals(Set.of("0", "1"), r.find(P + "partition.flushes").meters().stream()
          .map(m -> m.getId().getTag("partition")).collect(Collectors.toSet()));
    }
  }

  @Test
  void aStoreSwitchedOffIsLeftOutOfTheSamples() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
      BackgroundTask task = added.backgroundTasks().get(0);
      task.run();
      assertEquals(9, counter(context.meterRegistry(), "flushes", "users"));
      context.putStoreSettings("users", Map.of(TestingPluginContext.ENABLED, "false"));
      task.run();
      assertTrue(context.meterRegistry().find(P + "flushes").meters().isEmpty(),
          "users switched off: its meters removed");
    }
  }

  @Test
  void withStatisticsOffTheTickerMetersAreAbsentNotZero() throws Exception {
    FakeEngineStats off = new FakeEngineStats().put("users", 1, 0, FakeEngineStats.busy(1, false));
    try (TestingPluginContext context = TestingPluginContext.builder(
        new RocksDbMetricsPlugin(host -> Optional.of(off))).build()) {
      context.start().backgroundTasks().get(0).run();
      assertEquals(Set.of("compaction.pending.bytes", "compactions", "compactions.pending",
          "compactions.running", "flushes", "level.bytes", "level.files", "memtable.bytes",
          "replicas"), names(context.meterRegistry(), P));
    }
  }

  @Test
  void aStoresMetersAreRemovedWhenItsLastReplicaGoesAndCountersNeverGoBack() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      BackgroundTask task = context.start().backgroundTasks().get(0);
      engine.put("other", 3, 0, FakeEngineStats.busy(1, true));
      task.run();
      MeterRegistry r = context.meterRegistry();
      assertEquals(9, counter(r, "flushes", "users"));
      engine.remove("users", 1, 1); // partition 1 closes: its flushes stay counted
      task.run();
      assertEquals(9, counter(r, "flushes", "users"));
      assertEquals(1, gauge(r, "replicas", "users"));
      engine.remove("users", 1, 0);
      task.run();
      assertTrue(r.find(P + "flushes").tag("store", "users").meters().isEmpty(),
          "users' meters removed");
      assertTrue(r.find(P + "level.files").tag("store", "users").meters().isEmpty());
      assertEquals(3, counter(r, "flushes", "other"));
    }
  }

  @Test
  void theEndpointServesTheLastSampleAndNamesAnUnknownStore() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("per-partition-metrics", "true").build()) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
      JsonNode before = JSON.readTree(added.endpoint("stats").handle(get(Map.of())).body());
      assertEquals(0, before.path("sampledAtMillis").asLong());
      added.backgroundTasks().get(0).run();
      PluginHttpResponse answer = added.endpoint("stats").handle(get(Map.of("store", "users")));
      assertEquals(200, answer.status());
      JsonNode body = JSON.readTree(answer.body());
      assertEquals(context.time().now().toEpochMilli(), body.path("sampledAtMillis").asLong());
      assertTrue(body.path("statistics").asBoolean());
      JsonNode users = body.path("stores").get(0);
      assertEquals("users", users.path("store").asText());
      assertEquals(21000, users.path("values").path("compaction.read.bytes").asLong());
      assertEquals(0.9, users.path("blockCacheHitRatio").asDouble(), 1e-9);
      assertEquals(2, users.path("levels").size());
      assertEquals(2, users.path("partitions").size());
      PluginHttpResponse unknown = added.endpoint("stats").handle(get(Map.of("store", "nope")));
      assertEquals(404, unknown.status());
      assertTrue(JSON.readTree(unknown.body()).path("error").asText().contains("nope"));
      assertNull(JSON.readTree(unknown.body()).get("stores"));
    }
  }

  private static Set<String> names(MeterRegistry registry, String prefix) {
    return registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName)
        .filter(n -> n.startsWith(prefix)).map(n -> n.substring(prefix.length()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static double counter(MeterRegistry registry, String name, String store) {
    FunctionCounter c = registry.get(P + name).tags("store", store).functionCounter();
    return c.count();
  }

  private static double gauge(MeterRegistry registry, String name, String store) {
    Gauge g = registry.get(P + name).tags("store", store).gauge();
    return g.value();
  }

  private static PluginHttpRequest get(Map<String, String> query) {
    return new PluginHttpRequest("GET", "stats", query.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), Map.of(), new byte[0]);
  }
}
