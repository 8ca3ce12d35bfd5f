package dev.venice.plugins.bloomfilter;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import dev.venice.spi.plugin.PluginContext;
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
 */
final class PartitionFilters implements IngestionRecordHook, ReadHook {
  /** One partition replica's filter. */
  record Filter(BloomFilter<byte[]> bloom, BloomFilterConfig config, LongAdder keys) {}

  private record Id(String store, int version, int partition) {}

  private final PluginContext context;
  private final MeterRegistry registry;
  private final Map<Id, Filter> filters = new ConcurrentHashMap<>();
  private final Map<String, Boolean> storeEnabled = new ConcurrentHashMap<>();
  private final Map<String, Counter> shortCircuits = new ConcurrentHashMap<>();
  private final Map<String, Counter> falsePositives = new ConcurrentHashMap<>();
  private final Counter unavailable;

  PartitionFilters(PluginContext context) {
    this.context = context;
    this.registry = context.meterRegistry();
    this.unavailable = Counter.builder("venice.server.bloom.filter.unavailable")
        .description("Partitions opened with data already on disk: no filter, RocksDB answers")
        .register(registry);
    Gauge.builder("venice.server.bloom.filter.bytes", this, f -> f.sum(x -> x.config().bits() / 8))
        .description("Memory held by Bloom filter bits").baseUnit("bytes").register(registry);
    Gauge.builder("venice.server.bloom.filter.keys", this, f -> f.sum(x -> x.keys().sum()))
        .description("Keys added to Bloom filters").register(registry);
    Gauge.builder("venice.server.bloom.filter.fpp.estimated", this, PartitionFilters::worstFpp)
        .description("Highest estimated false-positive rate of any filter").register(registry);
    context.host().storeMetadata().ifPresent(stores ->
        stores.addListener(store -> storeEnabled.remove(store.name())));
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
    BloomFilterConfig config = BloomFilterConfig.from(context.configForStore(event.store()));
    if (!config.storeEnabled()) {
      filters.remove(id);
      return;
    }
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
    if (filter == null || !enabled(request.store()) || filter.bloom().mightContain(request.key())) {
      return ReadDecision.PROCEED;
    }
    counter(shortCircuits, "venice.server.bloom.filter.short.circuits",
        "Lookups answered absent by the filter, RocksDB untouched", request.store()).increment();
    return ReadDecision.ABSENT;
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    if (!outcome.found() && !outcome.answeredByHook() && enabled(request.store())
        && filters.containsKey(new Id(request.store(), request.version(), request.partition()))) {
      counter(falsePositives, "venice.server.bloom.filter.false.positives",
          "Keys the filter let through that RocksDB did not have", request.store()).increment();
    }
  }

  // ---- state -------------------------------------------------------------------------------

  private boolean enabled(String store) {
    return storeEnabled.computeIfAbsent(store,
        s -> BloomFilterConfig.from(context.configForStore(s)).storeEnabled());
  }

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
