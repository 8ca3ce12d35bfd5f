package dev.venice.plugins.adaptiverouting;

import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The plugin's rankings, by store: what its two decorators share, so the statistics that order
 * the candidates are those each attempt reports to. A client process runs one plugin instance per
 * client, so these are the rankings of one store client. Thread-safe.
 */
final class AdaptiveRoutingRegistry {
  private final StoreSettings<AdaptiveRoutingConfig> settings;
  private final MeterRegistry registry;
  private final String prefix;
  private final TimeSource time;
  private final ConcurrentMap<String, ReplicaRanking> byStore = new ConcurrentHashMap<>();

  /**
   * @param settings the host-kept per-store settings
   * @param prefix the host-given meter prefix ({@code venice.client.adaptive.routing.})
   * @param time the clock of every latency and decay ({@link TimeSource#nanoTime})
   */
  AdaptiveRoutingRegistry(StoreSettings<AdaptiveRoutingConfig> settings, MeterRegistry registry,
      String prefix, TimeSource time) {
    this.settings = settings;
    this.registry = registry;
    this.prefix = prefix;
    this.time = time;
  }

  /** The ranking of {@code store}, made (with the store's meters) on first use. */
  ReplicaRanking forStore(String store) {
    return byStore.computeIfAbsent(store, s -> new ReplicaRanking(() -> settings.get(s),
        time::nanoTime, new AdaptiveRoutingMetrics(registry, prefix, s)));
  }
}
