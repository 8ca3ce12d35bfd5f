package dev.venice.plugins.ingestionstagemetrics;

import dev.venice.spi.plugin.StoreSettings;
import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.LeaderBatch;
import dev.venice.spi.server.PartitionEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingestion hook: hands each applied record's {@link
 * dev.venice.spi.server.IngestionRecord#timings()} and each leader batch's totals to its
 * partition replica's {@link PartitionRecorder} (created on the replica's first record with its
 * store's {@code flush-interval}), which merges them into the store's {@link StoreStages}
 * (created on the store's first record, its meters registered per stage on first use) at most
 * once per flush interval. A replica's end of push and its close flush it; the close drops it.
 *
 * <p>Thread-safe: the maps are concurrent; each recorder is used only on its partition's
 * ingestion thread, where the host calls every hook of that partition.
 */
final class StageTimingHook implements IngestionRecordHook {
  /** A partition replica: store, version and partition. */
  record Replica(String store, int version, int partition) {}

  private final StoreSettings<IngestionStageMetricsConfig> settings;
  private final TimeSource time;
  private final long windowNanos;
  private final IngestionStageMetricsMetrics metrics;
  private final Map<Replica, PartitionRecorder> recorders = new ConcurrentHashMap<>();
  private final Map<String, StoreStages> stores = new ConcurrentHashMap<>();
  private final AtomicLong flushes = new AtomicLong();

  /**
   * @param settings the host-kept per-store settings ({@code flush-interval} is read when a
   *     replica's recorder is created)
   * @param windowNanos the length of one window of the stores' timings
   * @param time the clock (its monotonic nanoseconds only)
   * @param prefix the host-given meter prefix ({@code venice.server.ingestion.stage.metrics.})
   */
  StageTimingHook(StoreSettings<IngestionStageMetricsConfig> settings, long windowNanos,
      TimeSource time, MeterRegistry registry, String prefix) {
    this.settings = settings;
    this.windowNanos = windowNanos;
    this.time = time;
    this.metrics = new IngestionStageMetricsMetrics(registry, prefix, time::nanoTime,
        recorders::size, flushes::get);
  }

  @Override
  public void afterApply(IngestionRecord record) {
    recorder(record.store(), record.version(), record.partition()).record(record.timings());
  }

  @Override
  public void afterLeaderBatch(LeaderBatch batch) {
    recorder(batch.store(), batch.version(), batch.partition())
        .recordBatch(batch.timings(), batch.records());
  }

  @Override
  public void onEndOfPush(PartitionEvent event) {
    PartitionRecorder recorder = recorders.get(replica(event));
    if (recorder != null) {
      flush(recorder);
    }
  }

  @Override
  public void onPartitionClosed(PartitionEvent event) {
    PartitionRecorder recorder = recorders.remove(replica(event));
    if (recorder != null) {
      flush(recorder);
    }
  }

  /** The stores with timings here, by name. */
  List<String> stores() {
    return stores.keySet().stream().sorted().toList();
  }

  /** One store's timings, if it has any here. */
  Optional<StoreStages> store(String store) {
    return Optional.ofNullable(stores.get(store));
  }

  /** Partition replicas with a recorder now. */
  int replicas() {
    return recorders.size();
  }

  /** Merges of a replica's timings into its store's since start. */
  long flushes() {
    return flushes.get();
  }

  private void flush(PartitionRecorder recorder) {
    if (recorder.pending() > 0) {
      recorder.flush();
    }
  }

  private PartitionRecorder recorder(String store, int version, int partition) {
    Replica replica = new Replica(store, version, partition);
    PartitionRecorder recorder = recorders.get(replica);
    return recorder != null ? recorder : recorders.computeIfAbsent(replica, this::newRecorder);
  }

  private PartitionRecorder newRecorder(Replica replica) {
    StoreStages target = stores.computeIfAbsent(replica.store(), s -> new StoreStages(s,
        windowNanos, time.nanoTime(), metrics::register));
    return new PartitionRecorder(target, settings.get(replica.store()).flushInterval().toNanos(),
        time::nanoTime, () -> flushes.incrementAndGet());
  }

  private static Replica replica(PartitionEvent event) {
    return new Replica(event.store(), event.version(), event.partition());
  }
}
