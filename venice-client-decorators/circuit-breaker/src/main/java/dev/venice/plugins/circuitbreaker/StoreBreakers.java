package dev.venice.plugins.circuitbreaker;

import dev.venice.spi.plugin.StoreSettings;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * One store's breakers, one per server instance, made (with their meters) the first time the
 * instance is a candidate and kept for the life of the plugin: a cluster has few instances, and an
 * instance that leaves and comes back keeps its breaker. Shared by the store's {@link
 * CircuitBreakerSelector} and {@link CircuitBreakerGate}. Thread-safe; a lookup of a known instance
 * allocates nothing.
 */
final class StoreBreakers {
  private final String store;
  private final StoreSettings<CircuitBreakerConfig> settings;
  private final CircuitBreakerMetrics metrics;
  private final LongSupplier clock;
  private final ConcurrentMap<String, InstanceBreaker> byInstance = new ConcurrentHashMap<>();

  /** One instance's breaker and its meters. */
  record InstanceBreaker(CircuitBreaker breaker, CircuitBreakerMetrics.Instance meters) {}

  /**
   * @param settings the host-kept per-store settings, read on each request
   * @param clock monotonic nanoseconds for the breakers
   */
  StoreBreakers(String store, StoreSettings<CircuitBreakerConfig> settings,
      CircuitBreakerMetrics metrics, LongSupplier clock) {
    this.store = store;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  CircuitBreakerMetrics metrics() {
    return metrics;
  }

  /** The store's current settings (a host-kept object: no parsing). */
  CircuitBreakerConfig settings() {
    return settings.get(store);
  }

  /** The breaker of {@code instance} (a {@code host_port} instance id), made on first use. */
  InstanceBreaker of(String instance) {
    InstanceBreaker known = byInstance.get(instance);
    return known != null ? known : byInstance.computeIfAbsent(instance, this::create);
  }

  private InstanceBreaker create(String instance) {
    CircuitBreakerMetrics.Instance meters = metrics.forInstance(instance);
    CircuitBreaker breaker = new CircuitBreaker(settings(), clock, meters);
    meters.watch(breaker);
    return new InstanceBreaker(breaker, meters);
  }
}
