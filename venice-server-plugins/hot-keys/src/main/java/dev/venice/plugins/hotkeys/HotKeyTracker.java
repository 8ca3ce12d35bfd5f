package dev.venice.plugins.hotkeys;

import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.PartitionEvent;
import dev.venice.spi.server.ReadHook;
import dev.venice.spi.server.ReadOutcome;
import dev.venice.spi.server.ReadRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot-key summaries of every partition replica on this server: one {@link ReplicaSummary}
 * per store, version and partition, created on the replica's first read with the store's {@code
 * top-k}, counting every key looked up (a single get is one key, a batch get one per key).
 *
 * <p>Keys are counted in {@link #afterRead}, which the host calls for every lookup, also those
 * another hook answered before storage (a Bloom filter's "absent"), so the summary's total is the
 * number of lookups the replica served. A replica's summary is dropped when the replica closes.
 *
 * <p>Thread-safe: the map of summaries is concurrent and each replica's summary is striped (see
 * {@link ReplicaSummary}): readers of different replicas never contend, readers of one replica
 * count in different stripes.
 */
final class HotKeyTracker implements ReadHook, IngestionRecordHook {
  /** A partition replica; its hash computed once (records hash through an indirection). */
  static final class Replica {
    final String store;
    final int version;
    final int partition;
    private final int hash;

    Replica(String store, int version, int partition) {
      this.store = store;
      this.version = version;
      this.partition = partition;
      this.hash = (store.hashCode() * 31 + version) * 31 + partition;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Replica r && r.hash == hash && r.partition == partition
          && r.version == version && r.store.equals(store);
    }
  }

  private final StoreSettings<HotKeysConfig> settings;
  private final TimeSource time;
  /** Kept: its meters read through it. */
  private final HotKeysMetrics metrics;
  private final int stripes;
  private final Map<Replica, ReplicaSummary> summaries = new ConcurrentHashMap<>();
  /** Keys counted by summaries since dropped, so the updates counter never goes back. */
  private final AtomicLong droppedTotal = new AtomicLong();

  /**
   * @param settings the host-kept per-store settings ({@code top-k} sizes summaries created after
   *     a change)
   * @param time the clock giving each summary its creation time
   * @param stripes the most stripes per replica summary, a power of two (see {@link
   *     ReplicaSummary})
   * @param prefix the host-given meter prefix ({@code venice.server.hot.keys.})
   */
  HotKeyTracker(StoreSettings<HotKeysConfig> settings, TimeSource time, int stripes,
      MeterRegistry registry, String prefix) {
    this.settings = settings;
    this.time = time;
    this.stripes = stripes;
    this.metrics = new HotKeysMetrics(registry, prefix, summaries::size, this::updates);
  }

  @Override
  public void afterRead(ReadRequest request, ReadOutcome outcome) {
    ByteKey key = new ByteKey(request.key()); // hashed here, outside the summary's lock
    Replica replica = new Replica(request.store(), request.version(), request.partition());
    ReplicaSummary summary = summaries.get(replica);
    if (summary == null) {
      summary = summaries.computeIfAbsent(replica, this::newSummary);
    }
    summary.offer(key);
  }

  private ReplicaSummary newSummary(Replica replica) {
    return new ReplicaSummary(settings.get(replica.store).topK(), stripes,
        time.now().toEpochMilli());
  }

  @Override
  public void onPartitionClosed(PartitionEvent event) {
    ReplicaSummary gone = summaries.remove(
        new Replica(event.store(), event.version(), event.partition()));
    if (gone != null) {
      droppedTotal.addAndGet(gone.total());
    }
  }

  private double updates() {
    return droppedTotal.get() + summaries.values().stream().mapToLong(ReplicaSummary::total).sum();
  }

  /** The highest version of {@code store} with a summary here, if any. */
  OptionalInt latestVersion(String store) {
    return summaries.keySet().stream().filter(r -> r.store.equals(store))
        .mapToInt(r -> r.version).max();
  }

  /**
   * Snapshots of the summaries of one store version, by partition.
   *
   * @param partition one partition, or {@code null} for all
   * @param top the most entries per partition
   */
  List<Map.Entry<Integer, ReplicaSummary.Snapshot>> snapshots(String store, int version,
      Integer partition, int top) {
    return summaries.entrySet().stream()
        .filter(e -> e.getKey().store.equals(store) && e.getKey().version == version
            && (partition == null || e.getKey().partition == partition))
        .sorted(Comparator.comparingInt(e -> e.getKey().partition))
        .map(e -> Map.entry(e.getKey().partition, e.getValue().snapshot(top))).toList();
  }
}
