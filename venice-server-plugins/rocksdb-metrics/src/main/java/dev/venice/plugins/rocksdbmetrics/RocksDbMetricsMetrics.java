package dev.venice.plugins.rocksdbmetrics;

import dev.venice.plugins.rocksdbmetrics.Sample.PartitionKey;
import dev.venice.plugins.rocksdbmetrics.Sample.Series;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The plugin's meters, all under the host-given prefix ({@code venice.server.rocksdb.metrics.}):
 * per store (tag {@code store}) the meter names of {@link Stat}, {@code level.files} and {@code
 * level.bytes} (tags {@code store}, {@code level}), {@code block.cache.hit.ratio} and {@code
 * replicas}; the same under {@code partition.} with the extra tag {@code partition} for the stores
 * that opted in. {@code CUMULATIVE} stats are function counters, the rest gauges.
 *
 * <p>Every meter reads the last {@link Sample} (one volatile read and two map lookups): a scrape
 * never calls the engine. {@link #update} publishes a sample and reconciles the meters with it:
 * meters of series, levels or tickers the sample has are registered, those it no longer has are
 * removed from the registry, so no stale series stays. Ticker-based meters exist only while a
 * replica of the series reports RocksDB's tickers (absent, not zero, with statistics off).
 *
 * <p>Thread-safe: {@link #update} is called by the one sampling task ({@code synchronized});
 * meters may be read from any thread.
 */
final class RocksDbMetricsMetrics {
  private final MeterRegistry registry;
  private final String prefix;
  private final AtomicReference<Sample> current = new AtomicReference<>(Sample.EMPTY);
  private final Map<MeterKey, Meter> registered = new HashMap<>();

  /**
   * @param prefix the host-given meter prefix, ending with a dot
   */
  RocksDbMetricsMetrics(MeterRegistry registry, String prefix) {
    this.registry = registry;
    this.prefix = prefix;
  }

  /** The last sample published. */
  Sample current() {
    return current.get();
  }

  /** Publishes {@code sample} and registers and removes meters to match it. */
  synchronized void update(Sample sample) {
    current.set(sample);
    Set<MeterKey> wanted = new HashSet<>();
    sample.stores().forEach((store, series) -> want(wanted, store, null, series));
    sample.partitions().forEach((pk, series) -> want(wanted, pk.store(), pk.partition(), series));
    registered.entrySet().removeIf(e -> {
      if (wanted.contains(e.getKey())) {
        return false;
      }
      registry.remove(e.getValue());
      return true;
    });
    for (MeterKey key : wanted) {
      registered.computeIfAbsent(key, this::register);
    }
  }

  /** Meters registered now (for tests). */
  synchronized int meterCount() {
    return registered.size();
  }

  private static void want(Set<MeterKey> wanted, String store, Integer partition, Series series) {
    for (Stat stat : series.values().keySet()) {
      wanted.add(new MeterKey(store, partition, stat.name(), null));
    }
    series.levelFiles().keySet().forEach(l -> wanted.add(new MeterKey(store, partition,
        LEVEL_FILES, l)));
    series.levelBytes().keySet().forEach(l -> wanted.add(new MeterKey(store, partition,
        LEVEL_BYTES, l)));
    if (!Double.isNaN(series.hitRatio())) {
      wanted.add(new MeterKey(store, partition, HIT_RATIO, null));
    }
    wanted.add(new MeterKey(store, partition, REPLICAS, null));
  }

  private static final String LEVEL_FILES = "level.files";
  private static final String LEVEL_BYTES = "level.bytes";
  private static final String HIT_RATIO = "block.cache.hit.ratio";
  private static final String REPLICAS = "replicas";

  private Meter register(MeterKey key) {
    String name = prefix + (key.partition == null ? "" : "partition.");
    Tags tags = Tags.of("store", key.store);
    if (key.partition != null) {
      tags = tags.and("partition", Integer.toString(key.partition));
    }
    if (key.level != null) {
      tags = tags.and("level", Integer.toString(key.level));
    }
    switch (key.what) {
      case LEVEL_FILES:
        return gauge(name + LEVEL_FILES, tags, "SST files in the LSM level",
            s -> orNaN(s.levelFiles().get(key.level)), key);
      case LEVEL_BYTES:
        return gauge(name + LEVEL_BYTES, tags, "SST bytes in the LSM level",
            s -> orNaN(s.levelBytes().get(key.level)), key);
      case HIT_RATIO:
        return gauge(name + HIT_RATIO, tags, "Block cache hits / lookups between the two last"
            + " samples with lookups (0 to 1)", Series::hitRatio, key);
      case REPLICAS:
        return gauge(name + REPLICAS, tags, "Partition replicas summed into the series",
            Series::replicas, key);
      default:
        Stat stat = Stat.valueOf(key.what);
        ToDoubleFunction<Series> value = s -> orNaN(s.values().get(stat));
        if (stat.kind == Stat.Kind.CUMULATIVE) {
          return FunctionCounter.builder(name + stat.meter, this,
              m -> m.read(key, value)).tags(tags).description(stat.description)
              .register(registry);
        }
        return gauge(name + stat.meter, tags, stat.description, value, key);
    }
  }

  private Gauge gauge(String name, Tags tags, String description, ToDoubleFunction<Series> value,
      MeterKey key) {
    return Gauge.builder(name, this, m -> m.read(key, value)).tags(tags)
        .description(description).strongReference(true).register(registry);
  }

  /** The value of {@code key}'s series in the last sample, NaN when the series is gone. */
  private double read(MeterKey key, ToDoubleFunction<Series> value) {
    Sample sample = current.get();
    Series series = key.partition == null ? sample.stores().get(key.store)
        : sample.partitions().get(new PartitionKey(key.store, key.partition));
    return series == null ? Double.NaN : value.applyAsDouble(series);
  }

  private static double orNaN(Long value) {
    return value == null ? Double.NaN : value;
  }

  /** One meter: a series (store, partition or null), what it shows, and its level or null. */
  private record MeterKey(String store, Integer partition, String what, Integer level) {}
}
