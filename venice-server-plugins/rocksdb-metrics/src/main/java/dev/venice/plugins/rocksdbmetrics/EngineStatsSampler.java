package dev.venice.plugins.rocksdbmetrics;

import dev.venice.plugins.rocksdbmetrics.Sample.PartitionKey;
import dev.venice.plugins.rocksdbmetrics.Sample.Series;
import dev.venice.spi.host.EngineStats;
import dev.venice.spi.plugin.TimeSource;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns the engine statistics of every replica on this server ({@link EngineStats}, one list per
 * call of the source) into a {@link Sample}: per store and per (store, partition) sums over the
 * replicas (every version held here).
 *
 * <p>Gauges ({@link Stat.Kind#CURRENT} and the per-level files and bytes) are the sums over the
 * replicas of this sample. Counters ({@link Stat.Kind#CUMULATIVE}: RocksDB's tickers and the
 * flush and compaction counts, each counted since its replica opened) never go backwards: the
 * sampler keeps each replica's last raw value and adds the difference to the series' total; a
 * replica that disappears keeps what it added; a raw value below the last one (the replica was
 * closed and reopened between two samples, so its count restarted at 0) adds the new value. A
 * series' totals are dropped when none of its replicas is left, so a store that comes back starts
 * again at 0 (a counter reset, which Prometheus's {@code rate} handles).
 *
 * <p>The block-cache hit ratio is hits / (hits + misses) of the lookups between the last two
 * samples that saw lookups (deltas of the totals), so it follows the current workload rather
 * than the replica's lifetime; {@code NaN} before the first lookup or with statistics off.
 *
 * <p>Not thread-safe for concurrent {@link #sample()} calls (the plugin calls it from its one
 * background task; it is {@code synchronized} anyway); the returned samples are immutable.
 */
final class EngineStatsSampler {
  private static final Stat[] STATS = Stat.values();

  private final Supplier<List<EngineStats>> source;
  private final Predicate<String> perPartition;
  private final TimeSource time;
  /** Each replica's last raw value of each cumulative stat (by ordinal), -1 when not reported. */
  private Map<ReplicaKey, long[]> lastRaw = new HashMap<>();
  private final Map<String, Totals> storeTotals = new HashMap<>();
  private final Map<PartitionKey, Totals> partitionTotals = new HashMap<>();

  /**
   * @param source the engine statistics of every replica held here (the SPI's {@code
   *     StorageStatsService::engineStats}); called once per sample
   * @param perPartition whether a store gets per-partition series
   * @param time the clock that stamps samples
   */
  EngineStatsSampler(Supplier<List<EngineStats>> source, Predicate<String> perPartition,
      TimeSource time) {
    this.source = Objects.requireNonNull(source, "source");
    this.perPartition = Objects.requireNonNull(perPartition, "perPartition");
    this.time = Objects.requireNonNull(time, "time");
  }

  /** Reads the source once and returns the new sample. */
  synchronized Sample sample() {
    List<EngineStats> replicas = source.get();
    Map<String, Builder> stores = new TreeMap<>();
    Map<PartitionKey, Builder> partitions = new TreeMap<>();
    Map<ReplicaKey, long[]> raw = new HashMap<>();
    boolean statistics = false;
    for (EngineStats replica : replicas) {
      ReplicaKey key = new ReplicaKey(replica.store(), replica.version(), replica.partition());
      PartitionKey pk = new PartitionKey(replica.store(), replica.partition());
      Totals st = storeTotals.computeIfAbsent(replica.store(), s -> new Totals());
      Totals pt = partitionTotals.computeIfAbsent(pk, p -> new Totals());
      Builder sb = stores.computeIfAbsent(replica.store(), s -> new Builder(st));
      Builder pb = partitions.computeIfAbsent(pk, p -> new Builder(pt));
      sb.replicas++;
      pb.replicas++;
      long[] previous = lastRaw.get(key);
      long[] now = raw.computeIfAbsent(key, k -> newRaw());
      for (Stat stat : STATS) {
        Long value = replica.values().get(stat.engineName);
        if (value == null) {
          continue;
        }
        statistics |= stat.ticker;
        if (stat.kind == Stat.Kind.CURRENT) {
          sb.add(stat, value);
          pb.add(stat, value);
        } else {
          int i = stat.ordinal();
          long last = previous == null || previous[i] < 0 ? 0 : previous[i];
          long delta = value >= last ? value - last : value;
          now[i] = value;
          st.totals[i] += delta;
          pt.totals[i] += delta;
          sb.present.put(stat, Boolean.TRUE);
          pb.present.put(stat, Boolean.TRUE);
        }
      }
      for (Map.Entry<String, Long> e : replica.values().entrySet()) {
        Integer level = level(e.getKey(), Stat.LEVEL_FILES);
        if (level != null) {
          sb.levelFiles.merge(level, e.getValue(), Long::sum);
          pb.levelFiles.merge(level, e.getValue(), Long::sum);
        }
        level = level(e.getKey(), Stat.LEVEL_BYTES);
        if (level != null) {
          sb.levelBytes.merge(level, e.getValue(), Long::sum);
          pb.levelBytes.merge(level, e.getValue(), Long::sum);
        }
      }
    }
    lastRaw = raw;
    storeTotals.keySet().retainAll(stores.keySet());
    partitionTotals.keySet().retainAll(partitions.keySet());
    SortedMap<String, Series> storeSeries = new TreeMap<>();
    stores.forEach((store, b) -> storeSeries.put(store, b.build()));
    SortedMap<PartitionKey, Series> partitionSeries = new TreeMap<>();
    Map<String, Boolean> optedIn = new HashMap<>();
    partitions.forEach((pk, b) -> {
      Series series = b.build(); // always, so the partition's hit-ratio deltas stay current
      if (optedIn.computeIfAbsent(pk.store(), perPartition::test)) {
        partitionSeries.put(pk, series);
      }
    });
    return new Sample(time.now().toEpochMilli(), replicas.size(), statistics,
        java.util.Collections.unmodifiableSortedMap(storeSeries),
        java.util.Collections.unmodifiableSortedMap(partitionSeries));
  }

  /** {@code N} when {@code name} is {@code prefix} followed by a level number, else null. */
  private static Integer level(String name, String prefix) {
    if (!name.startsWith(prefix) || name.length() == prefix.length()) {
      return null;
    }
    try {
      return Integer.parseInt(name.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long[] newRaw() {
    long[] raw = new long[STATS.length];
    Arrays.fill(raw, -1);
    return raw;
  }

  private record ReplicaKey(String store, int version, int partition) {}

  /** A series' state across samples: counter totals and the hit ratio's last totals. */
  private static final class Totals {
    final long[] totals = new long[STATS.length];
    long hitsAtRatio;
    long missesAtRatio;
    double ratio = Double.NaN;
  }

  /** One series of one sample, being summed. */
  private static final class Builder {
    final Totals totals;
    final Map<Stat, Long> current = new EnumMap<>(Stat.class);
    final Map<Stat, Boolean> present = new EnumMap<>(Stat.class);
    final SortedMap<Integer, Long> levelFiles = new TreeMap<>();
    final SortedMap<Integer, Long> levelBytes = new TreeMap<>();
    int replicas;

    Builder(Totals totals) {
      this.totals = totals;
    }

    void add(Stat stat, long value) {
      current.merge(stat, value, Long::sum);
    }

    Series build() {
      Map<Stat, Long> values = new EnumMap<>(current);
      for (Stat stat : present.keySet()) {
        values.put(stat, totals.totals[stat.ordinal()]);
      }
      Long hits = values.get(Stat.BLOCK_CACHE_HITS);
      Long misses = values.get(Stat.BLOCK_CACHE_MISSES);
      if (hits != null && misses != null) {
        long dh = hits - totals.hitsAtRatio;
        long dm = misses - totals.missesAtRatio;
        if (dh + dm > 0) {
          totals.ratio = (double) dh / (dh + dm);
          totals.hitsAtRatio = hits;
          totals.missesAtRatio = misses;
        }
      }
      return new Series(replicas, java.util.Collections.unmodifiableMap(values),
          java.util.Collections.unmodifiableSortedMap(levelFiles),
          java.util.Collections.unmodifiableSortedMap(levelBytes),
          hits != null && misses != null ? totals.ratio : Double.NaN);
    }
  }
}
