package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.server.IngestionStage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.ingestion.stage.
 * metrics.}). Per store and stage (tags {@code store} and {@code stage}, the stage in lower case:
 * {@code decode}, {@code apply}, ...), registered when the stage is first measured for the store,
 * so at most stores × 7 series per name, all read from the store's {@link StoreStages} when
 * exported (nothing is updated per record):
 *
 * <ul>
 *   <li>{@code stage.p50}, {@code stage.p99}, {@code stage.mean} (gauges, seconds per record):
 *       over the last one to two windows; {@code NaN} when the windows hold no record;
 *   <li>{@code stage.throughput} (gauge, records per second) over the same windows;
 *   <li>{@code stage.records} and {@code stage.time} (function counters, records and seconds):
 *       totals since the store was first seen, for rates and means over any range in Prometheus.
 * </ul>
 *
 * <p>And, untagged: {@code replicas.tracked} (gauge, partition replicas with a recorder) and
 * {@code flushes} (function counter, merges of a replica's timings into its store's). Thread-safe.
 */
final class IngestionStageMetricsMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final LongSupplier clock;
  private final DoubleSupplier flushes;

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   * @param clock monotonic nanoseconds, for the windows' reading
   * @param replicas the partition replicas with a recorder now
   * @param flushes merges since start (monotonic)
   */
  IngestionStageMetricsMetrics(MeterRegistry registry, String prefix, LongSupplier clock,
      DoubleSupplier replicas, DoubleSupplier flushes) {
    this.registry = registry;
    this.prefix = prefix;
    this.clock = clock;
    this.flushes = flushes;
    Gauge.builder(prefix + "replicas.tracked", replicas::getAsDouble)
        .description("Partition replicas with stage timings being recorded").register(registry);
    // read through this object, which its owner keeps: a method reference held only by the
    // registry (weakly) would be collected, and the counter would stop at its last value
    FunctionCounter.builder(prefix + "flushes", this, metrics -> metrics.flushes.getAsDouble())
        .description("Merges of a partition replica's accumulated stage timings into its"
            + " store's meters").register(registry);
  }

  /** Registers the meters of one store's stage (once: Micrometer returns the existing ones). */
  void register(StoreStages stages, IngestionStage stage) {
    Tags tags = Tags.of("store", stages.store(), "stage", stage.name().toLowerCase(Locale.ROOT));
    gauge("stage.p50", "Median time per record of the stage over the last one to two windows",
        stages, tags, s -> seconds(s.snapshot(stage, clock.getAsLong()).p50Nanos()));
    gauge("stage.p99", "99th percentile time per record of the stage over the last one to two"
        + " windows", stages, tags, s -> seconds(s.snapshot(stage, clock.getAsLong()).p99Nanos()));
    gauge("stage.mean", "Mean time per record of the stage over the last one to two windows",
        stages, tags, s -> seconds(s.snapshot(stage, clock.getAsLong()).meanNanos()));
    Gauge.builder(prefix + "stage.throughput", stages,
            s -> s.snapshot(stage, clock.getAsLong()).recordsPerSecond())
        .tags(tags).baseUnit("records.per.second")
        .description("Records per second through the stage over the last one to two windows")
        .register(registry);
    FunctionCounter.builder(prefix + "stage.records", stages, s -> s.totalCount(stage))
        .tags(tags).description("Records timed through the stage").register(registry);
    FunctionCounter.builder(prefix + "stage.time", stages, s -> seconds(s.totalNanos(stage)))
        .tags(tags).baseUnit("seconds").description("Time spent in the stage")
        .register(registry);
  }

  private void gauge(String name, String description, StoreStages stages, Tags tags,
      ToDoubleFunction<StoreStages> value) {
    Gauge.builder(prefix + name, stages, value).tags(tags).baseUnit("seconds")
        .description(description).register(registry);
  }

  private static double seconds(double nanos) {
    return nanos / 1e9;
  }
}
