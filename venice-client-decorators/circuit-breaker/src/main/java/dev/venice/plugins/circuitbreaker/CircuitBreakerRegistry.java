package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;

/**
 * The plugin's breakers, by store: what its two decorators share, so the breaker that replica
 * selection reads is the one each attempt reports to. A client process runs one plugin instance per
 * client, so these are the breakers of one store client. Thread-safe.
 */
final class CircuitBreakerRegistry {
  private final StoreSettings<CircuitBreakerConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;
  private final TimeSource time;
  private final Logger logger;
  private final ConcurrentMap<String, StoreBreakers> byStore = new ConcurrentHashMap<>();

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.circuit.breaker.})
   * @param time the breakers' clock (open waits) and the wall clock deadlines are compared with
   * @param logger where transitions are logged
   */
  CircuitBreakerRegistry(StoreSettings<CircuitBreakerConfig> settings, MeterRegistry registry,
      String prefix, TimeSource time, Logger logger) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
    this.time = time;
    this.logger = logger;
  }

  /** The wall clock attempts' deadlines are compared with. */
  TimeSource time() {
    return time;
  }

  /** The breakers of {@code store}, made (with the store's meters) on first use. */
  StoreBreakers forStore(String store) {
    return byStore.computeIfAbsent(store, s -> new StoreBreakers(s, settings,
        new CircuitBreakerMetrics(registry, prefix, s, logger), time::nanoTime));
  }
}
