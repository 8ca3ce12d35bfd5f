package dev.venice.plugins.bloomfilter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.bloom.filter.}):
 * gauges over every filter, a counter of replicas opened without one, and per-store counters
 * created once per store (not per request). Thread-safe.
 */
final class BloomFilterMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final Counter unavailable;
  private final Map<String, Counter> shortCircuits = new ConcurrentHashMap<>();
  private final Map<String, Counter> falsePositives = new ConcurrentHashMap<>();

  /**
   * Registers the process-wide meters.
   *
   * @param prefix the host-given meter prefix, ending with a dot
   * @param bytes memory held by every filter's bits (bytes), read when exported
   * @param keys keys added to every filter, read when exported
   * @param worstFpp the highest estimated false-positive rate of any filter (0 to 1)
   */
  BloomFilterMetrics(MeterRegistry registry, String prefix, DoubleSupplier bytes,
      DoubleSupplier keys, DoubleSupplier worstFpp) {
    this.registry = registry;
    this.prefix = prefix;
    this.unavailable = Counter.builder(prefix + "unavailable")
        .description("Partitions opened with data already on disk: no filter, RocksDB answers")
        .register(registry);
    Gauge.builder(prefix + "bytes", bytes::getAsDouble)
        .description("Memory held by Bloom filter bits").baseUnit("bytes").register(registry);
    Gauge.builder(prefix + "keys", keys::getAsDouble)
        .description("Keys added to Bloom filters").register(registry);
    Gauge.builder(prefix + "fpp.estimated", worstFpp::getAsDouble)
        .description("Highest estimated false-positive rate of any filter").register(registry);
  }

  /** Counts a replica opened without a filter (resumed from disk). */
  void unavailable() {
    unavailable.increment();
  }

  /**
   * The counter of {@code store}'s lookups answered absent by a filter, registered on first use;
   * callers keep it (the read path must not look it up per request).
   */
  Counter shortCircuits(String store) {
    return counter(shortCircuits, "short.circuits",
        "Lookups answered absent by the filter, RocksDB untouched", store);
  }

  /**
   * The counter of {@code store}'s lookups a filter let through that RocksDB did not find,
   * registered on first use; callers keep it.
   */
  Counter falsePositives(String store) {
    return counter(falsePositives, "false.positives",
        "Keys the filter let through that RocksDB did not have", store);
  }

  private Counter counter(Map<String, Counter> counters, String name, String description,
      String store) {
    return counters.computeIfAbsent(store, s -> Counter.builder(prefix + name)
        .description(description).tag("store", s).register(registry));
  }
}
