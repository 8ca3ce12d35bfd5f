package dev.venice.plugins.bloomfilter;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.IngestionVerdict;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadDecision;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import dev.venice.spi.server.RecordType;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The filters of every partition replica on this server, fed by the ingestion hook and consulted
 * by the read hook.
 *
 * <p><b>No false negatives.</b> A key is added in {@code beforeApply}, before the record reaches
 * RocksDB, so a key that a read can find is always already in the filter — during a batch push, and
 * for a hybrid store's real-time writes after it (those flow through the same ingestion path, so
 * the filter keeps growing; its estimated false-positive rate is exported). A replica that opens
 * with data already on disk (a restart resuming from its checkpoint) gets no filter: the keys
 * applied before were never seen, so every read goes to RocksDB until the next version.
 *
 * <p>Switched off for a store ({@code plugins.bloom-filter.enabled=false} in its settings), the host
 * stops calling the read hook at once; replicas already open keep their filters up to date, so
 * switching back on is safe. A replica opened while the store was off gets no filter.
 */
final class PartitionFilters implements IngestionRecordHook, ReadHook {
  /** One partition replica's filter. */
  record Filter(BloomFilter<byte[]> bloom, BloomFilterConfig config, LongAdder keys) {}

  private record Id(String store, int version, int partition) {}

  private final StoreSettings<BloomFilterConfig> settings;
  private final Map<Id, Filter> filters = new ConcurrentHashMap<>();
  private final BloomFilterMetrics metrics;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.server.bloom.filter.})
   */
  PartitionFilters(StoreSettings<BloomFilterConfig> settings, MeterRegistry registry,
      String prefix) {
    this.settings = settings;
    this.metrics = new BloomFilterMetrics(registry, prefix, () -> sum(f -> f.config().bits() / 8),
        () -> sum(f -> f.keys().sum()), this::worstFpp);
  }

  // ---- ingestion -------------------------------------------------------------------------

  @Override
  public void onPartitionOpened(PartitionEvent event) {
    Id id = new Id(event.store(), event.version(), event.partition());
    if (event.resumed()) {
      filters.remove(id);
      metrics.unavailable();
      return;
    }
    BloomFilterConfig config = settings.get(event.store());
    filters.put(id, new Filter(BloomFilter.create(Funnels.byteArrayFunnel(),
        config.expectedKeys(), config.falsePositiveRate()), config, new LongAdder()));
  }

  @Override
  public IngestionVerdict beforeApply(IngestionRecord record) {
    if (record.type() == RecordType.PUT) {
      Id id = new Id(record.store(), record.version(), record.partition());
      Filter filter = filters.get(id);
      if (filter != null) {
        try {
          filter.bloom().put(record.key());
          filter.keys().increment();
        } catch (RuntimeException e) {
          filters.remove(id); // a key that missed the filter could become a false negative
          throw e;
        }
      }
    }
    return IngestionVerdict.ACCEPT;
  }

  @Override
  public void onPartitionClosed(PartitionEvent event) {
    filters.remove(new Id(event.store(), event.version(), event.partition()));
  }

  // ---- reads -----------------------------------------------------------------------------

  @Override
  public ReadDecision beforeRead(ReadRequest request) {
    Filter filter = filters.get(new Id(request.store(), request.version(), request.partition()));
    if (filter == null || filter.bloom().mightContain(request.key())) {
      return ReadDecision.PROCEED;
    }
    metrics.shortCircuit(request.store());
    return ReadDecision.ABSENT;
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    if (!outcome.found() && !outcome.answeredByHook()
        && filters.containsKey(new Id(request.store(), request.version(), request.partition()))) {
      metrics.falsePositive(request.store());
    }
  }

  // ---- state -------------------------------------------------------------------------------

  private double sum(Function<Filter, Long> value) {
    return filters.values().stream().mapToLong(value::apply).sum();
  }

  private double worstFpp() {
    return filters.values().stream().mapToDouble(f -> f.bloom().expectedFpp()).max().orElse(0);
  }

  /** A snapshot for the plugin's HTTP endpoint: one row per filter. */
  List<Map<String, Object>> report() {
    return filters.entrySet().stream().map(e -> Map.<String, Object>of(
        "store", e.getKey().store(), "version", e.getKey().version(),
        "partition", e.getKey().partition(), "keys", e.getValue().keys().sum(),
        "bytes", e.getValue().config().bits() / 8,
        "estimatedFpp", e.getValue().bloom().expectedFpp())).toList();
  }
}
