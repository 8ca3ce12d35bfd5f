package dev.venice.plugins.datafreshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.config.ConfigException;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.search.Search;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and its behaviour with a manual clock: the sampler's math (now − the
 * newest producer timestamp of the window), the window's expiry (no value, not an old one),
 * records without a producer timestamp skipped, batch-only and switched-off stores not reported,
 * a closed replica dropped, and the endpoint's answers.
 */
class DataFreshnessPluginTest extends PluginContractTest<DataFreshnessPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AGE = "venice.server.data.freshness.data.age.ms";

  @Override
  protected DataFreshnessPlugin newPlugin() {
    return new DataFreshnessPlugin();
  }

  /** Records of a hybrid store on two partitions, a sample, the endpoint, a replica closing. */
  @Override
  protected void exercise(DataFreshnessPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.stores().put(hybrid("clicks"));
    IngestionRecordHook hook = extensions.ingestionHooks().get(0);
    long now = context.time().now().toEpochMilli();
    hook.onPartitionOpened(new PartitionEvent("clicks", 1, 0, false, true));
    hook.afterApply(record("clicks", 0, now - 100));
    hook.afterApply(record("clicks", 1, now - 200));
    extensions.backgroundTasks().get(0).run();
    extensions.endpoint("data-age").handle(get(Map.of()));
    hook.onPartitionClosed(new PartitionEvent("clicks", 1, 0, false, true));
  }

  @Test
  void theGaugeIsNowMinusTheNewestTimestampOfTheWindowAndEmptyOnceItExpires() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("sample-interval", "10s").config("window", "60s").build()) {
      TestingExtensions added = context.start();
      context.stores().put(hybrid("clicks"));
      IngestionRecordHook hook = added.ingestionHooks().get(0);
      BackgroundTask sampler = added.backgroundTasks().get(0);
      assertEquals(Duration.ofSeconds(10), sampler.interval());
      long now = context.time().now().toEpochMilli();
      hook.afterApply(record("clicks", 0, now - 1_500));
      hook.afterApply(record("clicks", 0, now - 700)); // the newest wins
      hook.afterApply(record("clicks", 0, now - 3_000));
      hook.afterApply(record("clicks", 1, now - 2_000));
      assertNull(Search.in(context.meterRegistry()).name(AGE).gauge(),
          "records alone update no meter: the sampler does");

      sampler.run();
      assertEquals(700.0, age(context, "clicks"), "now − the newest of all partitions");
      context.time().advance(Duration.ofSeconds(5));
      assertEquals(5_700.0, age(context, "clicks"), "read against the clock when the gauge is");

      context.time().advance(Duration.ofSeconds(5)); // 10 s: a sample with no new record
      sampler.run();
      assertEquals(10_700.0, age(context, "clicks"), "still in the window");
      hook.afterApply(record("clicks", 1, context.time().now().toEpochMilli() - 50));
      context.time().advance(Duration.ofSeconds(10));
      sampler.run();
      assertEquals(10_050.0, age(context, "clicks"));

      context.time().advance(Duration.ofSeconds(60)); // nothing new for a whole window
      sampler.run();
      assertTrue(Double.isNaN(age(context, "clicks")),
          "a quiet window has no data age, not an ever-growing one");
    }
  }

  @Test
  void recordsWithoutATimestampAreSkipped() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(hybrid("clicks"));
      IngestionRecordHook hook = added.ingestionHooks().get(0);
      hook.onPartitionOpened(new PartitionEvent("clicks", 1, 0, false, true));
      hook.afterApply(record("clicks", 0, -1)); // Envelope.NO_TIMESTAMP: "not available"
      hook.afterApply(record("clicks", 0, 0));
      added.backgroundTasks().get(0).run();
      assertTrue(Double.isNaN(age(context, "clicks")));
      JsonNode partition = store(added, "clicks").path("partitions").get(0);
      assertEquals(0, partition.path("partition").asInt());
      assertTrue(partition.path("dataAgeMs").isNull(), partition.toString());
    }
  }

  @Test
  void batchOnlyAndSwitchedOffStoresAreNotReported() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("daily", 1, 2, 1, "NO_OP", false, Map.of()));
      context.stores().put(hybrid("muted"));
      context.putStoreSettings("muted", Map.of("enabled", "false"));
      IngestionRecordHook hook = added.ingestionHooks().get(0);
      long now = context.time().now().toEpochMilli();
      hook.afterApply(record("daily", 0, now - 10));
      hook.afterApply(record("muted", 0, now - 10));
      added.backgroundTasks().get(0).run();
      assertNull(Search.in(context.meterRegistry()).name(AGE).gauge(), "no gauge at all");

      JsonNode daily = store(added, "daily");
      assertFalse(daily.path("tracked").asBoolean());
      assertTrue(daily.path("reason").asText().contains("batch-only"), daily.toString());
      JsonNode muted = store(added, "muted");
      assertFalse(muted.path("tracked").asBoolean());
      assertTrue(muted.path("reason").asText().contains("switched off"), muted.toString());
      assertEquals(0, JSON.readTree(added.endpoint("data-age").handle(get(Map.of())).body())
          .path("stores").size(), "the listing shows tracked stores only");
    }
  }

  @Test
  void theEndpointGivesEachReplicasAgeAndRefusesUnknownStoresByName() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(hybrid("clicks"));
      IngestionRecordHook hook = added.ingestionHooks().get(0);
      long now = context.time().now().toEpochMilli();
      hook.onPartitionOpened(new PartitionEvent("clicks", 1, 0, false, true));
      hook.onPartitionOpened(new PartitionEvent("clicks", 1, 2, false, true));
      hook.afterApply(record("clicks", 2, now - 250));
      added.backgroundTasks().get(0).run();

      JsonNode clicks = store(added, "clicks");
      assertTrue(clicks.path("tracked").asBoolean());
      assertEquals(250.0, clicks.path("dataAgeMs").asDouble());
      assertEquals(now - 250, clicks.path("newestProducerTimestampMs").asLong());
      Map<Integer, JsonNode> partitions = partitions(clicks);
      assertEquals(List.of(0, 2), List.copyOf(partitions.keySet()));
      assertTrue(partitions.get(0).path("dataAgeMs").isNull(), "opened, nothing ingested");
      assertEquals(250.0, partitions.get(2).path("dataAgeMs").asDouble());

      hook.onPartitionClosed(new PartitionEvent("clicks", 1, 0, false, true));
      added.backgroundTasks().get(0).run();
      assertEquals(List.of(2), List.copyOf(partitions(store(added, "clicks")).keySet()),
          "a closed replica is no longer reported");
      assertEquals(1.0, context.meterRegistry().get("venice.server.data.freshness"
          + ".partitions.tracked").gauge().value());

      PluginHttpResponse missing = added.endpoint("data-age").handle(get(Map.of("store",
          "nope")));
      assertEquals(404, missing.status());
      assertTrue(new String(missing.body(), StandardCharsets.UTF_8)
          .contains("store nope does not exist"));
      assertEquals(405, added.endpoint("data-age").handle(new PluginHttpRequest("POST",
          "data-age", Map.of(), Map.of(), new byte[0])).status());
    }
  }

  @Test
  void aWindowShorterThanTheSampleIntervalIsRefusedNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> TestingPluginContext.builder(newPlugin()).config("sample-interval", "30s")
            .config("window", "10s").build().start());
    assertEquals("plugins.data-freshness.window", e.key());
  }

  private static StoreInfo hybrid(String store) {
    return new StoreInfo(store, 1, 4, 1, "NO_OP", true, Map.of());
  }

  static IngestionRecord record(String store, int partition, long producerTimestampMs) {
    return new IngestionRecord(store, 1, partition, 0, store + "_v1", RecordType.PUT,
        new byte[] {1}, new byte[] {2}, 1, producerTimestampMs, new StageTimings());
  }

  private static double age(TestingPluginContext context, String store) {
    Gauge gauge = Search.in(context.meterRegistry()).name(AGE).tag("store", store).gauge();
    return gauge == null ? Double.NaN : gauge.value();
  }

  private static JsonNode store(TestingExtensions added, String store) throws Exception {
    PluginHttpResponse answer = added.endpoint("data-age").handle(get(Map.of("store", store)));
    assertEquals(200, answer.status());
    JsonNode stores = JSON.readTree(answer.body()).path("stores");
    assertEquals(1, stores.size(), stores.toString());
    return stores.get(0);
  }

  private static Map<Integer, JsonNode> partitions(JsonNode store) {
    Map<Integer, JsonNode> byPartition = new TreeMap<>();
    store.path("partitions").forEach(p -> byPartition.put(p.path("partition").asInt(), p));
    return byPartition;
  }

  private static PluginHttpRequest get(Map<String, String> query) {
    return new PluginHttpRequest("GET", "data-age", query.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), Map.of(), new byte[0]);
  }
}
