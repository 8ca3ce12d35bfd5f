package dev.venice.plugins.bloomfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.http.PluginHttpRequest;
import dev.venice.spi.http.PluginHttpResponse;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one object is both hooks, and the endpoint lists it. */
class BloomFilterPluginTest extends PluginContractTest<BloomFilterPlugin> {
  private static final PartitionEvent OPENED = new PartitionEvent("users", 1, 0, false, false);

  @Override
  protected BloomFilterPlugin newPlugin() {
    return new BloomFilterPlugin();
  }

  /** A replica opened, one key ingested, a present, an absent and a false-positive lookup. */
  @Override
  protected void exercise(BloomFilterPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) throws Exception {
    extensions.ingestionHooks().get(0).onPartitionOpened(OPENED);
    extensions.ingestionHooks().get(0).onPartitionOpened(
        new PartitionEvent("users", 1, 1, true, false));
    extensions.ingestionHooks().get(0).beforeApply(put(new byte[] {1}));
    extensions.readHooks().get(0).beforeRead(read(new byte[] {1}));
    extensions.readHooks().get(0).beforeRead(read(new byte[] {2}));
    extensions.readHooks().get(0).afterRead(read(new byte[] {1}),
        new ReadOutcome(false, 0, 1, false));
    extensions.endpoint("").handle(get());
  }

  private static IngestionRecord put(byte[] key) {
    return new IngestionRecord("users", 1, 0, 0, "users_v1", RecordType.PUT, key,
        new byte[] {9}, 1, 0, new StageTimings());
  }

  private static ReadRequest read(byte[] key) {
    return new ReadRequest("users", 1, 0, key, Map.of());
  }

  private static PluginHttpRequest get() {
    return new PluginHttpRequest("GET", "", Map.of(), Map.of(), new byte[0]);
  }

  @Test
  void oneObjectIsBothHooksAndTheEndpointListsItsFilters() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin())
        .config("expected-keys", "1000").build()) {
      TestingExtensions added = context.start();
      assertEquals(1, added.ingestionHooks().size());
      assertEquals(1, added.readHooks().size());
      assertSame(added.ingestionHooks().get(0), added.readHooks().get(0),
          "the read hook consults the filters the ingestion hook fills");
      added.ingestionHooks().get(0).onPartitionOpened(OPENED);
      added.ingestionHooks().get(0).beforeApply(put(new byte[] {1}));

      PluginHttpResponse answer = added.endpoint("").handle(get());
      String body = new String(answer.body(), StandardCharsets.UTF_8);
      assertEquals(200, answer.status());
      assertTrue(body.contains("\"store\":\"users\"") && body.contains("\"keys\":1")
          && body.contains("\"bytes\":" + new BloomFilterConfig(1000, 0.01).bits() / 8), body);
    }
  }
}
