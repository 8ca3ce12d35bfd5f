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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
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
  private final MeterRegistry registry;
  private final String prefix;
  private final Map<Id, Filter> filters = new ConcurrentHashMap<>();
  private final Map<String, Counter> shortCircuits = new ConcurrentHashMap<>();
  private final Map<String, Counter> falsePositives = new ConcurrentHashMap<>();
  private final Counter unavailable;

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.server.bloom.filter.})
   */
  PartitionFilters(StoreSettings<BloomFilterConfig> settings, MeterRegistry registry,
      String prefix) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
    this.unavailable = Counter.builder(prefix + "unavailable")
        .description("Partitions opened with data already on disk: no filter, RocksDB answers")
        .register(registry);
    Gauge.builder(prefix + "bytes", this, f -> f.sum(x -> x.config().bits() / 8))
        .description("Memory held by Bloom filter bits").baseUnit("bytes").register(registry);
    Gauge.builder(prefix + "keys", this, f -> f.sum(x -> x.keys().sum()))
        .description("Keys added to Bloom filters").register(registry);
    Gauge.builder(prefix + "fpp.estimated", this, PartitionFilters::worstFpp)
        .description("Highest estimated false-positive rate of any filter").register(registry);
  }

  // ---- ingestion -------------------------------------------------------------------------

  @Override
  public void onPartitionOpened(PartitionEvent event) {
    Id id = new Id(event.store(), event.version(), event.partition());
    if (event.resumed()) {
      filters.remove(id);
      unavailable.increment();
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
    counter(shortCircuits, prefix + "short.circuits",
        "Lookups answered absent by the filter, RocksDB untouched", request.store()).increment();
    return ReadDecision.ABSENT;
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    if (!outcome.found() && !outcome.answeredByHook()
        && filters.containsKey(new Id(request.store(), request.version(), request.partition()))) {
      counter(falsePositives, prefix + "false.positives",
          "Keys the filter let through that RocksDB did not have", request.store()).increment();
    }
  }

  // ---- state -------------------------------------------------------------------------------

  private Counter counter(Map<String, Counter> counters, String name, String description,
      String store) {
    return counters.computeIfAbsent(store, s -> Counter.builder(name).description(description)
        .tag("store", s).register(registry));
  }

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
