package dev.venice.plugins.bloomfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RecordType;
import dev.venice.spi.server.StageTimings;
import dev.venice.testkit.TestingPluginContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartitionFiltersTest {
  private static final PartitionEvent FRESH = new PartitionEvent("s", 1, 0, false, false);

  private static byte[] key(long i) {
    return ByteBuffer.allocate(8).putLong(i).array();
  }

  private static IngestionRecord put(long i) {
    return new IngestionRecord("s", 1, 0, i, "s_v1", RecordType.PUT, key(i), new byte[] {1}, 1,
        0, new StageTimings());
  }

  private static ReadRequest read(long i) {
    return new ReadRequest("s", 1, 0, key(i), Map.of());
  }

  private TestingPluginContext context;
  private MeterRegistry registry;

  /** The plugin's filters, started as a host starts it, with this process configuration. */
  private PartitionFilters filters(Map<String, String> config) throws Exception {
    context = TestingPluginContext.builder(new BloomFilterPlugin()).config(config).build();
    registry = context.meterRegistry();
    return (PartitionFilters) context.start().readHooks().get(0);
  }

  @AfterEach
  void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Test
  void neverAFalseNegativeAndMostAbsentKeysShortCircuit() throws Exception {
    PartitionFilters filters = filters(Map.of("expected-keys", "20000"));
    filters.onPartitionOpened(FRESH);
    for (long i = 0; i < 20_000; i++) {
      filters.beforeApply(put(i));
    }
    for (long i = 0; i < 20_000; i++) {
      assertSame(ReadDecision.PROCEED, filters.beforeRead(read(i)), "present key " + i);
    }
    int absentAnswered = 0;
    for (long i = 1_000_000; i < 1_020_000; i++) {
      if (filters.beforeRead(read(i)).answered()) {
        absentAnswered++;
      }
    }
    assertTrue(absentAnswered > 19_500, "at a 1% target, ~99% of absent keys short-circuit: "
        + absentAnswered);
    assertEquals(absentAnswered, registry.get(
        "venice.server.bloom.filter.short.circuits").counter().count());
    assertEquals(20_000, registry.get("venice.server.bloom.filter.keys").gauge()
        .value());
    assertTrue(registry.get("venice.server.bloom.filter.bytes").gauge().value()
        > 20_000);
  }

  @Test
  void concurrentReadsNeverMissAKeyBeingIngested() throws Exception {
    PartitionFilters filters = filters(Map.of("expected-keys", "1000"));
    filters.onPartitionOpened(FRESH);
    AtomicLong applied = new AtomicLong(-1);
    AtomicBoolean failed = new AtomicBoolean();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread reader = new Thread(() -> {
        while (applied.get() < 49_999 && !failed.get()) {
          long upTo = applied.get();
          for (long i = Math.max(0, upTo - 50); i <= upTo; i++) {
            if (filters.beforeRead(read(i)).answered()) {
              failed.set(true);
            }
          }
        }
      });
      reader.start();
      readers.add(reader);
    }
    for (long i = 0; i < 50_000; i++) {
      filters.beforeApply(put(i)); // the host applies to storage after this returns
      applied.set(i);
    }
    for (Thread reader : readers) {
      reader.join();
    }
    assertTrue(!failed.get(), "a key already applied was reported absent");
  }

  @Test
  void aResumedPartitionHasNoFilter() throws Exception {
    PartitionFilters filters = filters(Map.of());
    filters.onPartitionOpened(new PartitionEvent("s", 1, 0, true, false));
    assertSame(ReadDecision.PROCEED, filters.beforeRead(read(7)));
    assertEquals(1.0, registry.get("venice.server.bloom.filter.unavailable").counter().count());
  }

  @Test
  void falsePositivesAreCountedAndClosedPartitionsForgotten() throws Exception {
    PartitionFilters filters = filters(Map.of("expected-keys", "10"));
    filters.onPartitionOpened(FRESH);
    filters.beforeApply(put(1));
    filters.afterRead(read(1), new ReadOutcome(false, 0, 10, false)); // deleted since
    assertEquals(1.0, registry.get("venice.server.bloom.filter.false.positives")
        .counter().count());
    filters.onPartitionClosed(FRESH);
    assertSame(ReadDecision.PROCEED, filters.beforeRead(read(12345)));
    assertEquals(0.0, registry.get("venice.server.bloom.filter.keys").gauge()
        .value());
  }

  @Test
  void sizingHeuristicMatchesTheDocumentedFormula() {
    BloomFilterConfig config = new BloomFilterConfig(1_000_000, 0.01);
    assertEquals(9_585_059, config.bits(), "about 9.6 bits per key at 1%");
  }

  @Test
  void aStoresSettingsSizeItsFiltersOpenedAfterTheChange() throws Exception {
    PartitionFilters filters = filters(Map.of("expected-keys", "1000"));
    filters.onPartitionOpened(FRESH);
    context.putStoreSettings("s", Map.of("expected-keys", "100000"));
    filters.onPartitionOpened(new PartitionEvent("s", 1, 1, false, false));
    Map<Integer, Object> bytes = new TreeMap<>();
    filters.report().forEach(row -> bytes.put((Integer) row.get("partition"), row.get("bytes")));
    assertEquals(Map.of(0, new BloomFilterConfig(1000, 0.01).bits() / 8,
        1, new BloomFilterConfig(100_000, 0.01).bits() / 8), bytes,
        "partition 0 opened before the store's change, partition 1 after");
    assertEquals(Map.of(), context.storeErrors());
  }
}
