package dev.venice.plugins.writepathlatency;

import dev.venice.spi.plugin.TimeSource;
import dev.venice.spi.server.IngestionRecord;
import dev.venice.spi.server.IngestionRecordHook;
import dev.venice.spi.server.WritePathTimestampMap;
import java.util.Optional;

/**
 * The plugin's ingestion hook. In {@link #afterApply}, which the host calls right after the
 * record's RocksDB write, a record whose headers hold {@link WritePathTimestampMap#HEADER} is
 * measured: the clock is read first ({@code t_rocksdb_written}), the header parsed, and the deltas
 * of {@link WritePathDeltas} recorded in the store's histograms. Every other record costs one
 * look-up in its headers map (empty for almost all records) and nothing else. A header that does
 * not parse or lacks the leader's stamp is counted in {@code headers.unusable}. Thread-safe: no
 * state of its own; the meters are concurrent.
 */
final class WritePathLatencyHook implements IngestionRecordHook {
  private final WritePathLatencyMetrics metrics;
  private final TimeSource time;

  /** @param time the wall clock, for {@code t_rocksdb_written} ({@code context.time()}) */
  WritePathLatencyHook(WritePathLatencyMetrics metrics, TimeSource time) {
    this.metrics = metrics;
    this.time = time;
  }

  @Override
  public void afterApply(IngestionRecord record) {
    byte[] value = record.headers().get(WritePathTimestampMap.HEADER);
    if (value == null) {
      return; // not sampled (or a header without a value, which carries no stamp)
    }
    long written = WritePathTimestampMap.epochMicros(time.now());
    Optional<WritePathTimestampMap> stamps = WritePathTimestampMap.parse(value);
    if (stamps.isEmpty() || !WritePathDeltas.compute(stamps.get(), record.leader(), written,
        metrics.forStore(record.store())::record)) {
      metrics.unusable();
    }
  }
}
