package dev.venice.plugins.rocksdbmetrics;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * One immutable sample of the engine statistics of the replicas on this server, as the meters and
 * the endpoint read it: per store, and per (store, partition) for the stores that opted in.
 *
 * @param atMillis when it was taken (wall clock, milliseconds since the epoch)
 * @param replicas replicas sampled
 * @param statistics whether any sampled replica reported RocksDB's tickers ({@code false} when
 *     none did or there was no replica)
 * @param stores store name to its aggregate, sorted
 * @param partitions (store, partition) to its aggregate over the versions held here, for the stores
 *     with {@code per-partition-metrics=true} only, sorted
 */
record Sample(long atMillis, int replicas, boolean statistics, SortedMap<String, Series> stores,
    SortedMap<PartitionKey, Series> partitions) {
  /** The empty sample, before the first run. */
  static final Sample EMPTY = new Sample(0, 0, false, new java.util.TreeMap<>(),
      new java.util.TreeMap<>());

  /** A store's partition, as the per-partition series are keyed. */
  record PartitionKey(String store, int partition) implements Comparable<PartitionKey> {
    PartitionKey {
      Objects.requireNonNull(store, "store");
    }

    @Override
    public int compareTo(PartitionKey o) {
      int c = store.compareTo(o.store);
      return c != 0 ? c : Integer.compare(partition, o.partition);
    }
  }

  /**
   * The aggregate of some replicas.
   *
   * @param replicas replicas summed
   * @param values each {@link Stat} reported (absent when no replica reports it: a ticker with
   *     statistics off); {@code CURRENT} ones summed over the replicas now, {@code CUMULATIVE}
   *     ones since the plugin first saw the series, never decreasing
   * @param levelFiles LSM level to its SST files, summed
   * @param levelBytes LSM level to its SST bytes, summed
   * @param hitRatio block-cache hits / lookups between the two last samples with lookups, in
   *     [0, 1]; {@code NaN} before any lookup or with statistics off
   */
  record Series(int replicas, Map<Stat, Long> values, SortedMap<Integer, Long> levelFiles,
      SortedMap<Integer, Long> levelBytes, double hitRatio) {}
}
