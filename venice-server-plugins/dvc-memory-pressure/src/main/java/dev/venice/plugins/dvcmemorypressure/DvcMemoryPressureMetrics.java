package dev.venice.plugins.dvcmemorypressure;

import dev.venice.spi.host.StorageMemoryUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Every meter of the plugin, created once under the host-given prefix ({@code
 * venice.da.vinci.client.dvc.memory.pressure.} in a Da Vinci client). Gauges show the last sample.
 */
final class DvcMemoryPressureMetrics {
  final Counter shrinks;
  final Counter restores;
  final Counter resizeFailures;
  private final AtomicReference<StorageMemoryUsage> last =
      new AtomicReference<>(new StorageMemoryUsage(0, 0, 0, 0, 0));
  private volatile boolean underPressure;

  DvcMemoryPressureMetrics(MeterRegistry registry, String prefix, long budgetBytes) {
    shrinks = Counter.builder(prefix + "shrinks")
        .description("Times the shared block cache was shrunk under memory pressure")
        .register(registry);
    restores = Counter.builder(prefix + "restores")
        .description("Times the shared block cache got its capacity back").register(registry);
    resizeFailures = Counter.builder(prefix + "resize.failures")
        .description("Resizes the host refused (the cache kept its capacity)").register(registry);
    memory(registry, prefix, "memtables", StorageMemoryUsage::memTableBytes);
    memory(registry, prefix, "table_readers", StorageMemoryUsage::tableReadersBytes);
    memory(registry, prefix, "block_cache", StorageMemoryUsage::blockCacheUsageBytes);
    Gauge.builder(prefix + "block.cache.capacity.bytes", this,
            m -> m.last.get().blockCacheCapacityBytes()).baseUnit("bytes")
        .description("The shared block cache's capacity at the last sample").register(registry);
    Gauge.builder(prefix + "budget.bytes", () -> budgetBytes).baseUnit("bytes")
        .description("The configured RocksDB memory budget").register(registry);
    Gauge.builder(prefix + "under.pressure", this, m -> m.underPressure ? 1 : 0)
        .description("1 while the shared block cache is shrunk, else 0").register(registry);
  }

  private void memory(MeterRegistry registry, String prefix, String kind,
      ToDoubleFunction<StorageMemoryUsage> bytes) {
    Gauge.builder(prefix + "memory.bytes", this, m -> bytes.applyAsDouble(m.last.get()))
        .tag("kind", kind).baseUnit("bytes")
        .description("RocksDB's memory use at the last sample, by kind").register(registry);
  }

  /** Records a sample and the state after it. */
  void sampled(StorageMemoryUsage usage, boolean pressure) {
    last.set(usage);
    underPressure = pressure;
  }
}
