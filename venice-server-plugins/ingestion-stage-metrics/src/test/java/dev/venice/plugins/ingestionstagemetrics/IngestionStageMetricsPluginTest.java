package dev.venice.plugins.ingestionstagemetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.IngestionStage;
import dev.venice.spi.server.LeaderBatch;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.search.Search;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plugin contract, and the wiring: records and leader batches reach the store's meters once
 * per flush interval (never per record), the endpoint lists every stage with WRITE_COMPUTE "not
 * used" and refuses an unknown store by name, and a replica's end of push and close flush it.
 */
class IngestionStageMetricsPluginTest extends PluginContractTest<IngestionStageMetricsPlugin> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "venice.server.ingestion.stage.metrics.";

  @Override
  protected IngestionStageMetricsPlugin newPlugin() {
    return new IngestionStageMetricsPlugin();
  }

  /** Records on two partitions, a leader batch, a flush, the endpoint, a replica closing. */
  @Override
  protected void exercise(IngestionStageMetricsPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
    IngestionRecordHook hook = extensions.ingestionHooks().get(0);
    hook.afterApply(record("users", 0, 1000, 2000, 3000));
    hook.afterApply(record("users", 1, 1000, 2000, 3000));
    hook.afterLeaderBatch(batch("users", 0, 10, 50_000, 20_000, 900_000));
    context.time().advance(Duration.ofSeconds(2));
    hook.afterApply(record("users", 0, 1000, 2000, 3000));
    extensions.endpoint("breakdown").handle(get(Map.of()));
    hook.onPartitionClosed(new PartitionEvent("users", 1, 1, false, false));
  }

  static IngestionRecord record(String store, int partition, long decode, long hooks,
      long apply) {
    StageTimings t = new StageTimings().record(IngestionStage.CONSUME, 5_000_000)
        .record(IngestionStage.DECODE, decode).record(IngestionStage.HOOKS, hooks)
        .record(IngestionStage.APPLY, apply);
    return new IngestionRecord(store, 1, partition, 0, store + "_v1", RecordType.PUT,
        new byte[] {1}, new byte[] {2}, 1, 0, t);
  }

  static LeaderBatch batch(String store, int partition, int records, long decode, long schema,
      long produce) {
    return new LeaderBatch(store, 1, partition, records, 0, new StageTimings()
        .record(IngestionStage.DECODE, decode).record(IngestionStage.SCHEMA_VALIDATION, schema)
        .record(IngestionStage.LEADER_PRODUCE, produce));
  }

  private static PluginHttpRequest get(Map<String, String> query) {
    return new PluginHttpRequest("GET", "breakdown", query.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue()))), Map.of(), new byte[0]);
  }

  private static double records(TestingPluginContext context, String stage) {
    var counter = Search.in(context.meterRegistry()).name(PREFIX + "stage.records")
        .tag("store", "users").tag("stage", stage).functionCounter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void metersAreUpdatedOncePerFlushIntervalNotPerRecord() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("flush-interval", "1s").config("window", "10s").build()) {
      IngestionRecordHook hook = context.start().ingestionHooks().get(0);
      for (int i = 0; i < 100; i++) {
        hook.afterApply(record("users", 0, 1000, 100, 10_000));
        context.time().advance(Duration.ofMillis(5)); // 100 records in 0.5 s: one interval
      }
      assertEquals(0.0, records(context, "apply"), "nothing is merged before the interval ends");
      assertEquals(0.0, context.meterRegistry().get(PREFIX + "flushes").functionCounter().count());

      context.time().advance(Duration.ofMillis(500));
      hook.afterApply(record("users", 0, 1000, 100, 10_000)); // the interval is over: one merge
      assertEquals(101.0, records(context, "apply"));
      assertEquals(101.0, records(context, "decode"));
      assertEquals(1.0, context.meterRegistry().get(PREFIX + "flushes").functionCounter().count(),
          "101 records, one merge");
      assertEquals(101 * 10_000e-9, context.meterRegistry().get(PREFIX + "stage.time")
          .tag("stage", "apply").functionCounter().count(), 1e-12);
      assertEquals(10_000e-9, context.meterRegistry().get(PREFIX + "stage.p50")
          .tag("stage", "apply").gauge().value(), 10_000e-9 * 0.01);
      assertEquals(10_000e-9, context.meterRegistry().get(PREFIX + "stage.mean")
          .tag("stage", "apply").gauge().value(), 1e-15);
      assertEquals(101 / 1.0, context.meterRegistry().get(PREFIX + "stage.throughput")
          .tag("stage", "apply").gauge().value(), 1e-9, "101 records over the 1 s since the first");

      for (int i = 0; i < 50; i++) {
        hook.afterApply(record("users", 0, 1000, 100, 10_000));
      }
      assertEquals(101.0, records(context, "apply"), "the next interval has not ended");
      hook.onEndOfPush(new PartitionEvent("users", 1, 0, false, false));
      assertEquals(151.0, records(context, "apply"), "end of push flushes the replica");
      assertNull(Search.in(context.meterRegistry()).name(PREFIX + "stage.records")
          .tag("stage", "write_compute").functionCounter(), "write compute is never measured");
      assertNull(Search.in(context.meterRegistry()).name(PREFIX + "stage.records")
          .tag("stage", "leader_produce").functionCounter(), "no leader batch yet");
    }
  }

  @Test
  void aLeaderBatchIsOneUpdateOfItsMeanPerRecord() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      IngestionRecordHook hook = context.start().ingestionHooks().get(0);
      hook.afterLeaderBatch(batch("users", 0, 100, 200_000, 100_000, 5_000_000));
      hook.onPartitionClosed(new PartitionEvent("users", 1, 0, false, false));
      assertEquals(100.0, records(context, "leader_produce"));
      assertEquals(100.0, records(context, "schema_validation"));
      assertEquals(50_000e-9, context.meterRegistry().get(PREFIX + "stage.p99")
          .tag("stage", "leader_produce").gauge().value(), 50_000e-9 * 0.01,
          "5 ms over 100 records: 50 us each");
      assertEquals(0.0, context.meterRegistry().get(PREFIX + "replicas.tracked").gauge().value(),
          "a closed replica is dropped");
    }
  }

  @Test
  void theEndpointListsEveryStageWithWriteComputeNotUsed() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions added = context.start();
      context.stores().put(new StoreInfo("users", 1, 2, 1, "NO_OP", false, Map.of()));
      context.stores().put(new StoreInfo("quiet", 1, 2, 1, "NO_OP", false, Map.of()));
      IngestionRecordHook hook = added.ingestionHooks().get(0);
      hook.afterApply(record("users", 0, 1000, 2000, 3000));
      hook.afterApply(record("users", 0, 3000, 2000, 5000));
      hook.afterLeaderBatch(batch("users", 0, 4, 8000, 4000, 40_000));
      hook.onEndOfPush(new PartitionEvent("users", 1, 0, false, false));

      PluginHttpResponse answer = added.endpoint("breakdown").handle(get(Map.of()));
      assertEquals(200, answer.status());
      JsonNode body = JSON.readTree(answer.body());
      assertEquals(1, body.path("stores").size(), "only stores with timings: " + body);
      JsonNode users = body.path("stores").get(0);
      assertEquals("users", users.path("store").asText());
      assertEquals(IngestionStage.values().length, users.path("stages").size());
      JsonNode decode = stage(users, "DECODE");
      assertEquals(6, decode.path("count").asLong(), "2 records and a batch of 4");
      assertEquals((1000 + 3000 + 8000) / 6.0, decode.path("meanNanos").asDouble(), 1e-9);
      JsonNode apply = stage(users, "APPLY");
      assertEquals(2, apply.path("count").asLong());
      assertEquals(8000, apply.path("totalNanos").asLong());
      assertEquals(5000, apply.path("p99Nanos").asDouble(), 50);
      JsonNode wc = stage(users, "WRITE_COMPUTE");
      assertFalse(wc.path("used").asBoolean());
      assertTrue(wc.path("note").asText().startsWith("not used"), wc.toString());
      assertTrue(wc.path("p50Nanos").isNull());
      assertTrue(stage(users, "LEADER_PRODUCE").path("used").asBoolean());

      JsonNode quiet = JSON.readTree(added.endpoint("breakdown").handle(
          get(Map.of("store", "quiet"))).body()).path("stores").get(0);
      assertEquals("quiet", quiet.path("store").asText());
      assertEquals(0, stage(quiet, "APPLY").path("count").asLong());

      PluginHttpResponse missing = added.endpoint("breakdown").handle(get(Map.of("store",
          "nope")));
      assertEquals(404, missing.status());
      assertTrue(new String(missing.body(), StandardCharsets.UTF_8)
          .contains("store nope does not exist"));
      PluginHttpResponse post = added.endpoint("breakdown").handle(new PluginHttpRequest("POST",
          "breakdown", Map.of(), Map.of(), new byte[0]));
      assertEquals(405, post.status());
    }
  }

  @Test
  void flushIntervalIsReadPerStore() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      IngestionRecordHook hook = context.start().ingestionHooks().get(0);
      context.putStoreSettings("users", Map.of("flush-interval", "1ms"));
      hook.afterApply(record("users", 0, 1, 1, 1));
      context.time().advance(Duration.ofMillis(1));
      hook.afterApply(record("users", 0, 1, 1, 1));
      assertEquals(2.0, records(context, "apply"), "users flushes every millisecond");
    }
  }

  private static JsonNode stage(JsonNode store, String name) {
    for (JsonNode s : store.path("stages")) {
      if (s.path("stage").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no stage " + name + " in " + store);
  }
}
