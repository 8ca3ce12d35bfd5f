package dev.venice.plugins.datafreshness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The plugin's meters, under the host-given prefix ({@code venice.server.data.freshness.}):
 *
 * <ul>
 *   <li>{@code data.age.ms} (gauge, milliseconds, tag {@code store}; Prometheus {@code
 *       venice_server_data_freshness_data_age_ms}, the seed's {@code data_age_ms}): now (this
 *       server's clock, read when the gauge is read) − the newest producer timestamp (the
 *       producer's clock) this server saw for the store in the last window, as of the last
 *       sample. {@code NaN} (no value) when no timestamped record arrived in the window: a quiet
 *       store has no data age rather than a misleading one. Negative when a producer's clock
 *       runs ahead of the server's. Registered when the store is first sampled (hybrid stores
 *       with the plugin switched on only);
 *   <li>{@code partitions.tracked} (gauge): partition replicas whose timestamps are tracked.
 * </ul>
 *
 * Thread-safe; nothing is updated per record.
 */
final class DataFreshnessMetrics {
  private final MeterRegistry registry;
  private final String prefix;

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   * @param tracker whose partition replicas are counted
   */
  DataFreshnessMetrics(MeterRegistry registry, String prefix, FreshnessTracker tracker) {
    this.registry = registry;
    this.prefix = prefix;
    Gauge.builder(prefix + "partitions.tracked", tracker, FreshnessTracker::partitionsTracked)
        .description("Partition replicas whose producer timestamps are tracked")
        .register(registry);
  }

  /**
   * Registers a store's gauge, read from {@code sampler}'s last sample (once: Micrometer returns
   * the existing one).
   */
  void register(DataAgeSampler sampler, String store) {
    Gauge.builder(prefix + "data.age.ms", sampler, s -> s.dataAgeMs(store)).tag("store", store)
        .description("Now minus the newest producer timestamp seen for the store in the last"
            + " window (producer's clock), as of the last sample; NaN when none")
        .register(registry);
  }
}
