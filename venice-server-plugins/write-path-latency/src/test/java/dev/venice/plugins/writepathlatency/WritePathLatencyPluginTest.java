package dev.venice.plugins.writepathlatency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import dev.venice.spi.server.WritePathTimestampMap;
import dev.venice.testkit.PluginContractTest;
import dev.venice.testkit.TestingExtensions;
import dev.venice.testkit.TestingPluginContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin contract, and the wiring: one ingestion hook, nothing else. */
class WritePathLatencyPluginTest extends PluginContractTest<WritePathLatencyPlugin> {
  @Override
  protected WritePathLatencyPlugin newPlugin() {
    return new WritePathLatencyPlugin();
  }

  /** A sampled write applied by a leader and by a follower, and an unusable header. */
  @Override
  protected void exercise(WritePathLatencyPlugin plugin, TestingPluginContext context,
      TestingExtensions extensions) {
    byte[] header = new WritePathTimestampMap(1_000, 2_000).encode();
    for (boolean leader : new boolean[] {true, false}) {
      extensions.ingestionHooks().get(0).afterApply(record("users", header, leader));
    }
    extensions.ingestionHooks().get(0).afterApply(record("users", new byte[3], true));
  }

  static IngestionRecord record(String store, byte[] header, boolean leader) {
    return new IngestionRecord(store, 1, 0, 7, store + "_v1", RecordType.PUT, new byte[] {1},
        new byte[] {2}, 1, 0, new StageTimings(),
        header == null ? Map.of() : Map.of(WritePathTimestampMap.HEADER, header), leader);
  }

  @Test
  void addsOneIngestionHook() throws Exception {
    try (TestingPluginContext context = TestingPluginContext.builder(newPlugin()).build()) {
      TestingExtensions extensions = context.start();
      assertEquals(1, extensions.ingestionHooks().size());
      assertInstanceOf(WritePathLatencyHook.class, extensions.ingestionHooks().get(0));
      assertEquals(0, extensions.readHooks().size());
      assertEquals(0, extensions.requestHooks().size());
    }
  }
}
