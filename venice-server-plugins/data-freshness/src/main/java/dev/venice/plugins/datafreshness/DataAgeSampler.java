package dev.venice.plugins.datafreshness;

import dev.venice.plugins.datafreshness.FreshnessTracker.Sample;
import dev.venice.plugins.datafreshness.FreshnessTracker.StoreSample;
import dev.venice.spi.host.StoreInfo;
import dev.venice.spi.host.StoreMetadataService;
import dev.venice.spi.plugin.BackgroundTask;
import dev.venice.spi.plugin.TimeSource;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The background task: every sample interval, takes a {@link FreshnessTracker#sample} of the
 * stores that are hybrid (by the host's store metadata; batch-only stores have no data freshness)
 * and have the plugin switched on, publishes it for the gauges and the endpoint, and registers
 * the gauge of each store sampled for the first time ({@link DataFreshnessMetrics}). Runs on the plugin's scheduler thread only;
 * {@link #latest()} and {@link #dataAgeMs} are safe from any thread.
 */
final class DataAgeSampler implements BackgroundTask {
  private final FreshnessTracker tracker;
  private final Duration interval;
  private final TimeSource time;
  private final Predicate<String> tracked;
  private final DataFreshnessMetrics metrics;
  private volatile Sample latest = Sample.EMPTY;

  /**
   * @param metadata the host's store metadata (absent: no store is known to be hybrid, so none is
   *     reported)
   * @param enabled whether the plugin is switched on for a store
   * @param metrics where each store sampled for the first time gets its gauge
   */
  DataAgeSampler(FreshnessTracker tracker, Duration interval, TimeSource time,
      Optional<StoreMetadataService> metadata, Predicate<String> enabled,
      DataFreshnessMetrics metrics) {
    this.tracker = tracker;
    this.interval = interval;
    this.time = time;
    this.tracked = store -> enabled.test(store) && metadata.flatMap(m -> m.store(store))
        .map(StoreInfo::hybrid).orElse(false);
    this.metrics = metrics;
  }

  @Override
  public String name() {
    return "data-age-sampler";
  }

  @Override
  public Duration interval() {
    return interval;
  }

  @Override
  public void run() {
    Sample sample = tracker.sample(time.nanoTime(), tracked);
    Sample previous = latest;
    latest = sample;
    sample.stores().keySet().stream().filter(s -> !previous.stores().containsKey(s))
        .forEach(store -> metrics.register(this, store));
  }

  /** The last sample ({@link Sample#EMPTY} before the first). */
  Sample latest() {
    return latest;
  }

  /** A store's data age now (ms, this server's clock) from the last sample, or {@code NaN}. */
  double dataAgeMs(String store) {
    StoreSample sample = latest.stores().get(store);
    return sample == null ? Double.NaN : ageMs(sample.newestMs());
  }

  /** Now minus {@code newestMs} in ms, or {@code NaN} for {@link FreshnessTracker#NONE}. */
  double ageMs(long newestMs) {
    return newestMs == FreshnessTracker.NONE ? Double.NaN
        : time.now().toEpochMilli() - newestMs;
  }
}
