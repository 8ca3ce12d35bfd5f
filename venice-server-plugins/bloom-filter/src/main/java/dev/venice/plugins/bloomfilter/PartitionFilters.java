package dev.venice.plugins.bloomfilter;

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
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

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
  record Filter(KeyFilter bloom, BloomFilterConfig config, LongAdder keys) {}

  /** One version's filters, indexed by partition; never changed once published. */
  private record Version(int version, Filter[] partitions) {}

  /** One store's filters and meters. */
  private final class StoreFilters {
    private final String store;
    private volatile Version[] versions = new Version[0];
    private volatile Counter shortCircuits;
    private volatile Counter falsePositives;

    StoreFilters(String store) {
      this.store = store;
    }

    Filter get(int version, int partition) {
      for (Version v : versions) {
        if (v.version() == version) {
          Filter[] partitions = v.partitions();
          return partition >= 0 && partition < partitions.length ? partitions[partition] : null;
        }
      }
      return null;
    }

    /** Sets (or, with {@code null}, clears) a replica's filter. Callers hold the outer lock. */
    void set(int version, int partition, Filter filter) {
      Version[] current = versions;
      int at = 0;
      while (at < current.length && current[at].version() != version) {
        at++;
      }
      Filter[] partitions = at < current.length ? current[at].partitions() : new Filter[0];
      if (filter == null && partition >= partitions.length) {
        return;
      }
      partitions = Arrays.copyOf(partitions, Math.max(partitions.length, partition + 1));
      partitions[partition] = filter;
      boolean empty = Arrays.stream(partitions).allMatch(f -> f == null);
      List<Version> next = new ArrayList<>(Arrays.asList(current));
      if (at < current.length) {
        next.remove(at);
      }
      if (!empty) {
        next.add(new Version(version, partitions));
      }
      versions = next.toArray(new Version[0]);
    }

    Stream<Filter> all() {
      return Arrays.stream(versions).flatMap(v -> Arrays.stream(v.partitions()))
          .filter(f -> f != null);
    }

    Counter shortCircuits() {
      Counter counter = shortCircuits;
      if (counter == null) {
        counter = metrics.shortCircuits(store);
        shortCircuits = counter;
      }
      return counter;
    }

    Counter falsePositives() {
      Counter counter = falsePositives;
      if (counter == null) {
        counter = metrics.falsePositives(store);
        falsePositives = counter;
      }
      return counter;
    }
  }

  private final StoreSettings<BloomFilterConfig> settings;
  private final Map<String, StoreFilters> stores = new ConcurrentHashMap<>();
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

  private Filter filter(String store, int version, int partition) {
    StoreFilters filters = stores.get(store);
    return filters == null ? null : filters.get(version, partition);
  }

  private synchronized void set(String store, int version, int partition, Filter filter) {
    StoreFilters filters = stores.get(store);
    if (filters == null) {
      if (filter == null) {
        return;
      }
      filters = new StoreFilters(store);
      stores.put(store, filters);
    }
    filters.set(version, partition, filter);
    if (filters.versions.length == 0) {
      stores.remove(store); // its counters stay registered; a later filter finds them again
    }
  }

  // ---- ingestion -------------------------------------------------------------------------

  @Override
  public void onPartitionOpened(PartitionEvent event) {
    if (event.resumed()) {
      set(event.store(), event.version(), event.partition(), null);
      metrics.unavailable();
      return;
    }
    BloomFilterConfig config = settings.get(event.store());
    set(event.store(), event.version(), event.partition(), new Filter(
        new KeyFilter(config.expectedKeys(), config.falsePositiveRate()), config,
        new LongAdder()));
  }

  @Override
  public IngestionVerdict beforeApply(IngestionRecord record) {
    if (record.type() == RecordType.PUT) {
      Filter filter = filter(record.store(), record.version(), record.partition());
      if (filter != null) {
        try {
          filter.bloom().put(record.key());
          filter.keys().increment();
        } catch (RuntimeException e) {
          // a key that missed the filter could become a false negative
          set(record.store(), record.version(), record.partition(), null);
          throw e;
        }
      }
    }
    return IngestionVerdict.ACCEPT;
  }

  @Override
  public void onPartitionClosed(PartitionEvent event) {
    set(event.store(), event.version(), event.partition(), null);
  }

  // ---- reads -----------------------------------------------------------------------------

  @Override
  public ReadDecision beforeRead(ReadRequest request) {
    StoreFilters filters = stores.get(request.store());
    if (filters == null) {
      return ReadDecision.PROCEED;
    }
    Filter filter = filters.get(request.version(), request.partition());
    if (filter == null || filter.bloom().mightContain(request.key())) {
      return ReadDecision.PROCEED;
    }
    filters.shortCircuits().increment();
    return ReadDecision.ABSENT;
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    if (!outcome.found() && !outcome.answeredByHook()) {
      StoreFilters filters = stores.get(request.store());
      if (filters != null && filters.get(request.version(), request.partition()) != null) {
        filters.falsePositives().increment();
      }
    }
  }

  // ---- state -------------------------------------------------------------------------------

  private double sum(ToLongFunction<Filter> value) {
    return stores.values().stream().flatMap(StoreFilters::all).mapToLong(value).sum();
  }

  private double worstFpp() {
    return stores.values().stream().flatMap(StoreFilters::all)
        .mapToDouble(f -> f.bloom().expectedFpp()).max().orElse(0);
  }

  /** A snapshot for the plugin's HTTP endpoint: one row per filter. */
  List<Map<String, Object>> report() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StoreFilters filters : stores.values()) {
      for (Version version : filters.versions) {
        Filter[] partitions = version.partitions();
        for (int p = 0; p < partitions.length; p++) {
          Filter f = partitions[p];
          if (f != null) {
            rows.add(Map.of("store", filters.store, "version", version.version(),
                "partition", p, "keys", f.keys().sum(), "bytes", f.config().bits() / 8,
                "estimatedFpp", f.bloom().expectedFpp()));
          }
        }
      }
    }
    return rows;
  }
}
